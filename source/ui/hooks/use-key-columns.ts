import {useEffect, useMemo, useRef, useState} from 'react';
import {KeyColumns} from '../../core/key-columns.js';
import {ROWS_READ_AROUND, type AlertCounts, type KeyFilter, type Rows, type SortColumn} from '../../core/query.js';
import type {GeneratedKey, Millis, RenewalPeriod} from '../../core/types.js';
import type {ApiKeysService} from '../../service.js';
import {grouped} from '../text.js';

/** How long after a letter typed in the search the rows around its matches are read. */
const TYPING_PAUSE_MS = 40;
/** Rows kept read at most; those far from the selection go first. */
const KEEP = 2000;

export interface ColumnsTable {
	/** The table's rows: the keys read, and for the rest what the columns know (appKey, status, token age). */
	keys: Rows<GeneratedKey>;
	/** How many keys the store has (null until the columns are read). */
	total: number | null;
	alerts: AlertCounts;
	/** Where a key is among the rows, or -1. */
	indexOf(appKey: string): number;
	/** The keys read, for the dialogs. */
	loaded: readonly GeneratedKey[];
	/** While the keys are read: how far. */
	reading: string | null;
}

/** While the first read goes on, the table grows this many rows at a time. */
const GROW_STEP = 200_000;

const NO_ALERTS: AlertCounts = {dueSoon: 0, pastDue: 0};

/**
 * The Generated table of a store that does not hold its keys in memory (PostgreSQL): the columns
 * of every key (core/key-columns.ts) are read once per revision and sort order, in that order,
 * and searched and filtered here at each keystroke; the rows around the selection are read from
 * the store, and shown from the columns until they arrive.
 */
export function useKeyColumns(
	service: ApiKeysService,
	active: boolean,
	view: {revision: number; sort: SortColumn; search: string; filter: KeyFilter; period: RenewalPeriod; now: Millis; selectedIndex: number; selectedKey: string | null; dialogKey: string | null},
): ColumnsTable | null {
	const {revision, sort, search, filter, period, now, selectedIndex, selectedKey, dialogKey} = view;
	const [shown, setShown] = useState<Shown | null>(null);
	const [reading, setReading] = useState<string | null>(null);
	const latest = useRef<Shown | null>(null);
	latest.current = shown;
	// One read at a time; a change meanwhile starts another when it ends.
	const scan = useRef<{running: boolean; wanted: {revision: number; sort: SortColumn} | null}>({running: false, wanted: null});
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);
	useEffect(() => {
		if (!active) return;
		scan.current.wanted = {revision, sort};
		// The loop outlives this effect: it takes every later wish in turn, until the app is gone.
		const live = () => mounted.current;
		const show = (next: Shown) => {
			latest.current = next;
			if (live()) setShown(next);
		};
		const next = async () => {
			scan.current.running = true;
			try {
				while (live() && scan.current.wanted) {
					const wanted = scan.current.wanted;
					scan.current.wanted = null;
					const held = latest.current;
					if (held && held.sort === wanted.sort && held.revision >= wanted.revision) continue;
					try {
						// A few keys changed: taken in place. A new key, a sort, or many changes: the columns are read again.
						if (held && held.sort === wanted.sort && (await catchUp(service, held, show))) {
							if (live()) setReading(null);
							continue;
						}
						await readColumns(service, wanted.sort, held === null, show, note => live() && setReading(note));
					} catch (error) {
						if (live()) setReading(`The keys could not be read: ${(error as Error).message}`);
					}
				}
			} finally {
				scan.current.running = false;
			}
		};
		if (!scan.current.running) void next();
	}, [service, active, revision, sort]);

	const columns = shown?.columns ?? null;
	// What the columns held when shown: they grow while first read, and change in place after.
	const count = shown?.count ?? 0;
	const version = shown?.version ?? 0;
	const matches = useMemo(() => (columns ? columns.search(search, filter, period, now) : new Int32Array(0)), [columns, count, version, search, filter, period, now]);
	const alerts = useMemo(() => (columns ? columns.alerts(period, now) : NO_ALERTS), [columns, count, version, period, now]);
	const lastLine = useRef<{columns: KeyColumns; version: number; appKey: string; line: number} | null>(null);
	const indexOf = (appKey: string) => {
		// The line of a key stays while the columns do: one scan per key, not one per keystroke.
		const known = lastLine.current;
		const line = known && known.columns === columns && known.version === version && known.appKey === appKey ? known.line : (columns?.lineOf(appKey) ?? -1);
		lastLine.current = columns ? {columns, version, appKey, line} : null;
		return line < 0 ? -1 : binarySearch(matches, line);
	};
	// The rows read are those around the selection the table shows: where its key is now (after a new
	// sort order, or keys added above it), else where it was. Most often it is where the table put it
	// (a key moved to, as with G): that line is read, not the whole buffer searched.
	const atSelection = selectedKey && columns && selectedIndex >= 0 && selectedIndex < matches.length && columns.appKeyAt(matches[selectedIndex]!) === selectedKey;
	const found = atSelection ? selectedIndex : selectedKey ? indexOf(selectedKey) : -1;
	const rows = useRowCache(service, columns, matches, found >= 0 ? found : selectedIndex, revision, search, dialogKey);
	return useMemo(() => {
		if (!active) return null;
		return {keys: rows.keys, total: columns ? count - columns.removed : null, alerts, indexOf, loaded: rows.loaded, reading};
		// indexOf reads only what the other dependencies name.
	}, [active, rows, columns, count, version, alerts, matches, reading]);
}

