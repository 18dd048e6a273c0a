import {crc32} from 'node:zlib';
import type {GeneratedKey, StoreData} from '../core/types.js';
import {integrityEnd} from './integrity.js';
import {ACTIVITY_OPENING, KEYS_OPENING, asciiJson, fileOrder, inFileOrder} from './line-layout.js';

/**
 * Where each item of a list (the keys, the activity log) lies in the file last read or written:
 * its buffer and byte range, by position. Keys and activity entries are never changed once in the
 * store (a change puts a new object in place; entries are only appended), so an item that is the
 * same object as last time has the same bytes, and a write copies runs of them straight from the
 * last file's buffer instead of serializing 100 000 keys.
 */
export class ListLines {
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
export function orderKept(keys: readonly GeneratedKey[], last: ListLines | null): boolean {
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

/** The keys' and the activity log's lines in the file last read or written. */
export interface FileLines {
	keys: ListLines;
	activity: ListLines;
}

/**
 * The file's bytes, in pieces for writev, but for the end (see integrityEnd). Everything small
 * comes first, so a writer reads the revision from the first bytes and a reader finds the small
 * fields in one short parse; then the activity log and the keys one per line, the keys oldest
 * first, so the newest end the file. With `last` (the lines of the file last read or written), an
 * item that is the same object as there goes out as its bytes there (see pushLines).
 */
export function serializedBody(data: StoreData, last: FileLines | null = null): {parts: Buffer[]; lines: FileLines} {
	const {schemaVersion, revision, account, created, settings, roles, operators, external, links, archive} = data;
	// keyCount is the file's own: the count a preview shows before the keys are read.
	const head = asciiJson({schemaVersion, revision, account, created, settings, roles, operators, external, links, archive, keyCount: data.keys.length}).slice(0, -1);
	const parts = [Buffer.from(head + ACTIVITY_OPENING, 'latin1')];
	const activity = pushLines(parts, data.activity, last?.activity ?? null);
	parts.push(Buffer.from(KEYS_OPENING, 'latin1'));
	// Lines are passed by the adapter's write, which has put the keys in order; anything else serializes an ordered copy.
	const inOrder = last ? true : inFileOrder(data.keys);
	const keys = pushLines(parts, inOrder ? data.keys : [...data.keys].sort(fileOrder), last?.keys ?? null, true);
	return {parts, lines: {keys, activity}};
}

/** A whole store file as text, as this program writes it (tests and the bench build stores with it). */
export function serializeStore(data: StoreData): string {
	const {parts} = serializedBody(data);
	let crc = 0;
	for (const part of parts) crc = crc32(part, crc);
	return Buffer.concat([...parts, integrityEnd(crc)]).toString('latin1');
}
