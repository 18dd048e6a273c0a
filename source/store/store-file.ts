import {constants, type BigIntStats, type Stats} from 'node:fs';
import {lstat, open, stat, type FileHandle} from 'node:fs/promises';
import {dirname} from 'node:path';
import {storeFailure} from '../core/errors.js';

/** The largest store file read: far past 100 000 keys with their activity, far below what would exhaust memory. */
export const STORE_MAX_BYTES = 256 * 1024 * 1024;

const UNTOUCHED = 'it was left untouched';

/**
 * Opens the store file for reading after the checks a security-minded reader makes first: a
 * regular file (never a FIFO, a device or a link to one: opened without following a link and
 * without blocking), at most STORE_MAX_BYTES, and neither it nor its directory writable by group
 * or others (as ssh refuses a private key with loose modes). Null when there is no file.
 */
export async function openStoreFile(path: string): Promise<{handle: FileHandle; info: BigIntStats} | null> {
	await checkDirectory(path);
	let handle: FileHandle;
	try {
		handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return null;
		if (code === 'ELOOP') throw storeFailure(`store ${path} is a symbolic link: give the path of the store file itself; ${UNTOUCHED}`);
		throw error;
	}
	try {
		return {handle, info: await checkOpenedFile(path, handle, 'store', STORE_MAX_BYTES)};
	} catch (error) {
		await handle.close();
		throw error;
	}
}

/**
 * The checks on an opened file of a store (the store, its activity archive): a regular file, at
 * most `maxBytes`, not writable by group or others. Returns its status; the caller closes it.
 */
export async function checkOpenedFile(path: string, handle: FileHandle, what: string, maxBytes: number): Promise<BigIntStats> {
	const info = await handle.stat({bigint: true});
	const mode = Number(info.mode);
	if (!info.isFile()) throw storeFailure(`${what} ${path} is ${kindOf(info)}, not a regular file; ${UNTOUCHED}`);
	if (info.size > maxBytes) {
		throw storeFailure(`${what} ${path} is ${mebibytes(Number(info.size))} MiB, over the ${mebibytes(maxBytes)} MiB a ${what} may be; ${UNTOUCHED}`);
	}
	if ((mode & 0o022) !== 0) {
		throw storeFailure(`${what} ${path} is writable by ${whoMayWrite(mode)} (mode ${octal(mode)}): run "chmod 600 ${path}"; ${UNTOUCHED}`);
	}
	return info;
}

/** Refuses a store directory that others may write: they could swap the file or squat its lock and temp names. */
export async function checkDirectory(path: string): Promise<void> {
	const directory = dirname(path);
	let info: Stats;
	try {
		info = await stat(directory);
	} catch {
		return; // No directory yet: there is no store, and creating one makes it 0700.
	}
	if ((info.mode & 0o022) === 0) return;
	// A directory given for the store (in /tmp) is said to be one rather than blamed on its parent;
	// in a private directory, opening it says so (checkOpenedFile).
	if ((await lstat(path).catch(() => null))?.isDirectory()) throw storeFailure(`store ${path} is a directory, not a regular file; ${UNTOUCHED}`);
	const fix = (info.mode & 0o1000) !== 0 ? 'keep the store in a directory only its owner can write' : `run "chmod go-w ${directory}"`;
	throw storeFailure(`the directory of store ${path} is writable by ${whoMayWrite(info.mode)} (mode ${octal(info.mode)}): ${fix}`);
}

const kindOf = (info: Stats | BigIntStats) =>
	info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() ? 'a character device' : info.isBlockDevice() ? 'a block device' : info.isSocket() ? 'a socket' : info.isDirectory() ? 'a directory' : 'not a file';
const whoMayWrite = (mode: number) => ((mode & 0o020) && (mode & 0o002) ? 'group and others' : mode & 0o020 ? 'its group' : 'others');
const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');
const mebibytes = (bytes: number) => Math.round(bytes / 2 ** 20);
