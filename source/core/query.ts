import {statusText} from './keys.js';
import {openLinkFor} from './links.js';
import {alertsAt, isPastDue, renewalAlert, tokenAgeLabel, type AlertLevel} from './time.js';
import type {GeneratedKey, Millis, RenewalPeriod, StoreSnapshot} from './types.js';

export type StatusFilter = 'all' | 'active' | 'inactive';
export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'active', 'inactive'];

/** The app's `f` filter: a status, or a renewal-alert level (past due is orange and red). */
export type KeyFilter = StatusFilter | 'due-soon' | 'past-due';
export const KEY_FILTERS: readonly KeyFilter[] = [...STATUS_FILTERS, 'due-soon', 'past-due'];
export const isAlertFilter = (filter: KeyFilter): filter is 'due-soon' | 'past-due' => filter === 'due-soon' || filter === 'past-due';

export type SortColumn = 'created' | 'name' | 'appKey' | 'tokenAge' | 'status' | 'lastUsed';
export const SORT_COLUMNS: readonly SortColumn[] = ['created', 'name', 'appKey', 'tokenAge', 'status', 'lastUsed'];
/** The order the app's table opens in (newest first). */
export const INITIAL_SORT: SortColumn = SORT_COLUMNS[0]!;
/** A database store's table reads the keys this many lines either side of its selection whole (the rest are columns only). */
export const ROWS_READ_AROUND = 120;

export interface KeyQuery {
	search?: string;
	status?: StatusFilter;
	alertOnly?: boolean;
	sort?: SortColumn;
	descending?: boolean;
}

export interface TokenView {
	hint: string;
	created: Millis;
	age: string;
	/** When its unused link was revoked: the key has no usable token until renewed. */
	revoked?: Millis;
}

/** One row of the Generated table / `list`: the key with everything derived from it at `now`. */
export interface KeyRow {
	appKey: string;
	name: string;
	roles: string[];
	created: Millis;
	status: 'Active' | 'Inactive';
	token: TokenView;
	/** Present while a renewal is pending: the old token, "pending deletion". */
	oldToken?: TokenView;
	alert: AlertLevel;
	lastUsed?: Millis;
	/** The time until which an unused single-access link for the key stays valid. */
	linkValidUntil?: Millis;
}

const tokenView = (token: {hint: string; created: Millis; revoked?: Millis}, now: Millis): TokenView => ({
	hint: token.hint,
	created: token.created,
	age: tokenAgeLabel(token.created, now),
	...(token.revoked ? {revoked: token.revoked} : {}),
});

export function keyRow(data: StoreSnapshot, key: GeneratedKey, now: Millis): KeyRow {
	const row: KeyRow = {
		appKey: key.appKey,
		name: key.name,
		roles: [...key.roles],
		created: key.created,
		status: statusText(key.active) as KeyRow['status'],
		token: tokenView(key.token, now),
		alert: renewalAlert(key.token.created, data.settings.renewalAlertMonths, now),
	};
	if (key.oldToken) row.oldToken = tokenView(key.oldToken, now);
	if (key.lastUsed !== undefined) row.lastUsed = key.lastUsed;
	const link = openLinkFor(data, key.appKey, now);
	if (link) row.linkValidUntil = link.expires;
	return row;
}

/** Case-insensitive substring on name or appKey. */
export function matchesSearch(key: Pick<GeneratedKey, 'name' | 'appKey'>, search: string): boolean {
	const needle = search.trim().toLowerCase();
	return needle === '' || key.name.toLowerCase().includes(needle) || key.appKey.toLowerCase().includes(needle);
}

const compareBy: Record<SortColumn, (a: GeneratedKey, b: GeneratedKey) => number> = {
	created: (a, b) => a.created - b.created,
	name: (a, b) => a.name.localeCompare(b.name),
	appKey: (a, b) => (a.appKey < b.appKey ? -1 : a.appKey > b.appKey ? 1 : 0),
	tokenAge: (a, b) => b.token.created - a.token.created,
	status: (a, b) => Number(b.active) - Number(a.active),
	lastUsed: (a, b) => (a.lastUsed ?? 0) - (b.lastUsed ?? 0),
};

