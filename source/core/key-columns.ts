import {isAlertFilter, type AlertCounts, type KeyFilter} from './query.js';
import {alertsAt, isPastDue} from './time.js';
import type {GeneratedKey, Millis, RenewalPeriod} from './types.js';

/** One key as the columns take it: what a search, a filter and the alert counts read. */
export interface KeyColumnsRow {
	appKey: string;
	name: string;
	active: boolean;
	tokenCreated: Millis;
}

const NAME_END = 0x01;
const REMOVED = 2;
/** Bytes a key's line takes, as a first guess: a 25-character name and a 22-character appKey. */
const TEXT_GUESS = 52;
const LINE_END = 0x0a;
const encoder = new TextEncoder();

/** An appKey as generated (`prefix-account-SUFFIX`) is its lower-cased form with the last six letters upper-cased. */
const fromLower = (lower: string) => `${lower.slice(0, -6)}${lower.slice(-6).toUpperCase()}`;

/**
 * A large store's keys as columns, in the table's order: one buffer of every key's lower-cased
 * name and appKey (searched with a native substring scan), and the status and token age of each
 * in typed arrays. About 60 bytes a key, so a million keys fit in the memory one screen of
 * objects per key would take a hundred thousand; the rows on screen are read from the store.
 */
export class KeyColumns {
	/** Lines, the removed ones included. */
	count = 0;
	/** Keys removed since the columns were read (their lines stay, marked). */
	removed = 0;
	/** Bumps with every change in place, for what is derived from the columns. */
	version = 0;
	private text: Buffer;
	private textEnd = 0;
	/** Where each key's line starts in `text`; one more entry marks the end of the last. */
	private starts: Int32Array;
	private tokenCreated: Float64Array;
	/** 1 active, 0 inactive, REMOVED for a key removed since the columns were read. */
	private active: Uint8Array;
	/** Which classes of character (signatureOf) each line holds: a search looks only in lines that hold all of its own. */
	private signatures: Int32Array;
	private scratch = new Int32Array(0);
	/** The last search and what it found, which a longer one narrows. */
	private lastSearch: {asked: {needle: string; filter: KeyFilter; period: RenewalPeriod; now: Millis; version: number; count: number}; found: Int32Array} | null = null;
	/** The few appKeys that are not as generated (not recoverable from their lower-cased form), by line. */
	private readonly unusual = new Map<number, string>();

	constructor(capacity = 1024) {
		this.text = Buffer.allocUnsafe(capacity * TEXT_GUESS);
		this.starts = new Int32Array(capacity + 1);
		this.tokenCreated = new Float64Array(capacity);
		this.active = new Uint8Array(capacity);
		this.signatures = new Int32Array(capacity);
	}

	/** Makes room for `lines` keys at once (when their number is known), so no column is copied to grow. */
	reserve(lines: number): void {
		if (this.starts.length < lines + 1) this.grow(lines + 1);
		if (this.text.length < lines * TEXT_GUESS) this.text = grown(this.text, lines * TEXT_GUESS);
	}

	/** How many keys the store has, as far as the columns know. */
	get keys(): number {
		return this.count - this.removed;
	}

	add(row: KeyColumnsRow): void {
		const line = this.count;
		if (line + 1 >= this.starts.length) this.grow();
		const lowerKey = row.appKey.toLowerCase();
		if (fromLower(lowerKey) !== row.appKey) this.unusual.set(line, row.appKey);
		const bytes = lineText(row);
		if (this.textEnd + bytes.length > this.text.length) this.text = grown(this.text, this.textEnd + bytes.length);
		this.text.set(bytes, this.textEnd);
		this.starts[line] = this.textEnd;
		this.textEnd += bytes.length;
		this.starts[line + 1] = this.textEnd;
		this.tokenCreated[line] = row.tokenCreated;
		this.active[line] = row.active ? 1 : 0;
		this.signatures[line] = signatureOf(bytes);
		this.count++;
	}

