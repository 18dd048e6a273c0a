import type {ActivityEntry, Millis, StoreData} from './types.js';

export function recordActivity(
	data: StoreData,
	entry: {at: Millis; operator: string; action: string; appKey?: string; summary?: string | null},
): ActivityEntry {
	const recorded: ActivityEntry = {at: entry.at, operator: entry.operator, action: entry.action};
	if (entry.appKey) recorded.appKey = entry.appKey;
	if (entry.summary) recorded.summary = entry.summary;
	data.activity.push(recorded);
	return recorded;
}

/** Newest first, optionally since a time. */
export function activitySince(data: StoreData, since?: Millis): ActivityEntry[] {
	const entries = since === undefined ? data.activity : data.activity.filter(e => e.at >= since);
	return [...entries].reverse();
}
