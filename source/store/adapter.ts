import {randomBytes} from 'node:crypto';
import {constants} from 'node:fs';
import {crc32} from 'node:zlib';
import {open, readFile, rename, stat, unlink} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import type {Adapter} from 'lowdb';
import {storeFailure} from '../core/errors.js';
import {SchemaError, declaredVersion, migrate, normalizeStore} from '../core/schema.js';
import {SCHEMA_VERSION, type StoreData} from '../core/types.js';
import {lineColumn, locateJsonError} from './json-error.js';

/** Keys that could reach an object's prototype if the data were ever merged carelessly. */
const PROTOTYPE_KEY = /"(?:__proto__|constructor|prototype)"\s*:/;
const HEAD = /^\{"schemaVersion":\d+,"revision":(\d+),/;
const HEAD_BYTES = 80;

export const tempFilePattern = (file: string) =>
	new RegExp(`^\\.${basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{16}\\.tmp$`);

/** Thrown when the file on disk is not at the revision this writer read: its lock was lost. */
export class StaleWriteError extends Error {}

interface Snapshot {
	ino: bigint;
	size: bigint;
	mtimeNs: bigint;
	revision: number;
	data: StoreData;
}

/** `,"integrity":"crc32:xxxxxxxx"}` closes every file this program writes; the CRC covers all before it. */
const INTEGRITY = /,"integrity":"crc32:([0-9a-f]{8})"\}\s*$/;
const INTEGRITY_OPENING = Buffer.from(',"integrity":"crc32:');
const crcOf = (bytes: Uint8Array) => crc32(bytes).toString(16).padStart(8, '0');

/**
 * Puts schemaVersion and revision first so a writer can check the revision from the file's first
 * bytes, and ends with a CRC32 of everything before it, so a flipped bit that still parses is caught.
 */
export function serializeStore(data: StoreData): string {
	return Buffer.concat(serializedParts(data)).toString('utf8');
}

/** The file's bytes as two buffers (content, then the integrity field over it), for one writev. */
export function serializedParts(data: StoreData): Buffer[] {
	const {schemaVersion, revision, account, created, settings, roles, operators, keys, external, links, activity} = data;
	const head = JSON.stringify({schemaVersion, revision, account, created, settings, roles, operators}).slice(0, -1);
	const body = Buffer.from(
		`${head},"keys":[${keys.map(cachedJson).join(',')}],"external":${JSON.stringify(external)},"links":${JSON.stringify(links)},"activity":[${activity.map(cachedJson).join(',')}]`,
		'utf8',
	);
	return [body, Buffer.from(`,"integrity":"crc32:${crcOf(body)}"}`)];
}

/**
 * Keys and activity entries are never changed once in the store (a change puts a new key object in
 * place; entries are only appended), so each is serialized once and its text kept on the object in a
 * non-enumerable property: a copy made with {...key} does not carry it, and JSON never shows it.
 */
const SERIALIZED = Symbol('apikeys.serialized');
function cachedJson(value: object): string {
	const holder = value as {[SERIALIZED]?: string};
	let text = holder[SERIALIZED];
	if (text === undefined) {
		text = JSON.stringify(value);
		Object.defineProperty(value, SERIALIZED, {value: text, enumerable: false});
	}
	return text;
}

/**
 * lowdb adapter over one JSON file, with the guarantees lowdb's stock adapter lacks: a unique
 * temp file, fsync of file and directory, mode 0600, a revision fence before the rename, and
 * a refusal (never an overwrite) for a file that does not parse. Locking is the Store's job.
 */
export class AtomicJsonFile implements Adapter<StoreData> {
	private snapshot: Snapshot | null = null;

	constructor(readonly path: string) {}

	/** Forget the cached data, e.g. after a change failed half way. */
	invalidate(): void {
		this.snapshot = null;
	}

	/** The parsed store, or null when there is no file. Reuses the last parse when the file is unchanged. */
	async read(): Promise<StoreData | null> {
		let info;
		try {
			info = await stat(this.path, {bigint: true});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw this.ioFailure('read', error);
		}
		const cached = this.snapshot;
		if (cached && cached.ino === info.ino && cached.size === info.size && cached.mtimeNs === info.mtimeNs) {
			return cached.data;
		}
		let bytes: Buffer;
		try {
			bytes = await readFile(this.path);
		} catch (error) {
			throw this.ioFailure('read', error);
		}
		const data = this.parse(bytes);
		this.snapshot = {ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, revision: data.revision, data};
		return data;
	}