	/**
	 * Takes a changed key in place; false when it cannot be (a new key, or a name whose length
	 * changed): the caller then reads the columns again.
	 */
	update(row: KeyColumnsRow): boolean {
		const line = this.lineOf(row.appKey);
		if (line < 0) return false;
		const bytes = lineText(row);
		if (bytes.length !== this.starts[line + 1]! - this.starts[line]!) return false;
		this.text.set(bytes, this.starts[line]);
		this.signatures[line] = signatureOf(bytes);
		if (this.active[line] === REMOVED) this.removed--;
		this.active[line] = row.active ? 1 : 0;
		this.tokenCreated[line] = row.tokenCreated;
		this.version++;
		return true;
	}

	remove(appKey: string): void {
		const line = this.lineOf(appKey);
		if (line < 0 || this.active[line] === REMOVED) return;
		this.active[line] = REMOVED;
		this.removed++;
		this.version++;
	}

	appKeyAt(line: number): string {
		const unusual = this.unusual.get(line);
		if (unusual !== undefined) return unusual;
		const end = this.starts[line + 1]! - 1;
		const from = this.text.lastIndexOf(NAME_END, end);
		return fromLower(this.text.toString('latin1', from + 1, end));
	}

	/** The line of a key, or -1: one scan of the buffer for its appKey at a line's end. */
	lineOf(appKey: string): number {
		const needle = Buffer.from(`\u0001${appKey.toLowerCase()}\n`);
		const at = this.text.indexOf(needle);
		return at < 0 || at >= this.textEnd ? -1 : this.lineAt(at, 0);
	}

	/**
	 * The lines a search and a filter keep, in the table's order: a case-insensitive substring of
	 * the name or the appKey (as the app's search everywhere), the status, or the renewal alert.
	 * A search that extends the last one (a letter typed) looks only among the last one's lines.
	 */
	search(search: string, filter: KeyFilter, period: RenewalPeriod, now: Millis): Int32Array {
		const needle = search.trim().toLowerCase();
		const keeps = this.filterOf(filter, period, now);
		const bytes = Buffer.from(needle);
		if (bytes.includes(NAME_END) || bytes.includes(LINE_END)) return new Int32Array(0);
		const asked = {needle, filter, period, now, version: this.version, count: this.count};
		const last = this.lastSearch;
		const narrowed =
			last && needle.startsWith(last.asked.needle) && last.asked.filter === filter && last.asked.period === period && last.asked.now === now && last.asked.version === this.version && last.asked.count === this.count;
		const candidates = narrowed ? last.found : null;
		const total = candidates ? candidates.length : this.count;
		const wanted = signatureOf(bytes);
		// One character with a class of its own: the signatures alone say which lines hold it.
		const exact = bytes.length === 0 || (bytes.length === 1 && EXACT.has(bytes[0]!));
		// Found lines go in a buffer kept from search to search; the answer is a copy of those found.
		if (this.scratch.length < total) this.scratch = new Int32Array(Math.max(total, this.count));
		const found = this.scratch;
		let n = 0;
		for (let i = 0; i < total; ) {
			const line = candidates === null ? i : candidates[i]!;
			if ((this.signatures[line]! & wanted) !== wanted || !keeps(line)) {
				i++;
				continue;
			}
			if (exact) {
				found[n++] = line;
				i++;
				continue;
			}
			const at = this.text.indexOf(bytes, this.starts[line]);
			if (at < 0 || at >= this.textEnd) break;
			if (at < this.starts[line + 1]!) found[n++] = line;
			// The lines before the next place the needle is found cannot hold it.
			for (i++; i < total && this.starts[(candidates === null ? i : candidates[i]!) + 1]! <= at; ) i++;
		}
		const result = found.slice(0, n);
		this.lastSearch = {asked, found: result};
		return result;
	}

