import {randomBytes} from 'node:crypto';
import {constants} from 'node:fs';
import {isAscii} from 'node:buffer';
import {crc32} from 'node:zlib';
import {open, rename, stat, unlink} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import type {Adapter} from 'lowdb';
import {storeFailure} from '../core/errors.js';
import {SchemaError, declaredVersion, migrate, normalizeStore} from './schema.js';
import {SCHEMA_VERSION, type GeneratedKey, type StoreData} from '../core/types.js';
import {lineColumn, locateJsonError} from './json-error.js';
import {openStoreFile} from './store-file.js';

const HEAD = /^\{"schemaVersion":\d+,"revision":(\d+),/;
const HEAD_BYTES = 80;

export const tempFilePattern = (file: string) =>
	new RegExp(`^\\.${basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{16}\\.tmp$`);

/** Thrown when the file on disk is not at the revision this writer read: its lock was lost. */
export class StaleWriteError extends Error {}

interface FileIdentity {
	ino: bigint;
	size: bigint;
	mtimeNs: bigint;
}
const sameFile = (a: FileIdentity, b: FileIdentity) => a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;

interface Snapshot extends FileIdentity {
	revision: number;
	data: StoreData;
}

/** A file's text after the whole-file checks, and its line layout when it has ours (else its parse). */
interface Checked {
	source: Source;
	layout: Layout | null;
	whole?: unknown;
}

const UNTOUCHED = 'it was left untouched';

/** `,"integrity":"crc32:xxxxxxxx"}` closes every file this program writes; the CRC covers all before it. */
const INTEGRITY = /,"integrity":"crc32:([0-9a-f]{8})"\}\s*$/;
const INTEGRITY_OPENING = Buffer.from(',"integrity":"crc32:');
const hex8 = (crc: number) => crc.toString(16).padStart(8, '0');

/**
 * JSON with every character past ASCII written as a \u escape: the file is then pure ASCII, which
 * Node reads as a one-byte string (UTF-16 decoding and parsing of a 100 000-key store took twice
 * as long), and no byte of it can be a terminal control or a look-alike character.
 */
function asciiJson(value: unknown): string {
	const text = JSON.stringify(value);
	return NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}
const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;

/**
 * Where each item of a list (the keys, the activity log) lies in the file last read or written:
 * its buffer and byte range, by position. Keys and activity entries are never changed once in the
 * store (a change puts a new object in place; entries are only appended), so an item that is the
 * same object as last time has the same bytes, and a write copies runs of them straight from the
 * last file's buffer instead of serializing 100 000 keys.
 */
class ListLines {
	constructor(
		readonly items: object[],
		readonly bufs: Buffer[],
		readonly starts: Int32Array,
		readonly ends: Int32Array,
		/** Known to be in the file's order (this program wrote them so); false when not checked. */
		readonly ordered: boolean,
	) {}

	/** The lines of a file in this program's layout, which only its writer makes: in order. */
	static of(items: readonly object[], buf: Buffer, {starts, ends}: {starts: readonly number[]; ends: readonly number[]}): ListLines {
		return new ListLines(items.slice(), new Array<Buffer>(starts.length).fill(buf), Int32Array.from(starts), Int32Array.from(ends), true);
	}

	/**
	 * Where `value`, the item at `i` now, was last time, following a shift of one item added or
	 * removed before it (what one change does); -1 when it is new or changed. `shift` carries the
	 * running offset from one item to the next.
	 */
	placeOf(value: object, i: number, shift: {by: number}): number {
		const j = i + shift.by;
		if (this.items[j] === value) return j;
		if (this.items[j + 1] === value) return i + ++shift.by;
		if (this.items[j - 1] === value) return i + --shift.by;
		return -1;
	}
}

/**
 * Whether keys last written in order still are: only the keys that are not where they were last
 * time (new or replaced ones) are compared with their neighbours. Reading every key's fields
 * instead cost ~10 ms a write at 100 000 keys (one cache miss per key).
 */
function orderKept(keys: readonly GeneratedKey[], last: ListLines | null): boolean {
	if (!last?.ordered) return inFileOrder(keys);
	const shift = {by: 0};
	for (let i = 0; i < keys.length; i++) {
		if (last.placeOf(keys[i]!, i, shift) >= 0) continue;
		if ((i > 0 && fileOrder(keys[i - 1]!, keys[i]!) > 0) || (i + 1 < keys.length && fileOrder(keys[i]!, keys[i + 1]!) > 0)) return false;
	}
	return true;
}