	parse(input: string | Buffer): StoreData {
		const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
		const text = bytes.toString('utf8');
		const where = `store ${this.path}`;
		const untouched = 'it was left untouched';
		if (text.length === 0) throw storeFailure(`${where} is empty (0 bytes); ${untouched}`);
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			const at = locateJsonError(text);
			throw storeFailure(
				`${where} is not valid JSON at line ${at.line}, column ${at.column} (character ${at.offset}): ${at.problem}; ${untouched}`,
			);
		}
		// Only the tail is matched as text; the CRC runs over the bytes, which is several times faster.
		const integrity = INTEGRITY.exec(text.slice(-64));
		const covered = integrity ? bytes.lastIndexOf(INTEGRITY_OPENING) : -1;
		if (!integrity || covered < 0) {
			throw storeFailure(`${where} has no integrity field at its end: it was not written by apikeys, or was cut short; ${untouched}`);
		}
		if (crcOf(bytes.subarray(0, covered)) !== integrity[1]) {
			throw storeFailure(`${where} fails its integrity check (CRC32 of the first ${covered} bytes): it was damaged or edited by hand; ${untouched}`);
		}
		const prototypeKey = PROTOTYPE_KEY.exec(text);
		if (prototypeKey) {
			const at = lineColumn(text, prototypeKey.index);
			throw storeFailure(
				`${where} holds a forbidden property name at line ${at.line}, column ${at.column} (character ${prototypeKey.index}); ${untouched}`,
			);
		}
		try {
			const version = declaredVersion(parsed);
			if (version > SCHEMA_VERSION) {
				throw storeFailure(
					`${where} was written by a newer apikeys (schema version ${version}; this one knows up to ${SCHEMA_VERSION}): upgrade apikeys; ${untouched}`,
				);
			}
			return normalizeStore(migrate(parsed));
		} catch (error) {
			if (error instanceof SchemaError) throw storeFailure(`${where} is damaged: ${error.message}; ${untouched}`);
			throw error;
		}
	}

	/** The revision of the file on disk now, or null when there is none. */
	async diskRevision(): Promise<number | null> {
		let handle;
		try {
			handle = await open(this.path, constants.O_RDONLY);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw this.ioFailure('read', error);
		}
		try {
			const buffer = Buffer.alloc(HEAD_BYTES);
			const {bytesRead} = await handle.read(buffer, 0, HEAD_BYTES, 0);
			const match = HEAD.exec(buffer.toString('latin1', 0, bytesRead));
			if (match) return Number(match[1]);
		} finally {
			await handle.close();
		}
		return this.parse(await readFile(this.path)).revision;
	}

	/**
	 * Writes `data` (whose revision is one past the one read) through a unique temp file, then
	 * renames it over the store only if the store is still at the revision this writer read.
	 */
	async write(data: StoreData): Promise<void> {
		const directory = dirname(this.path);
		const temp = join(directory, `.${basename(this.path)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
		const parts = serializedParts(data);
		try {
			const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
			try {
				await handle.chmod(0o600);
				await handle.writev(parts);
				await handle.sync();
			} finally {
				await handle.close();
			}
			const onDisk = await this.diskRevision();
			const expected = data.revision - 1;
			if (onDisk === null ? expected !== 0 : onDisk !== expected) {
				throw new StaleWriteError(
					`store ${this.path} changed while this change was being written (revision ${onDisk ?? 'none'}, expected ${expected})`,
				);
			}
			await rename(temp, this.path);
		} catch (error) {
			await unlink(temp).catch(() => undefined);
			if (error instanceof StaleWriteError || (error as {kind?: string}).kind === 'store') throw error;
			throw this.ioFailure('write', error);
		}
		await syncDirectory(directory);
		const info = await stat(this.path, {bigint: true});
		this.snapshot = {ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, revision: data.revision, data};
	}

	private ioFailure(verb: 'read' | 'write', error: unknown) {
		const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
		const reason =
			{
				ENOSPC: 'no space left on the device',
				EDQUOT: 'the disk quota is exhausted',
				EROFS: 'the file system is read-only',
				EACCES: 'permission denied',
				EPERM: 'operation not permitted',
				EISDIR: 'it is a directory',
			}[code] ?? (error as Error).message.split('\n')[0];
		const consequence = verb === 'write' ? '; nothing was changed' : '';
		return storeFailure(`could not ${verb} store ${this.path}: ${reason} (${code})${consequence}`);
	}
}

/** Makes the rename durable; file systems that cannot sync a directory (EINVAL) are let be. */
export async function syncDirectory(directory: string): Promise<void> {
	const handle = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY);
	try {
		await handle.sync();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
	} finally {
		await handle.close();
	}
}