interface Shown {
	columns: KeyColumns;
	count: number;
	version: number;
	revision: number;
	sort: SortColumn;
}

/** Changes since the columns were read, taken in place when they are few and none is a new key; false otherwise. */
async function catchUp(service: ApiKeysService, held: Shown, show: (next: Shown) => void): Promise<boolean> {
	const since = await service.keyColumnsSince(held.revision, 200);
	if (!since) return false;
	for (const row of since.changed) if (!held.columns.update(row)) return false;
	for (const appKey of since.removed) held.columns.remove(appKey);
	show({...held, version: held.columns.version, revision: since.revision});
	return true;
}

/**
 * Reads every key's columns in a sort order. A first read shows its first rows at once and grows
 * as the rest arrive (every GROW_STEP rows); a later one replaces the columns when it is done.
 */
async function readColumns(service: ApiKeysService, sort: SortColumn, first: boolean, show: (next: Shown) => void, note: (text: string | null) => void): Promise<void> {
	const columns = new KeyColumns();
	let total = 0;
	let revision = 0;
	const progress = () =>
		note(`Reading keys${first ? '' : ` (sorted by ${sort})`}: ${grouped(columns.count)}${total > columns.count ? ` of about ${grouped(total)}` : ''}…`);
	await service.scanKeyColumns(
		{sort},
		(count, at) => {
			columns.reserve(count);
			total = count;
			revision = at;
			progress();
		},
		rows => {
			const before = columns.count;
			for (const row of rows) columns.add(row);
			if (Math.floor(before / GROW_STEP) !== Math.floor(columns.count / GROW_STEP) || before === 0) {
				if (first) show({columns, count: columns.count, version: 0, revision, sort});
				progress();
			}
			return true;
		},
	);
	show({columns, count: columns.count, version: columns.version, revision, sort});
	note(null);
}

/**
 * The rows around the selection, read from the store by appKey and kept while near it; and the key
 * an open dialog is about, read again at each revision wherever it is, so that a dialog whose key
 * was deleted elsewhere finds it gone. A key asked for and not found is dropped.
 */