const LINE_BREAK = Buffer.from(',\n');
const NEWLINE = Buffer.from('\n');
const ACTIVITY_OPENING = ',"activity":[\n';
const ACTIVITY_OPENING_BYTES = Buffer.from(ACTIVITY_OPENING, 'latin1');
const KEYS_OPENING = '],"keys":[\n';
const KEYS_OPENING_LINE = '],"keys":[';
const CLOSING = /^\],"integrity":"crc32:[0-9a-f]{8}"\}\s*$/;
const CLOSING_OPENING = Buffer.from('\n],"integrity":"crc32:');

/**
 * The order of key lines in a file: oldest first, and among keys of the same time by appKey from
 * last to first, so the file's last lines, read backwards, are the table's first page in its
 * default order (newest first, then by appKey).
 */
const fileOrder = (a: GeneratedKey, b: GeneratedKey) => a.created - b.created || (a.appKey < b.appKey ? 1 : a.appKey > b.appKey ? -1 : 0);

function inFileOrder(keys: readonly GeneratedKey[]): boolean {
	for (let i = 1; i < keys.length; i++) if (fileOrder(keys[i - 1]!, keys[i]!) > 0) return false;
	return true;
}

/**
 * A list one item per line (`[\n` items joined by `,\n` `\n]`). Each item's bytes come from `last`
 * when it is the object at the same place there, allowing for one item added or removed before
 * it (what one change does); otherwise it is serialized. Lines that lay next to each other in one
 * buffer go out as one piece: `last` ranges come from a file's list (neighbours separated by
 * exactly `,\n`) or from a buffer of their own, so two ranges of one buffer two bytes apart are
 * neighbours in the same list.
 */
function pushLines(parts: Buffer[], values: readonly object[], last: ListLines | null, ordered = false): ListLines {
	const count = values.length;
	// The same number of items as last time (a key edited, activated, renewed…): the last positions
	// are updated where items changed, rather than copied, so a write allocates next to nothing.
	const inPlace = last !== null && last.items.length === count;
	const lines = inPlace ? last : new ListLines(values.slice(), new Array<Buffer>(count), new Int32Array(count), new Int32Array(count), ordered);
	const {bufs, starts, ends} = lines;
	const shift = {by: 0};
	let run: Buffer | null = null;
	let runStart = 0;
	let runEnd = 0;
	for (let i = 0; i < count; i++) {
		const value = values[i]!;
		const j = inPlace ? (last.items[i] === value ? i : -1) : last ? last.placeOf(value, i, shift) : -1;
		let buf: Buffer;
		if (j >= 0) {
			buf = last!.bufs[j]!;
			starts[i] = last!.starts[j]!;
			ends[i] = last!.ends[j]!;
		} else {
			buf = Buffer.from(asciiJson(value), 'latin1');
			starts[i] = 0;
			ends[i] = buf.length;
			lines.items[i] = value;
		}
		bufs[i] = buf;
		if (buf === run && starts[i] === runEnd + 2) {
			runEnd = ends[i]!;
			continue;
		}
		if (run) parts.push(run.subarray(runStart, runEnd), LINE_BREAK);
		run = buf;
		runStart = starts[i]!;
		runEnd = ends[i]!;
	}
	if (run) parts.push(run.subarray(runStart, runEnd), NEWLINE);
	return lines;
}

/** The keys' and the activity log's lines in the file last read or written, for the data read from it. */
interface FileLines {
	data: StoreData;
	keys: ListLines;
	activity: ListLines;
}

/**
 * Write calls of at most this many bytes: one writev of a whole 27 MiB store was sometimes two
 * to three times slower than the same bytes in 1 MiB calls (measured here, 45 writes each).
 */
const WRITE_BATCH = 1 << 20;

/** Pieces regrouped (and large ones cut, without copying) into lists of at most `size` bytes each. */
export function* batches(parts: readonly Buffer[], size: number): Generator<Buffer[]> {
	let batch: Buffer[] = [];
	let bytes = 0;
	for (const part of parts) {
		for (let at = 0; at < part.length; ) {
			const piece = part.subarray(at, at + Math.min(size - bytes, part.length - at));
			batch.push(piece);
			bytes += piece.length;
			at += piece.length;
			if (bytes === size) {
				yield batch;
				batch = [];
				bytes = 0;
			}
		}
	}
	if (batch.length > 0) yield batch;
}

