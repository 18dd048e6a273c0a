import {constants} from 'node:fs';
import {open, type FileHandle} from 'node:fs/promises';
import {crc32} from 'node:zlib';
import {storeFailure} from '../core/errors.js';
import type {ActivityEntry, ArchiveExtent} from '../core/types.js';
import {forbiddenName, bytesSource} from './byte-source.js';
import {asciiJson} from './line-layout.js';
import {SchemaError, activityEntry} from './schema.js';
import {checkDirectory, checkOpenedFile} from './store-file.js';

/** The store keeps at most this many entries; past it, a write moves all but the newest ACTIVITY_KEPT to the archive. */
export const ACTIVITY_IN_STORE_MAX = 10_000;
export const ACTIVITY_KEPT = 5_000;

/** Closes each appended run of entries: the CRC32 of every byte before this line, and the entries so far. */
const TRAILER = /^\{"integrity":"crc32:([0-9a-f]{8})","entries":(\d+)\}$/;
const trailerLine = (crc: number, entries: number) => `{"integrity":"crc32:${crc.toString(16).padStart(8, '0')}","entries":${entries}}\n`;

/** About 8 000 000 entries: years of a busy store; past it, the archive is rotated by hand (docs/store-format.md). */
const ARCHIVE_MAX_BYTES = 1024 * 1024 * 1024;

const UNTOUCHED = 'it was left untouched';

/**
 * The activity archive beside a store file (`store.json.activity`): older entries, one per line,
 * oldest first, appended in runs that each end with an integrity line. Only the first
 * `extent.bytes` bytes count, as the store file (whose own CRC covers the extent) says; an append
 * that a crash left unfinished past them is cut off by the next one. Written only under the
 * store's lock, read without it: committed bytes never change.
 */
export class ActivityArchive {
	readonly path: string;
	/** The entries read last, and the extent they cover: a longer extent reads only what was added. */
	private cache: {extent: ArchiveExtent; entries: ActivityEntry[]} | null = null;

	constructor(storePath: string) {
		this.path = `${storePath}.activity`;
	}

	/**
	 * Appends `entries` after the committed `extent` (none: the archive starts empty) and makes
	 * them durable; returns the extent to commit in the store. Until the store is written with it,
	 * nothing changed for any reader.
	 */
	async append(extent: ArchiveExtent | undefined, entries: readonly ActivityEntry[]): Promise<ArchiveExtent> {
		const from = extent ?? {entries: 0, bytes: 0, crc: 0, newest: 0};
		const body = Buffer.from(entries.map(entry => `${asciiJson(entry)}\n`).join(''), 'latin1');
		const bodyCrc = crc32(body, from.crc);
		const trailer = Buffer.from(trailerLine(bodyCrc, from.entries + entries.length), 'latin1');
		const handle = await this.openForAppend(from.bytes);
		try {
			await handle.truncate(from.bytes);
			await handle.writev([body, trailer], from.bytes);
			await handle.sync();
		} finally {
			await handle.close();
		}
		return {entries: from.entries + entries.length, bytes: from.bytes + body.length + trailer.length, crc: crc32(trailer, bodyCrc), newest: entries.at(-1)?.at ?? from.newest};
	}

	/** Whether an archive file is here (a new store refuses to start beside an old store's archive). */
	async exists(): Promise<boolean> {
		try {
			await (await open(this.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)).close();
			return true;
		} catch (error) {
			return (error as NodeJS.ErrnoException).code !== 'ENOENT';
		}
	}

	/** The archived entries, oldest first, checked against the extent the store commits. */
	async read(extent: ArchiveExtent | undefined): Promise<readonly ActivityEntry[]> {
		if (!extent || extent.entries === 0) return [];
		const cached = this.cache;
		if (cached && cached.extent.bytes === extent.bytes) return cached.entries;
		const start = cached && cached.extent.bytes < extent.bytes ? cached.extent : {entries: 0, bytes: 0, crc: 0, newest: 0};
		const bytes = await this.readRange(start.bytes, extent.bytes);
		const added = this.parse(bytes, start, extent);
		const entries = start.bytes === 0 ? added : [...cached!.entries, ...added];
		this.cache = {extent, entries};
		return entries;
	}

