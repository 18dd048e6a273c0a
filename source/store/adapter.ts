import {isAscii} from 'node:buffer';
import {stat} from 'node:fs/promises';
import type {Adapter} from 'lowdb';
import {StoreGoneError, storeFailure} from '../core/errors.js';
import type {StoreData} from '../core/types.js';
import {StaleWriteError, writeAtomically} from './atomic-write.js';
import {bytesSource} from './byte-source.js';
import {integrityEnd, integrityOf} from './integrity.js';
import {HEAD_BYTES, fileOrder, headRevision} from './line-layout.js';
import {orderKept, serializedBody, type FileLines} from './line-writer.js';
import {parseStore, validateStore} from './parse-store.js';
import {previewOf, type Preview} from './preview.js';
import {openStoreFile} from './store-file.js';

interface FileIdentity {
	ino: bigint;
	size: bigint;
	mtimeNs: bigint;
}
const sameFile = (a: FileIdentity, b: FileIdentity) => a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;

/**
 * lowdb adapter over one JSON file, with the guarantees lowdb's stock adapter lacks: a unique
 * temp file, fsync of file and directory, mode 0600, a revision fence before the rename, and
 * a refusal (never an overwrite) for a file that does not parse. Locking is the Store's job.
 * It keeps what the last read or write learnt about the file (its identity, data, line layout,
 * a preview's bytes), so an unchanged file is not read again and a write reuses unchanged lines.
 */
export class AtomicJsonFile implements Adapter<StoreData> {
	private snapshot: (FileIdentity & {data: StoreData}) | null = null;
	/** Where the keys and entries of the data last read or written lie in that file. */
	private lines: FileLines | null = null;
	/** The bytes a preview read, and whether their CRC held, for the full read that follows it. */
	private previewed: (FileIdentity & {bytes: Buffer; verified: boolean}) | null = null;
	/** Whether the file was there once: a read that then finds none says so, rather than none (lowdb's Low would keep its old data). */
	private seen = false;

	constructor(readonly path: string) {}

	/**
	 * The parsed store, or null when there is no file (a StoreGoneError when there was one). Reuses
	 * the last parse when the file is unchanged.
	 */
	async read(): Promise<StoreData | null> {
		const file = await this.load();
		if (!file) {
			if (this.seen) throw new StoreGoneError(this.path);
			return null;
		}
		if (!('bytes' in file)) return file.data;
		const {data, lines} = parseStore(this.path, file.bytes, file.verified);
		this.snapshot = {...file.info, data};
		this.lines = lines;
		this.previewed = null;
		return data;
	}

	/**
	 * What the first frame of a large store needs, without parsing all of it (see previewOf). The
	 * whole file's CRC is checked first; the scan for forbidden property names waits for the full
	 * read. Null for a file under `fromBytes`, or not in this program's layout.
	 */
	async readPreview(limit: number, fromBytes = 0): Promise<Preview | null> {
		const file = await this.load();
		if (!file || !('bytes' in file) || file.bytes.length < fromBytes || !isAscii(file.bytes)) return null;
		const verified = file.verified || integrityOf(file.bytes, bytesSource(file.bytes)) === 'holds';
		// The full read that follows reuses the bytes, and the CRC's verdict, while the file is the same.
		this.previewed = {...file.info, bytes: file.bytes, verified};
		// A damaged file is not previewed: the full read reports it, with its place.
		if (!verified) return null;
		return previewOf(file.bytes, limit, parsed => validateStore(this.path, parsed));
	}

	/** The file's bytes, or the cached data when the file is unchanged since it was last read or written. */
	private async load(): Promise<{data: StoreData} | {info: FileIdentity; bytes: Buffer; verified: boolean} | null> {
		const file = await this.open();
		if (!file) return null;
		this.seen = true;
		const {handle, info: stats} = file;
		try {
			const info: FileIdentity = {ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs};
			const cached = this.snapshot;
			if (cached && sameFile(cached, info)) return {data: cached.data};
			const previewed = this.previewed;
			if (previewed && sameFile(previewed, info)) return {info, bytes: previewed.bytes, verified: previewed.verified};
			return {info, bytes: await handle.readFile(), verified: false};
		} catch (error) {
			throw this.ioFailure('read', error);
		} finally {
			await handle.close();
		}
	}

	private async open() {
		try {
			return await openStoreFile(this.path);
		} catch (error) {
			if ((error as {kind?: string}).kind === 'store') throw error;
			throw this.ioFailure('read', error);
		}
	}

	/** The revision of the file on disk now, or null when there is none. */
	async diskRevision(): Promise<number | null> {
		const file = await this.open();
		if (!file) return null;
		const {handle} = file;
		try {
			const buffer = Buffer.alloc(HEAD_BYTES);
			const {bytesRead} = await handle.read(buffer, 0, HEAD_BYTES, 0);
			return headRevision(buffer.toString('latin1', 0, bytesRead)) ?? parseStore(this.path, await handle.readFile()).data.revision;
		} finally {
			await handle.close();
		}
	}

	/**
	 * Writes `data` (whose revision is one past the one read) atomically, renaming it over the
	 * store only if the store is still at the revision this writer read.
	 */
	async write(data: StoreData): Promise<void> {
		// Keys are kept in the file's order (oldest first): sorted in place once if they are not.
		if (!orderKept(data.keys, this.lines?.keys ?? null)) data.keys.sort(fileOrder);
		const {parts, lines} = serializedBody(data, this.lines);
		const fence = async () => {
			const onDisk = await this.diskRevision();
			const expected = data.revision - 1;
			if (onDisk === null ? expected !== 0 : onDisk !== expected) {
				throw new StaleWriteError(`store ${this.path} changed while this change was being written (revision ${onDisk ?? 'none'}, expected ${expected})`);
			}
		};
		await writeAtomically(this.path, parts, integrityEnd, fence, error => this.ioFailure('write', error));
		const info = await stat(this.path, {bigint: true});
		this.seen = true;
		this.snapshot = {ino: info.ino, size: info.size, mtimeNs: info.mtimeNs, data};
		this.previewed = null;
		this.lines = lines;
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
