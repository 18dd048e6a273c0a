import {storeFailure} from '../core/errors.js';

/** proper-lockfile (and graceful-fs, which it loads and which patches fs) only once something is written. */
let lockfileModule: Promise<typeof import('proper-lockfile')> | undefined;
const loadLockfile = () => (lockfileModule ??= import('proper-lockfile').then(module => (module as {default?: typeof import('proper-lockfile')}).default ?? module));

export interface LockOptions {
	/** A lock untouched this long is taken over (its holder is presumed dead or paused). */
	staleMs: number;
	/** How long to keep trying before reporting the store busy. */
	retries: number;
}

export const DEFAULT_LOCK: LockOptions = {staleMs: 10_000, retries: 600};

export interface Lease {
	/** Set when another process took the lock over while this one held it. */
	readonly compromised: boolean;
	release(): Promise<void>;
}

/** Cross-process lock on `file` (a `file.lock` directory), held only around read → change → write. */
export async function acquireLock(file: string, options: LockOptions = DEFAULT_LOCK): Promise<Lease> {
	const lockfile = await loadLockfile();
	let compromised = false;
	let release: (() => Promise<void>) | undefined;
	// Retry only while another process holds the lock; a full or read-only disk fails at once.
	for (let attempt = 0, wait = 2; !release; attempt++, wait = Math.min(60, wait * 1.15)) {
		try {
			release = await lockfile.lock(file, {
				realpath: false,
				stale: options.staleMs,
				update: Math.max(1000, Math.floor(options.staleMs / 2)),
				retries: 0,
				onCompromised: () => {
					compromised = true;
				},
			});
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ELOCKED' && attempt < options.retries) {
				await new Promise(resolve => setTimeout(resolve, wait * (0.5 + Math.random())));
				continue;
			}
			if (code === 'ELOCKED') throw storeFailure(`store ${file} is busy: another apikeys process holds ${file}.lock; try again`);
			const reason = code === 'ENOSPC' ? 'no space left on the device (ENOSPC)' : code === 'EROFS' ? 'the file system is read-only (EROFS)' : (error as Error).message.split('\n')[0];
			throw storeFailure(`could not lock store ${file}: ${reason}; nothing was changed`);
		}
	}
	return {
		get compromised() {
			return compromised;
		},
		async release() {
			// A lock that was taken over is no longer ours to remove.
			if (!compromised) await release!().catch(() => undefined);
		},
	};
}