function useRowCache(service: ApiKeysService, columns: KeyColumns | null, matches: Int32Array, selectedIndex: number, revision: number, search: string, dialogKey: string | null) {
	const cache = useRef(new Map<string, {key: GeneratedKey; revision: number}>());
	// A placeholder stands for a line of the columns it was made from, as they were: new columns, or a
	// change in place, make them again (at once, in this render: a line of new columns is another key).
	const placeholders = useRef<{columns: KeyColumns | null; version: number; byLine: Map<number, GeneratedKey>}>({columns: null, version: 0, byLine: new Map()});
	const [version, setVersion] = useState(0);
	const [retries, setRetries] = useState(0);
	// The search the rows were last asked for: while it is being typed, they are asked once typing pauses.
	const askedFor = useRef(search);
	const made = placeholders.current;
	if (made.columns !== columns || made.version !== columns?.version || made.byLine.size > KEEP) {
		placeholders.current = {columns, version: columns?.version ?? 0, byLine: new Map()};
	}
	useEffect(() => {
		if (!columns) return;
		const from = Math.max(0, selectedIndex - ROWS_READ_AROUND);
		const to = Math.min(matches.length, selectedIndex + ROWS_READ_AROUND);
		const wanted: string[] = [];
		for (let i = from; i < to; i++) {
			const appKey = columns.appKeyAt(matches[i]!);
			if (cache.current.get(appKey)?.revision !== revision) wanted.push(appKey);
		}
		if (dialogKey !== null && !wanted.includes(dialogKey)) {
			const held = cache.current.get(dialogKey);
			if (held && held.revision !== revision) wanted.push(dialogKey);
		}
		if (wanted.length === 0) return;
		let live = true;
		let retryTimer: ReturnType<typeof setTimeout> | undefined;
		const typing = askedFor.current !== search;
		askedFor.current = search;
		const ask = () =>
			service.keysByAppKey(wanted).then(
				found => {
					if (!live) return;
					for (const key of found) cache.current.set(key.appKey, {key, revision});
					// Deleted since it was read: the dialogs, which look keys up here, then say so.
					if (found.length < wanted.length) {
						const got = new Set(found.map(key => key.appKey));
						for (const appKey of wanted) if (!got.has(appKey)) cache.current.delete(appKey);
					}
					if (cache.current.size > KEEP) {
						const near = new Set<string>();
						for (let i = from; i < to; i++) near.add(columns.appKeyAt(matches[i]!));
						for (const appKey of cache.current.keys()) if (!near.has(appKey)) cache.current.delete(appKey);
					}
					setVersion(v => v + 1);
				},
				// The store could not answer (its status line says so): asked again a second later, until it does.
				() => {
					if (live) retryTimer = setTimeout(() => setRetries(n => n + 1), 1000);
				},
			);
		// A letter typed asks for the rows around the new matches a moment later, so a word typed at
		// speed reads them once rather than once per letter (its frames show the columns meanwhile).
		const askTimer = typing ? setTimeout(ask, TYPING_PAUSE_MS) : undefined;
		if (!typing) void ask();
		return () => {
			live = false;
			clearTimeout(askTimer);
			clearTimeout(retryTimer);
		};
	}, [service, columns, matches, selectedIndex, revision, retries, search, dialogKey]);
	return useMemo(() => {
		const at = (index: number): GeneratedKey | undefined => {
			if (!columns || index < 0 || index >= matches.length) return undefined;
			const line = matches[index]!;
			const appKey = columns.appKeyAt(line);
			const read = cache.current.get(appKey)?.key;
			if (read) return read;
			const {byLine} = placeholders.current;
			let placeholder = byLine.get(line);
			if (!placeholder) byLine.set(line, (placeholder = columns.placeholder(line)));
			return placeholder;
		};
		const keys: Rows<GeneratedKey> = {
			length: matches.length,
			at,
			slice: (start, end) => {
				const out: GeneratedKey[] = [];
				for (let i = Math.max(0, start); i < Math.min(end, matches.length); i++) out.push(at(i)!);
				return out;
			},
			findIndex: found => {
				for (let i = 0; i < matches.length; i++) if (found(at(i)!)) return i;
				return -1;
			},
		};
		return {keys, loaded: [...cache.current.values()].map(entry => entry.key)};
	}, [columns, matches, version]);
}

function binarySearch(sorted: Int32Array, value: number): number {
	let low = 0;
	let high = sorted.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (sorted[middle] === value) return middle;
		if (sorted[middle]! < value) low = middle + 1;
		else high = middle - 1;
	}
	return -1;
}