/**
 * The file's bytes, in pieces for writev, but for the end (see integrityEnd). Everything small
 * comes first, so a writer reads the revision from the first bytes and a reader finds the small
 * fields in one short parse; then the activity log and the keys one per line, the keys oldest
 * first, so the newest end the file.
 */
function serializedBody(data: StoreData, last: FileLines | null = null): {parts: Buffer[]; lines: FileLines} {
	const {schemaVersion, revision, account, created, settings, roles, operators, external, links} = data;
	// keyCount is the file's own: the count a preview shows before the keys are read.
	const head = asciiJson({schemaVersion, revision, account, created, settings, roles, operators, external, links, keyCount: data.keys.length}).slice(0, -1);
	const from = last?.data === data ? last : null;
	const parts = [Buffer.from(head + ACTIVITY_OPENING, 'latin1')];
	const activity = pushLines(parts, data.activity, from?.activity ?? null);
	parts.push(Buffer.from(KEYS_OPENING, 'latin1'));
	// The adapter's write has put the keys in order; anything else serializes an ordered copy.
	const inOrder = from ? true : inFileOrder(data.keys);
	const keys = pushLines(parts, inOrder ? data.keys : [...data.keys].sort(fileOrder), from?.keys ?? null, true);
	return {parts, lines: {data, keys, activity}};
}

/** The file's end after a body whose CRC32 is `crc`: the CRC of everything before it, so a flipped bit that still parses is caught. */
const integrityEnd = (crc: number) => Buffer.from(`]${INTEGRITY_OPENING.toString('latin1')}${hex8(crc32(']', crc))}"}`, 'latin1');

export function serializeStore(data: StoreData): string {
	const {parts} = serializedBody(data);
	let crc = 0;
	for (const part of parts) crc = crc32(part, crc);
	return Buffer.concat([...parts, integrityEnd(crc)]).toString('latin1');
}

/**
 * A file's text, read a piece at a time: a string, or for an ASCII file (every file this program
 * writes) its bytes, so no 28 MB string copy of a 100 000-key store is made next to the buffer.
 * The line layout is read from the bytes themselves; this serves the parsing and the checks.
 */
interface Source {
	readonly length: number;
	/** The character code at `at` (NaN past the end). */
	code(at: number): number;
	find(needle: string, from?: number): number;
	text(start: number, end?: number): string;
}

const stringSource = (text: string): Source => ({
	length: text.length,
	code: at => text.charCodeAt(at),
	find: (needle, from) => text.indexOf(needle, from),
	text: (start, end) => text.slice(start, end),
});

/** Needles as bytes, made once: Buffer.indexOf would otherwise encode a string needle on every call. */
const needleBytes = new Map<string, Buffer | number>();
const asNeedle = (needle: string) => {
	let bytes = needleBytes.get(needle);
	if (bytes === undefined) needleBytes.set(needle, (bytes = needle.length === 1 ? needle.charCodeAt(0) : Buffer.from(needle, 'latin1')));
	return bytes;
};

const bytesSource = (bytes: Buffer): Source => ({
	length: bytes.length,
	code: at => bytes[at] ?? Number.NaN,
	find: (needle, from) => bytes.indexOf(asNeedle(needle), from),
	text: (start, end = bytes.length) => bytes.toString('latin1', start, end),
});

function startsWith(bytes: Buffer, prefix: string, at: number): boolean {
	for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix.charCodeAt(i)) return false;
	return true;
}

const FORBIDDEN_NAMES = ['"__proto__"', '"constructor"', '"prototype"'];
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Where the first property named __proto__, constructor or prototype is, or -1 (the text is valid JSON). */
function forbiddenName(source: Source): number {
	let first = -1;
	for (const name of FORBIDDEN_NAMES) {
		for (let at = source.find(name); at >= 0 && (first < 0 || at < first); at = source.find(name, at + 1)) {
			let next = at + name.length;
			while (JSON_SPACE.has(source.code(next))) next++;
			// In valid JSON a string followed by a colon is a property name (inside a string the quotes are escaped).
			if (source.code(next) === 0x3a) {
				first = at;
				break;
			}
		}
	}
	return first;
}

/** Where each line of a list is: [starts[i], ends[i]) in the text (two arrays of numbers, no object per line). */
interface Lines {
	starts: number[];
	ends: number[];
}

