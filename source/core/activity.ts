import type {ActivityEntry, Millis, StoreData, StoreSnapshot} from './types.js';

export function recordActivity(
	data: StoreData,
	entry: {at: Millis; operator: string; action: string; appKey?: string; summary?: string | null},
): ActivityEntry {
	const recorded: ActivityEntry = {
		at: entry.at,
		operator: entry.operator,
		action: entry.action,
		...(entry.appKey ? {appKey: entry.appKey} : {}),
		...(entry.summary ? {summary: entry.summary} : {}),
	};
	data.activity.push(recorded);
	return recorded;
}

/** The first entry of every store's log: who created it, for which account. */
export function recordStoreCreated(data: StoreData, operator: string): ActivityEntry {
	return recordActivity(data, {at: data.created, operator, action: 'create store', summary: `account: ${data.account}`});
}

/** Newest first, optionally since a time: the store's entries, then the older ones of its archive. */
export function activitySince(data: StoreSnapshot, since?: Millis, archived: readonly ActivityEntry[] = []): ActivityEntry[] {
	const newestFirst: ActivityEntry[] = [];
	for (const entries of [data.activity, archived]) {
		for (let i = entries.length - 1; i >= 0; i--) {
			const entry = entries[i]!;
			if (since === undefined || entry.at >= since) newestFirst.push(entry);
		}
	}
	return newestFirst;
}

export interface ActivityFilter {
	/** Free text over time, operator, action, key and what changed; `operator:NAME` and `action:WORDS` narrow to one field. */
	search?: string;
	operator?: string;
	action?: string;
}

/** Splits a search into field terms (operator:alice, action:renew) and free words. */
export function parseActivitySearch(search: string): Required<ActivityFilter> {
	const result = {search: '', operator: '', action: ''};
	const free: string[] = [];
	for (const word of search.trim().split(/\s+/).filter(Boolean)) {
		const field = /^(operator|action):(.*)$/i.exec(word);
		if (field) result[field[1]!.toLowerCase() as 'operator' | 'action'] = field[2]!;
		else free.push(word);
	}
	result.search = free.join(' ');
	return result;
}

/** Entries matching the filter: operator and action are case-insensitive prefixes, free text a substring anywhere. */
export function filterActivity(entries: readonly ActivityEntry[], filter: ActivityFilter): ActivityEntry[] {
	const parsed = parseActivitySearch(filter.search ?? '');
	const operator = (filter.operator ?? parsed.operator).toLowerCase();
	const action = (filter.action ?? parsed.action).toLowerCase();
	const text = parsed.search.toLowerCase();
	return entries.filter(
		e =>
			(!operator || e.operator.toLowerCase().startsWith(operator)) &&
			(!action || e.action.toLowerCase().startsWith(action)) &&
			(!text || [e.operator, e.action, e.appKey ?? '', e.summary ?? ''].some(field => field.toLowerCase().includes(text))),
	);
}