/** What a table needs of its rows: arrays have it, and so has a search's answer (KeyList). */
export interface Rows<T> {
	readonly length: number;
	at(index: number): T | undefined;
	slice(start: number, end: number): T[];
	findIndex(found: (item: T) => boolean): number;
}

/**
 * Keys of an index in its order, all of them or those at some positions: a search's answer that
 * points into the index instead of copying up to 100 000 keys into a new array on a keystroke.
 */
export class KeyList implements Rows<GeneratedKey>, Iterable<GeneratedKey> {
	readonly length: number;

	constructor(
		private readonly keys: readonly GeneratedKey[],
		/** Ascending positions in `keys`, or null for all of them. */
		private readonly positions: ArrayLike<number> | null = null,
	) {
		this.length = positions ? positions.length : keys.length;
	}

	at(index: number): GeneratedKey | undefined {
		const i = index < 0 ? index + this.length : index;
		if (i < 0 || i >= this.length) return undefined;
		return this.positions ? this.keys[this.positions[i]!] : this.keys[i];
	}

	slice(start: number, end: number): GeneratedKey[] {
		const out: GeneratedKey[] = [];
		for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i)!);
		return out;
	}

	findIndex(found: (key: GeneratedKey) => boolean): number {
		for (let i = 0; i < this.length; i++) if (found(this.at(i)!)) return i;
		return -1;
	}

	*[Symbol.iterator](): Iterator<GeneratedKey> {
		for (let i = 0; i < this.length; i++) yield this.at(i)!;
	}
}

/**
 * Keys sorted once per store revision and sort column, with each key's searchable text already
 * lower-cased: a keystroke in the search only filters, it never sorts or allocates per key.
 */
export interface KeyIndex {
	keys: GeneratedKey[];
	haystack: string[];
	/** The last filter's answer: a search typed one more character only looks among its matches. */
	last?: {needle: string; status: StatusFilter; positions: ArrayLike<number>; keys: KeyList};
	/** For each character, the positions of the keys whose searchable text holds it (see indexCharacters). */
	postings?: Map<number, Int32Array>;
	/** The same for each pair of ASCII characters, at first * 128 + second; null for a pair every key holds. */
	pairs?: Array<Int32Array | null | undefined>;
}

/**
 * Lists, for each character, the keys whose searchable text holds it, so a search looks only at
 * the keys that hold its rarest character: typing the first letter of a search then costs a copy
 * of one list instead of a scan of every key. Built once per index, away from the keystroke path.
 */
export function indexCharacters(index: KeyIndex): void {
	if (index.postings) return;
	// Two passes, counting and then filling typed arrays, so building holds no growing lists.
	const counts = new Map<number, number>();
	const lastSeen = new Map<number, number>();
	const asciiCounts = new Int32Array(128);
	const asciiSeen = new Int32Array(128).fill(-1);
	const each = (visit: (code: number, position: number) => void) => {
		asciiSeen.fill(-1);
		lastSeen.clear();
		for (let i = 0; i < index.haystack.length; i++) {
			const text = index.haystack[i]!;
			for (let c = 0; c < text.length; c++) {
				const code = text.charCodeAt(c);
				if (code < 128) {
					if (asciiSeen[code] === i) continue;
					asciiSeen[code] = i;
				} else {
					if (lastSeen.get(code) === i) continue;
					lastSeen.set(code, i);
				}
				visit(code, i);
			}
		}
	};
	each(code => {
		if (code < 128) asciiCounts[code]!++;
		else counts.set(code, (counts.get(code) ?? 0) + 1);
	});
	const postings = new Map<number, Int32Array>();
	const filled = new Map<number, number>();
	for (let code = 0; code < 128; code++) if (asciiCounts[code]! > 0) postings.set(code, new Int32Array(asciiCounts[code]!));
	for (const [code, count] of counts) postings.set(code, new Int32Array(count));
	const asciiLists = Array.from({length: 128}, (_, code) => postings.get(code));
	const asciiFilled = new Int32Array(128);
	each((code, position) => {
		if (code < 128) {
			asciiLists[code]![asciiFilled[code]!++] = position;
		} else {
			const at = filled.get(code) ?? 0;
			postings.get(code)![at] = position;
			filled.set(code, at + 1);
		}
	});
	index.postings = postings;
}

