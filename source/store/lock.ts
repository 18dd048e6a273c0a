import {constants} from 'node:fs';
import {open, readFile, rmdir, type FileHandle} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {storeFailure} from '../core/errors.js';
import {checkDirectory} from './store-file.js';

/** The kernel lock (Linux: an open-file-description lock; elsewhere flock) of fs-native-extensions. */
interface NativeLocks {
	tryLock(fd: number): boolean;
	unlock(fd: number): void;
}
let nativeLocks: NativeLocks | undefined;
// Loaded on the first write: a read-only command never loads the native module.
const locks = () => (nativeLocks ??= createRequire(import.meta.url)('fs-native-extensions') as NativeLocks);

export interface LockOptions {
	/** How long to keep trying before reporting the store busy. */
	waitMs: number;
}

export const DEFAULT_LOCK: LockOptions = {waitMs: 30_000};

export interface Lease {
	release(): Promise<void>;
}

export const lockPath = (file: string) => `${file}.lock`;

/**
 * Cross-process lock on `file`, held only around re-read → change → write: a kernel lock on
 * `file.lock`, which the kernel keeps for a paused holder and drops the moment a holder dies.
 * There is no stale time, so no writer can ever take over from one that is still alive.
 */
export async function acquireLock(file: string, options: LockOptions = DEFAULT_LOCK): Promise<Lease> {
	await checkDirectory(file);
	const handle = await openLockFile(file);
	const deadline = Date.now() + options.waitMs;
	try {
		// Polling, not a blocking wait: a blocked wait would hold one of libuv's four threads until the holder lets go.
		for (let wait = 1; !locks().tryLock(handle.fd); wait = Math.min(50, wait * 1.5)) {
			if (Date.now() >= deadline) {
				const holder = await readFile(lockPath(file), 'latin1').catch(() => '');
				const pid = /^\d+$/.test(holder.trim()) ? ` (pid ${holder.trim()})` : '';
				throw storeFailure(`store ${file} is busy: another apikeys process${pid} has held ${lockPath(file)} for ${Math.round(options.waitMs / 1000)} s; try again`);
			}
			await new Promise(resolve => setTimeout(resolve, wait * (0.5 + Math.random())));
		}
		// Who holds it, for the busy message of the others; the kernel lock, not this text, is the lock.
		await handle.truncate(0);
		await handle.write(`${process.pid}\n`, 0, 'latin1');
	} catch (error) {
		await handle.close();
		throw error;
	}
	return {
		async release() {
			// Closing the descriptor drops the lock; an explicit unlock first says so.
			try {
				locks().unlock(handle.fd);
			} finally {
				await handle.close();
			}
		},
	};
}

/** Opens (creating) the lock file: a regular file of mode 0600, never a link or anything else. */
async function openLockFile(file: string): Promise<FileHandle> {
	const path = lockPath(file);
	const flags = constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
	let handle: FileHandle;
	try {
		handle = await open(path, flags, 0o600);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		// An older apikeys locked with a directory of this name; an empty one is a leftover.
		if (code === 'EISDIR' && (await rmdir(path).then(() => true, () => false))) return openLockFile(file);
		throw storeFailure(`could not lock store ${file}: ${lockFailure(path, error)}; nothing was changed`);
	}
	const info = await handle.stat();
	if (!info.isFile()) {
		await handle.close();
		throw storeFailure(`could not lock store ${file}: ${path} is not a regular file; nothing was changed`);
	}
	return handle;
}

function lockFailure(path: string, error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
	const reasons: Record<string, string> = {
		ENOSPC: 'no space left on the device (ENOSPC)',
		EROFS: 'the file system is read-only (EROFS)',
		EACCES: `permission denied on ${path} (EACCES)`,
		ELOOP: `${path} is a symbolic link (ELOOP)`,
		EISDIR: `${path} is a directory that is not empty`,
	};
	return reasons[code] ?? `${code} on ${path}`;
}

/** Runs `work` only if the lock is free now (cleaning up after dead writers); false when it is held. */
export async function withLockIfFree(file: string, work: () => Promise<void>): Promise<boolean> {
	let handle: FileHandle;
	try {
		handle = await openLockFile(file);
	} catch {
		return false;
	}
	try {
		if (!locks().tryLock(handle.fd)) return false;
		await work();
		return true;
	} finally {
		await handle.close();
	}
}
