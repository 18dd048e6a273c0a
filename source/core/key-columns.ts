import {isAlertFilter, type AlertCounts, type KeyFilter} from './query.js';
import {isPastDue, renewalAlert} from './time.js';
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
	/** The few appKeys that are not as generated (not recoverable from their lower-cased form), by line. */
	private readonly unusual = new Map<number, string>();

	constructor(capacity = 1024) {
		this.text = Buffer.allocUnsafe(capacity * TEXT_GUESS);
		this.starts = new Int32Array(capacity + 1);
		this.tokenCreated = new Float64Array(capacity);
		this.active = new Uint8Array(capacity);
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
	 */
	search(search: string, filter: KeyFilter, period: RenewalPeriod, now: Millis): Int32Array {
		const needle = search.trim().toLowerCase();
		const keeps = this.filterOf(filter, period, now);
		const found = new Int32Array(this.count);
		let n = 0;
		if (!needle) {
			for (let line = 0; line < this.count; line++) if (keeps(line)) found[n++] = line;
			return found.slice(0, n);
		}
		const bytes = Buffer.from(needle);
		if (bytes.includes(NAME_END) || bytes.includes(LINE_END)) return new Int32Array(0);
		let line = 0;
		for (let at = this.text.indexOf(bytes, 0); at >= 0 && at < this.textEnd; at = this.text.indexOf(bytes, this.starts[line + 1])) {
			line = this.lineAt(at, line);
			if (keeps(line)) found[n++] = line;
			if (line + 1 >= this.count) break;
		}
		return found.slice(0, n);
	}

	/** How many keys are due soon and how many past due, for the footer. */
	alerts(period: RenewalPeriod, now: Millis): AlertCounts {
		const counts = {dueSoon: 0, pastDue: 0};
		for (let line = 0; line < this.count; line++) {
			if (this.active[line] === REMOVED) continue;
			const level = renewalAlert(this.tokenCreated[line]!, period, now);
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
		return line => {
			if (this.active[line] === REMOVED) return false;
			const level = renewalAlert(this.tokenCreated[line]!, period, now);
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
	}
}

const lineText = (row: KeyColumnsRow) => encoder.encode(`${row.name.toLowerCase()}\u0001${row.appKey.toLowerCase()}\n`);

function grown(buffer: Buffer, needed: number): Buffer {
	const next = Buffer.allocUnsafe(Math.max(needed, Math.ceil(buffer.length * 1.25)));
	buffer.copy(next);
	return next;
}