/** The lists for pairs of characters (see indexPairs), built separately so neither build holds the app for long. */
export function indexCharacterPairs(index: KeyIndex): void {
	index.pairs ??= indexPairs(index.haystack);
}

/**
 * Lists for pairs of ASCII characters, counted then filled like the single ones: after a search's
 * first letter, its second narrows to the keys holding both in a row without checking each of the
 * tens of thousands that hold the first. Pairs every key holds (those of the appKey prefix) get no list.
 */
function indexPairs(haystack: readonly string[]): Array<Int32Array | null | undefined> {
	const counts = new Int32Array(128 * 128);
	const seen = new Int32Array(128 * 128);
	const each = (visit: (pair: number, position: number) => void) => {
		seen.fill(-1);
		for (let i = 0; i < haystack.length; i++) {
			const text = haystack[i]!;
			let previous = text.charCodeAt(0);
			for (let c = 1; c < text.length; c++) {
				const code = text.charCodeAt(c);
				const pair = previous * 128 + code;
				previous = code;
				if (pair >= 128 * 128 || code >= 128 || seen[pair] === i) continue;
				seen[pair] = i;
				visit(pair, i);
			}
		}
	};
	each(pair => counts[pair]!++);
	const lists = Array.from(counts, count => (count === 0 ? undefined : count === haystack.length ? null : new Int32Array(count)));
	const filled = new Int32Array(128 * 128);
	each((pair, position) => {
		const list = lists[pair];
		if (list) list[filled[pair]!++] = position;
	});
	return lists;
}

/** The positions a search for `needle` need look at: the shortest of the last answer and the lists of its characters. */
function candidates(index: KeyIndex, needle: string, narrowing: ArrayLike<number> | null): ArrayLike<number> | null {
	let best = narrowing;
	if (index.postings) {
		for (let c = 0; c < needle.length; c++) {
			const list = index.postings.get(needle.charCodeAt(c)) ?? EMPTY;
			if (!best || list.length < best.length) best = list;
		}
	}
	if (index.pairs) {
		for (let c = 1; c < needle.length; c++) {
			const first = needle.charCodeAt(c - 1);
			const second = needle.charCodeAt(c);
			if (first >= 128 || second >= 128) continue;
			const list = index.pairs[first * 128 + second];
			if (list === null) continue;
			if (!best || (list ?? EMPTY).length < best.length) best = list ?? EMPTY;
		}
	}
	return best;
}
const EMPTY = new Int32Array(0);

function isSorted<T>(items: readonly T[], order: (a: T, b: T) => number): boolean {
	for (let i = 1; i < items.length; i++) if (order(items[i - 1]!, items[i]!) > 0) return false;
	return true;
}

export function buildKeyIndex(data: StoreSnapshot, sort: SortColumn = 'created', descending: boolean = sort === 'created'): KeyIndex {
	const compare = compareBy[sort];
	const order = (a: GeneratedKey, b: GeneratedKey) => (descending ? -compare(a, b) : compare(a, b)) || compareBy.appKey(a, b);
	// The store keeps keys oldest first, which is the default order backwards: one pass instead of a sort.
	const keys = isSorted(data.keys, (a, b) => order(b, a)) ? [...data.keys].reverse() : [...data.keys].sort(order);
	return {keys, haystack: keys.map(k => `${k.name}\n${k.appKey}`.toLowerCase())};
}