interface Layout {
	/** The small fields, parsed. */
	head: Record<string, unknown>;
	/** Where each key line and each activity line is: [start, end) in the text. */
	keyLines: Lines;
	activityLines: Lines;
}

/**
 * The lines of the list that starts at `from` (just after `[\n`); null when it is not one item per
 * line. Read off the bytes directly: it runs once per key of a 100 000-key store.
 */
function lines(bytes: Buffer, from: number): {lines: Lines; next: number} | null {
	const found: Lines = {starts: [], ends: []};
	let at = from;
	while (bytes[at] !== 0x5d) {
		const newline = bytes.indexOf(0x0a, at);
		if (newline < 0 || bytes[at] !== 0x7b) return null;
		const comma = bytes[newline - 1] === 0x2c;
		const end = comma ? newline - 1 : newline;
		if (bytes[end - 1] !== 0x7d) return null;
		found.starts.push(at);
		found.ends.push(end);
		at = newline + 1;
		// Only the last line has no comma.
		if (!comma && bytes[at] !== 0x5d) return null;
	}
	return {lines: found, next: at};
}

/** The small fields at the start of a file in this program's layout, and where they end; null for any other file. */
function headOf(bytes: Buffer): {head: Record<string, unknown>; headEnd: number} | null {
	const headEnd = bytes.indexOf(ACTIVITY_OPENING_BYTES);
	if (headEnd < 0) return null;
	let head: unknown;
	try {
		head = JSON.parse(`${bytes.toString('latin1', 0, headEnd)}}`);
	} catch {
		return null;
	}
	return typeof head === 'object' && head !== null && !Array.isArray(head) ? {head: head as Record<string, unknown>, headEnd} : null;
}

/**
 * The line-per-item layout this program writes (always in ASCII), or null for any other file (an
 * older layout, a hand edit), which is then parsed whole.
 */
function layoutOf(bytes: Buffer): Layout | null {
	const start = headOf(bytes);
	if (!start) return null;
	const {head, headEnd} = start;
	const activity = lines(bytes, headEnd + ACTIVITY_OPENING.length);
	if (!activity || !startsWith(bytes, KEYS_OPENING, activity.next)) return null;
	const keys = lines(bytes, activity.next + KEYS_OPENING.length);
	if (!keys || bytes.length - keys.next > 64 || !CLOSING.test(bytes.toString('latin1', keys.next))) return null;
	return {head, keyLines: keys.lines, activityLines: activity.lines};
}

const KEY_LINE_OPENING = '{"appKey":"';

/** Whether the file's closing CRC32 matches everything before it. Only the tail is read as text; the CRC runs over the bytes. */
function integrityOf(bytes: Buffer, source: Source): 'holds' | 'missing' | {covered: number} {
	const integrity = INTEGRITY.exec(source.text(Math.max(0, source.length - 64)));
	const covered = integrity ? bytes.lastIndexOf(INTEGRITY_OPENING) : -1;
	if (!integrity || covered < 0) return 'missing';
	return hex8(crc32(bytes.subarray(0, covered))) === integrity[1] ? 'holds' : {covered};
}


/**
 * The small fields, the key count, and the lines of the `limit` newest keys, read from the head
 * and, backwards, from the end of the file (where the writer puts the newest keys), without
 * looking at the rest. Null when the file is not shaped as this program writes it.
 */
function newestFromTail(bytes: Buffer, limit: number): {head: Record<string, unknown>; keyCount: number; lines: Array<[number, number]>} | null {
	const start = headOf(bytes);
	if (!start) return null;
	const {head, headEnd} = start;
	const closing = bytes.lastIndexOf(CLOSING_OPENING);
	if (closing < headEnd || !CLOSING.test(bytes.toString('latin1', closing + 1))) return null;
	const {keyCount, ...fields} = head;
	if (typeof keyCount !== 'number' || !Number.isSafeInteger(keyCount) || keyCount < 0) return null;
	const found: Array<[number, number]> = [];
	let lineEnd = closing;
	while (found.length < limit) {
		const start = bytes.lastIndexOf(0x0a, lineEnd - 1) + 1;
		if (start <= headEnd) return null;
		if (lineEnd - start === KEYS_OPENING_LINE.length && startsWith(bytes, KEYS_OPENING_LINE, start)) break;
		const end = bytes[lineEnd - 1] === 0x2c ? lineEnd - 1 : lineEnd;
		if (!startsWith(bytes, KEY_LINE_OPENING, start) || bytes[end - 1] !== 0x7d) return null;
		found.push([start, end]);
		lineEnd = start - 1;
	}
	if (found.length < limit && found.length !== keyCount) return null;
	return {head: fields, keyCount, lines: found};
}