	/** How many keys are due soon and how many past due, for the footer. */
	alerts(period: RenewalPeriod, now: Millis): AlertCounts {
		const counts = {dueSoon: 0, pastDue: 0};
		const alertOf = alertsAt(period, now);
		for (let line = 0; line < this.count; line++) {
			if (this.active[line] === REMOVED) continue;
			const level = alertOf(this.tokenCreated[line]!);
			if (level === 'due-soon') counts.dueSoon++;
			else if (isPastDue(level)) counts.pastDue++;
		}
		return counts;
	}

	/** What the table can show of a key before its row is read: its appKey, status and token age. */
	placeholder(line: number): GeneratedKey {
		return {
			appKey: this.appKeyAt(line),
			name: '',
			roles: [],
			created: 0,
			createdBy: '',
			active: this.active[line] === 1,
			token: {digest: '', hint: '', created: this.tokenCreated[line]!},
		};
	}

	private filterOf(filter: KeyFilter, period: RenewalPeriod, now: Millis): (line: number) => boolean {
		if (filter === 'all') return line => this.active[line] !== REMOVED;
		if (filter === 'active' || filter === 'inactive') {
			const wanted = filter === 'active' ? 1 : 0;
			return line => this.active[line] === wanted;
		}
		if (!isAlertFilter(filter)) return () => true;
		const alertOf = alertsAt(period, now);
		return line => {
			if (this.active[line] === REMOVED) return false;
			const level = alertOf(this.tokenCreated[line]!);
			return filter === 'due-soon' ? level === 'due-soon' : isPastDue(level);
		};
	}

	/** The line holding byte `at`, searching forward from line `from`. */
	private lineAt(at: number, from: number): number {
		let low = from;
		let high = this.count - 1;
		while (low < high) {
			const middle = (low + high + 1) >> 1;
			if (this.starts[middle]! <= at) low = middle;
			else high = middle - 1;
		}
		return low;
	}

	private grow(capacity = this.starts.length * 2): void {
		const starts = new Int32Array(capacity + 1);
		starts.set(this.starts);
		this.starts = starts;
		const tokenCreated = new Float64Array(capacity);
		tokenCreated.set(this.tokenCreated);
		this.tokenCreated = tokenCreated;
		const active = new Uint8Array(capacity);
		active.set(this.active);
		this.active = active;
		const signatures = new Int32Array(capacity);
		signatures.set(this.signatures);
		this.signatures = signatures;
	}
}

/**
 * The class of each byte, one bit each: a to z, ' ', '#' and '-' have a class of their own; the
 * digits share two; every other byte (the name separator, UTF-8's) shares the last.
 */
const CLASS = new Uint32Array(256).fill(1 << 31);
const EXACT = new Set<number>();
for (let c = 0; c < 26; c++) CLASS[0x61 + c] = 1 << c;
for (let d = 0; d < 10; d++) CLASS[0x30 + d] = 1 << (d < 5 ? 26 : 27);
CLASS[0x20] = 1 << 28;
CLASS[0x23] = 1 << 29;
CLASS[0x2d] = 1 << 30;
for (let b = 0; b < 256; b++) if (CLASS[b] !== 1 << 31 && !(b >= 0x30 && b <= 0x39)) EXACT.add(b);
// The line's end and the name's end are not searched for.
CLASS[LINE_END] = 0;

/** The classes of character in some text's bytes (as a 32-bit integer, as `&` gives). */
function signatureOf(bytes: Uint8Array): number {
	let signature = 0;
	for (let i = 0; i < bytes.length; i++) signature |= CLASS[bytes[i]!]!;
	return signature;
}

const lineText = (row: KeyColumnsRow) => encoder.encode(`${row.name.toLowerCase()}\u0001${row.appKey.toLowerCase()}\n`);

function grown(buffer: Buffer, needed: number): Buffer {
	const next = Buffer.allocUnsafe(Math.max(needed, Math.ceil(buffer.length * 1.25)));
	buffer.copy(next);
	return next;
}