let scratch = new Int32Array(0);

export function filterKeyIndex(index: KeyIndex, query: {search?: string; status?: StatusFilter}): KeyList {
	const needle = (query.search ?? '').trim().toLowerCase();
	const status = query.status ?? 'all';
	if (!needle && status === 'all') return new KeyList(index.keys);
	const last = index.last;
	if (last && last.needle === needle && last.status === status) return last.keys;
	const narrowing = last && last.status === status && last.needle !== '' && needle.startsWith(last.needle) ? last.positions : null;
	const among = needle ? candidates(index, needle, narrowing) : narrowing;
	// A one- or two-character search answered from its own list needs no checking: every key there holds it.
	const own = needle.length === 1 ? among !== narrowing : needle.length === 2 && among !== null && among === index.pairs?.[needle.charCodeAt(0) * 128 + needle.charCodeAt(1)];
	if (needle.length <= 2 && status === 'all' && among && own) {
		index.last = {needle, status, positions: among, keys: new KeyList(index.keys, among)};
		return index.last.keys;
	}
	const positions = scan(index, among, needle, status);
	index.last = {needle, status, positions, keys: new KeyList(index.keys, positions)};
	return index.last.keys;
}

/**
 * The positions among `among` (or all) of the keys that match. Its own function, so the loop
 * keeps its optimized code whichever of filterKeyIndex's paths a keystroke takes.
 */
function scan(index: KeyIndex, among: ArrayLike<number> | null, needle: string, status: StatusFilter): Int32Array {
	const {keys, haystack} = index;
	const count = among ? among.length : keys.length;
	if (scratch.length < count) scratch = new Int32Array(keys.length);
	const wanted = status === 'all' ? null : status === 'active';
	let found = 0;
	for (let n = 0; n < count; n++) {
		const i = among ? among[n]! : n;
		if ((wanted === null || wanted === keys[i]!.active) && (!needle || haystack[i]!.includes(needle))) scratch[found++] = i;
	}
	// Found into one reused buffer, then copied at their exact count: no list grown key by key.
	return scratch.slice(0, found);
}

/** The keys among `keys` whose renewal alert is at the filter's level, in their order. */
export function filterByAlert(keys: Iterable<GeneratedKey>, filter: 'due-soon' | 'past-due', period: RenewalPeriod, now: Millis): GeneratedKey[] {
	const out: GeneratedKey[] = [];
	const alertOf = alertsAt(period, now);
	for (const key of keys) {
		const level = alertOf(key.token.created);
		if (filter === 'due-soon' ? level === 'due-soon' : isPastDue(level)) out.push(key);
	}
	return out;
}

export interface AlertCounts {
	dueSoon: number;
	pastDue: number;
}

/** How many keys are due soon and how many past due (orange or red), for the footer. */
export function countAlerts(keys: Iterable<GeneratedKey>, period: RenewalPeriod, now: Millis): AlertCounts {
	const counts = {dueSoon: 0, pastDue: 0};
	const alertOf = alertsAt(period, now);
	for (const key of keys) {
		const level = alertOf(key.token.created);
		if (level === 'due-soon') counts.dueSoon++;
		else if (isPastDue(level)) counts.pastDue++;
	}
	return counts;
}

/** Filtered and sorted keys (the command line's list); the same index as the app's table. */
export function queryKeys(data: StoreSnapshot, query: KeyQuery, now: Millis): GeneratedKey[] {
	const keys = [...filterKeyIndex(buildKeyIndex(data, query.sort ?? 'created', query.descending), query)];
	if (!query.alertOnly) return keys;
	const alertOf = alertsAt(data.settings.renewalAlertMonths, now);
	return keys.filter(k => alertOf(k.token.created) !== 'none');
}