/**
 * lowdb adapter over one JSON file, with the guarantees lowdb's stock adapter lacks: a unique
 * temp file, fsync of file and directory, mode 0600, a revision fence before the rename, and
 * a refusal (never an overwrite) for a file that does not parse. Locking is the Store's job.
 */
export class AtomicJsonFile implements Adapter<StoreData> {
	private snapshot: Snapshot | null = null;
	/** Where the keys and entries of the data last read or written lie in that file. */
	private lines: FileLines | null = null;
	/** The bytes a preview read, and whether their CRC held, for the full read that follows it. */
	private previewed: (FileIdentity & {bytes: Buffer; verified: boolean}) | null = null;

	constructor(readonly path: string) {}

	/** Forget the cached data, e.g. after a change failed half way. */
	invalidate(): void {
		this.snapshot = null;
		this.previewed = null;
		this.lines = null;
	}

	/** The parsed store, or null when there is no file. Reuses the last parse when the file is unchanged. */
	async read(): Promise<StoreData | null> {
		const file = await this.load();
		if (!file) return null;
		if (!('bytes' in file)) return file.data;
		const data = this.parse(file.bytes, file.verified);
		this.snapshot = {...file.info, revision: data.revision, data};
		this.previewed = null;
		return data;
	}

	/**
	 * What the first frame of a large store needs, without parsing all of it: the small fields and
	 * the `limit` newest keys (the table's first page in its default order), plus how many keys
	 * there are. The whole file's CRC is checked first; the schema check covers what is parsed, and
	 * the scan for forbidden property names waits for the full read. Null when the file is not in
	 * this program's layout (or does not check out); then only a full read will do.
	 */
	async readPreview(limit: number, fromBytes = 0): Promise<{data: StoreData; keyCount: number} | null> {
		const file = await this.load();
		if (!file || !('bytes' in file) || file.bytes.length < fromBytes || !isAscii(file.bytes)) return null;
		// The full read that follows reuses the bytes while the file is the same.
		const source = bytesSource(file.bytes);
		const verified = file.verified || integrityOf(file.bytes, source) === 'holds';
		// The full read that follows reuses the bytes, and the CRC's verdict, while the file is the same.
		this.previewed = {...file.info, bytes: file.bytes, verified};
		// A damaged file is not previewed: the full read reports it, with its place.
		if (!verified) return null;
		const newest = newestFromTail(file.bytes, limit);
		if (!newest) return null;
		try {
			const keys = newest.lines.map(([start, end]) => JSON.parse(source.text(start, end)) as unknown);
			return {data: this.validate({...newest.head, keys, activity: []}), keyCount: newest.keyCount};
		} catch {
			return null;
		}
	}