	private async readRange(from: number, to: number): Promise<Buffer> {
		await checkDirectory(this.path);
		let handle: FileHandle;
		try {
			handle = await open(this.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') throw storeFailure(`the activity archive ${this.path} is missing: the store's older activity is in it; restore it from a backup`);
			throw storeFailure(`could not read the activity archive ${this.path}: ${code ?? 'error'}`);
		}
		try {
			const info = await checkOpenedFile(this.path, handle, 'activity archive', ARCHIVE_MAX_BYTES);
			if (Number(info.size) < to) throw storeFailure(`the activity archive ${this.path} is ${info.size} bytes, shorter than the ${to} the store has committed: it was cut short; restore it from a backup`);
			const bytes = Buffer.alloc(to - from);
			for (let at = 0; at < bytes.length; ) {
				const {bytesRead} = await handle.read(bytes, at, bytes.length - at, from + at);
				if (bytesRead === 0) throw storeFailure(`the activity archive ${this.path} was cut short while being read`);
				at += bytesRead;
			}
			return bytes;
		} finally {
			await handle.close();
		}
	}

	/** The entries in `bytes` (the archive from `start` on), every run's integrity line checked, ending exactly at `extent`. */
	private parse(bytes: Buffer, start: ArchiveExtent, extent: ArchiveExtent): ActivityEntry[] {
		const damaged = (what: string) => storeFailure(`the activity archive ${this.path} ${what}: it was damaged or edited by hand; ${UNTOUCHED}`);
		const forbidden = forbiddenName(bytesSource(bytes));
		if (forbidden >= 0) throw damaged(`holds a forbidden property name at byte ${start.bytes + forbidden}`);
		const entries: ActivityEntry[] = [];
		let crc = start.crc;
		let runStart = 0;
		let at = 0;
		while (at < bytes.length) {
			const newline = bytes.indexOf(0x0a, at);
			if (newline < 0) throw damaged(`ends in the middle of a line at byte ${start.bytes + at}`);
			const line = bytes.toString('latin1', at, newline);
			const trailer = TRAILER.exec(line);
			if (trailer) {
				crc = crc32(bytes.subarray(runStart, at), crc);
				if (parseInt(trailer[1]!, 16) !== crc) throw damaged(`fails its integrity check (CRC32 of the first ${start.bytes + at} bytes)`);
				if (Number(trailer[2]) !== start.entries + entries.length) throw damaged(`counts ${trailer[2]} entries at byte ${start.bytes + at}, not ${start.entries + entries.length}`);
				crc = crc32(bytes.subarray(at, newline + 1), crc);
				runStart = newline + 1;
			} else {
				try {
					entries.push(activityEntry(JSON.parse(line), `entry ${start.entries + entries.length + 1}`));
				} catch (error) {
					throw damaged(error instanceof SchemaError ? `has ${error.message} at byte ${start.bytes + at}` : `has a line that is not an entry at byte ${start.bytes + at}`);
				}
			}
			at = newline + 1;
		}
		if (runStart !== bytes.length || crc !== extent.crc || start.entries + entries.length !== extent.entries) {
			throw damaged(`does not hold the ${extent.entries} entries the store has committed`);
		}
		return entries;
	}

	/** Opens the archive to write at `committed` (created, mode 0600, when the store has committed nothing to it). */
	private async openForAppend(committed: number): Promise<FileHandle> {
		const flags = constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (committed === 0 ? constants.O_CREAT : 0);
		let handle: FileHandle;
		try {
			handle = await open(this.path, flags, 0o600);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') throw storeFailure(`the activity archive ${this.path} is missing: the store's older activity is in it; restore it from a backup`);
			throw error;
		}
		try {
			const info = await checkOpenedFile(this.path, handle, 'activity archive', ARCHIVE_MAX_BYTES);
			if (Number(info.size) < committed) throw storeFailure(`the activity archive ${this.path} is shorter than the ${committed} bytes the store has committed: restore it from a backup`);
			return handle;
		} catch (error) {
			await handle.close();
			throw error;
		}
	}
}
