import type {GeneratedKey} from '../core/types.js';
import {startsWith} from './byte-source.js';

/**
 * The layout this program writes a store in: the small fields first (so a writer reads the
 * revision from the first bytes), then the activity log and the keys, one item per line, the keys
 * oldest first so the newest end the file; the integrity trailer closes it (see integrity.ts).
 * This file reads that layout; line-writer.ts writes it.
 */
export const ACTIVITY_OPENING = ',"activity":[\n';
const ACTIVITY_OPENING_BYTES = Buffer.from(ACTIVITY_OPENING, 'latin1');
export const KEYS_OPENING = '],"keys":[\n';
const KEYS_OPENING_LINE = '],"keys":[';
const CLOSING = /^\],"integrity":"crc32:[0-9a-f]{8}"\}\s*$/;
const CLOSING_OPENING = Buffer.from('\n],"integrity":"crc32:');
const KEY_LINE_OPENING = '{"appKey":"';

const HEAD = /^\{"schemaVersion":\d+,"revision":(\d+),/;
/** Enough of a file's start to hold its schema version and revision. */
export const HEAD_BYTES = 80;

/** The revision in a file's first HEAD_BYTES, or null when it does not start as this program writes. */
export function headRevision(start: string): number | null {
	const match = HEAD.exec(start);
	return match ? Number(match[1]) : null;
}

/**
 * JSON with every character past ASCII written as a \u escape: the file is then pure ASCII, which
 * Node reads as a one-byte string (UTF-16 decoding and parsing of a 100 000-key store took twice
 * as long), and no byte of it can be a terminal control or a look-alike character.
 */
export function asciiJson(value: unknown): string {
	const text = JSON.stringify(value);
	return NON_ASCII.test(text) ? text.replace(NON_ASCII_ALL, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}
const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /[^\x00-\x7f]/g;

/**
 * The order of key lines in a file: oldest first, and among keys of the same time by appKey from
 * last to first, so the file's last lines, read backwards, are the table's first page in its
 * default order (newest first, then by appKey).
 */
export const fileOrder = (a: GeneratedKey, b: GeneratedKey) => a.created - b.created || (a.appKey < b.appKey ? 1 : a.appKey > b.appKey ? -1 : 0);

export function inFileOrder(keys: readonly GeneratedKey[]): boolean {
	for (let i = 1; i < keys.length; i++) if (fileOrder(keys[i - 1]!, keys[i]!) > 0) return false;
	return true;
}

/** Where each line of a list is: [starts[i], ends[i]) in the text (two arrays of numbers, no object per line). */
export interface Lines {
	starts: number[];
	ends: number[];
}

export interface Layout {
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
export function layoutOf(bytes: Buffer): Layout | null {
	const start = headOf(bytes);
	if (!start) return null;
	const {head, headEnd} = start;
	const activity = lines(bytes, headEnd + ACTIVITY_OPENING.length);
	if (!activity || !startsWith(bytes, KEYS_OPENING, activity.next)) return null;
	const keys = lines(bytes, activity.next + KEYS_OPENING.length);
	if (!keys || bytes.length - keys.next > 64 || !CLOSING.test(bytes.toString('latin1', keys.next))) return null;
	return {head, keyLines: keys.lines, activityLines: activity.lines};
}

/**
 * The small fields, the key count, and the lines of the `limit` newest keys, read from the head
 * and, backwards, from the end of the file (where the writer puts the newest keys), without
 * looking at the rest. Null when the file is not shaped as this program writes it.
 */
export function newestFromTail(bytes: Buffer, limit: number): {head: Record<string, unknown>; keyCount: number; lines: Array<[number, number]>} | null {
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