	/** The file's bytes, or the cached data when the file is unchanged since it was last read or written. */
	private async load(): Promise<{data: StoreData} | {info: FileIdentity; bytes: Buffer; verified: boolean} | null> {
		let file;
		try {
			file = await openStoreFile(this.path);
		} catch (error) {
			if ((error as {kind?: string}).kind === 'store') throw error;
			throw this.ioFailure('read', error);
		}
		if (!file) return null;
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

	/** `verified`: the bytes' CRC is already known to hold (a preview checked it). */
	parse(input: string | Buffer, verified = false): StoreData {
		const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
		const {source, layout, whole} = this.check(bytes, verified);
		// Three scans of the whole file: done for a full read, not for a preview (which parses and
		// checks only the fields and keys it shows).
		const forbidden = forbiddenName(source);
		if (forbidden >= 0) {
			const at = lineColumn(source.text(0), forbidden);
			throw storeFailure(`store ${this.path} holds a forbidden property name at line ${at.line}, column ${at.column} (character ${forbidden}); ${UNTOUCHED}`);
		}
		let parsed: Record<string, unknown> | null = null;
		if (layout) {
			try {
				const parseLines = ({starts, ends}: Lines) => starts.map((start, i) => JSON.parse(source.text(start, ends[i])) as unknown);
				const keys = parseLines(layout.keyLines);
				const activity = parseLines(layout.activityLines);
				parsed = {...layout.head, keys, activity};
			} catch {
				parsed = null;
			}
		}
		const data = this.validate(parsed ?? whole ?? this.parseWhole(source.text(0)));
		// Keys and entries were checked in place, so each is the object parsed from its line.
		this.lines = parsed
			? {data, keys: ListLines.of(data.keys, bytes, layout!.keyLines), activity: ListLines.of(data.activity, bytes, layout!.activityLines)}
			: null;
		return data;
	}

	/** The checks of every full read: the file is not empty, parses (in its layout or whole), and its integrity CRC holds. */
	private check(bytes: Buffer, verified: boolean): Checked {
		const where = `store ${this.path}`;
		if (bytes.length === 0) throw storeFailure(`${where} is empty (0 bytes); ${UNTOUCHED}`);
		// Files this program writes are ASCII: read from the bytes, one byte per character.
		const ascii = isAscii(bytes);
		const source = ascii ? bytesSource(bytes) : stringSource(bytes.toString('utf8'));
		const layout = ascii ? layoutOf(bytes) : null;
		// A file that is not valid JSON says where, before anything else.
		const whole = layout ? undefined : this.parseWhole(source.text(0));
		const integrity = verified ? 'holds' : integrityOf(bytes, source);
		if (integrity === 'missing') {
			throw storeFailure(`${where} has no integrity field at its end: it was not written by apikeys, or was cut short; ${UNTOUCHED}`);
		}
		if (integrity !== 'holds') {
			throw storeFailure(`${where} fails its integrity check (CRC32 of the first ${integrity.covered} bytes): it was damaged or edited by hand; ${UNTOUCHED}`);
		}
		return {source, layout, whole};
	}

	private parseWhole(text: string): unknown {
		try {
			return JSON.parse(text) as unknown;
		} catch {
			const at = locateJsonError(text);
			throw storeFailure(
				`store ${this.path} is not valid JSON at line ${at.line}, column ${at.column} (character ${at.offset}): ${at.problem}; ${UNTOUCHED}`,
			);
		}
	}

	private validate(parsed: unknown): StoreData {
		const where = `store ${this.path}`;
		try {
			const version = declaredVersion(parsed);
			if (version > SCHEMA_VERSION) {
				throw storeFailure(
					`${where} was written by a newer apikeys (schema version ${version}; this one knows up to ${SCHEMA_VERSION}): upgrade apikeys; ${UNTOUCHED}`,
				);
			}
			return normalizeStore(migrate(parsed));
		} catch (error) {
			if (error instanceof SchemaError) throw storeFailure(`${where} is damaged: ${error.message}; ${UNTOUCHED}`);
			throw error;
		}
	}

	/** The revision of the file on disk now, or null when there is none. */
	async diskRevision(): Promise<number | null> {
		let file;
		try {
			file = await openStoreFile(this.path);
		} catch (error) {
			if ((error as {kind?: string}).kind === 'store') throw error;
			throw this.ioFailure('read', error);
		}
		if (!file) return null;
		const {handle} = file;
		try {
			const buffer = Buffer.alloc(HEAD_BYTES);
			const {bytesRead} = await handle.read(buffer, 0, HEAD_BYTES, 0);
			const match = HEAD.exec(buffer.toString('latin1', 0, bytesRead));
			if (match) return Number(match[1]);
			return this.parse(await handle.readFile()).revision;
		} finally {
			await handle.close();
		}
	}

	/**
	 * Writes `data` (whose revision is one past the one read) through a unique temp file, then
	 * renames it over the store only if the store is still at the revision this writer read.
	 */
	async write(data: StoreData): Promise<void> {
		const directory = dirname(this.path);
		const temp = join(directory, `.${basename(this.path)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
		// Keys are kept in the file's order (oldest first): sorted in place once if they are not.
		const last = this.lines?.data === data ? this.lines : null;
		if (!orderKept(data.keys, last?.keys ?? null)) data.keys.sort(fileOrder);
		const {parts, lines} = serializedBody(data, last);
		try {
			const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
			try {
				await handle.chmod(0o600);
				// While a batch is copied out (in libuv's threads), this thread sums its bytes for the
				// file's CRC (~11 ms for 27 MiB): the two no longer add up.
				let crc = 0;
				for (const batch of batches(parts, WRITE_BATCH)) {
					const writing = handle.writev(batch);
					for (const piece of batch) crc = crc32(piece, crc);
					await writing;
				}
				await handle.write(integrityEnd(crc));
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
