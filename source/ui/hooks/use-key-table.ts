import {useEffect, useMemo, useState} from 'react';
import {activitySince, filterActivity} from '../../core/activity.js';
import {ownerOf} from '../../core/external.js';
import {KeyList, type Rows, buildKeyIndex, countAlerts, filterByAlert, filterKeyIndex, indexCharacterPairs, indexCharacters, isAlertFilter, matchesSearch} from '../../core/query.js';
import {OWNER_ROLE, USER_ADMIN_ROLE, roleCatalog} from '../../core/roles.js';
import {isApiKeysError} from '../../core/errors.js';
import type {ActivityEntry, GeneratedKey, StoreSnapshot} from '../../core/types.js';
import {useKeyColumns} from './use-key-columns.js';
import {useOlderActivity} from './use-older-activity.js';
import type {ApiKeysService} from '../../service.js';
import type {AppState} from '../state.js';
import type {StoreView} from './use-store.js';
import {grouped} from '../text.js';

/** The roles meant for operators, listed last in a key's role picker. */
const isAdminRole = (name: string) => name === OWNER_ROLE || name === USER_ADMIN_ROLE || name.startsWith('API Keys - ');

/** The row a selection is on: where it was remembered by key, else where it was, within the rows. */
const resolve = (found: number, remembered: number, count: number) => (found >= 0 ? found : Math.min(remembered, Math.max(0, count - 1)));

/**
 * What the three tables show for the store and the app's state: the Generated keys (sorted once
 * per revision and sort column; a search keystroke only filters), the External keys and the
 * Activity log, each with its selection resolved, the roles for the pickers, and the clock that
 * token ages are counted from.
 */
export function useKeyTable(service: ApiKeysService, store: StoreView, state: AppState) {
	const {snapshot} = store;
	const now = useClock(service, snapshot.revision);
	// A store that does not hold its keys (PostgreSQL) is searched through its columns (useKeyColumns) instead.
	const index = useMemo(() => (snapshot.data && service.holdsKeys ? buildKeyIndex(snapshot.data, state.sort) : null), [service, snapshot, state.sort]);
	// The character lists that make the first letters of a search quick are built when nothing else is going on.
	useEffect(() => {
		if (!index) return;
		let timer = setTimeout(() => {
			indexCharacters(index);
			timer = setTimeout(() => indexCharacterPairs(index), 0);
		}, 0);
		return () => clearTimeout(timer);
	}, [index]);
	const period = snapshot.data?.settings.renewalAlertMonths ?? 3;
	// A store that does not hold its keys (PostgreSQL) is shown through columns of every key and the rows on screen.
	const columns = useKeyColumns(service, !service.holdsKeys, {
		revision: snapshot.revision,
		sort: state.sort,
		search: state.search,
		filter: state.status,
		period,
		now,
		selectedIndex: state.selectedIndex,
		selectedKey: state.selectedKey,
		dialogKey: state.dialog && 'appKey' in state.dialog ? state.dialog.appKey : null,
	});
	const byStatus = useMemo(
		() => (index ? filterKeyIndex(index, {search: state.search, status: isAlertFilter(state.status) ? 'all' : state.status}) : new KeyList([])),
		[index, state.search, state.status],
	);
	// The alert filters depend on the clock too, so they narrow the search's answer rather than the index.
	const held = useMemo(() => (isAlertFilter(state.status) ? filterByAlert(byStatus, state.status, period, now) : byStatus), [byStatus, state.status, period, now]);
	const heldAlerts = useMemo(() => countAlerts(snapshot.data?.keys ?? [], period, now), [snapshot, period, now]);
	const keys: Rows<GeneratedKey> = columns ? columns.keys : held;
	// The selection is remembered by appKey; look it up only when it is no longer where it was.
	const foundKey = !state.selectedKey
		? -1
		: keys.at(state.selectedIndex)?.appKey === state.selectedKey
			? state.selectedIndex
			: columns
				? columns.indexOf(state.selectedKey)
				: keys.findIndex(k => k.appKey === state.selectedKey);

	const externalKeys = useMemo(
		() =>
			(snapshot.data?.external ?? [])
				.filter(k => matchesSearch({name: ownerOf(k.appKey) ?? '', appKey: k.appKey}, state.externalSearch))
				.sort((a, b) => b.added - a.added || (a.appKey < b.appKey ? -1 : 1)),
		[snapshot, state.externalSearch],
	);
	const foundExternal = state.externalKey ? externalKeys.findIndex(k => k.appKey === state.externalKey) : -1;

	// Built only while the Activity tab is in view: the log can be long and most frames never show it.
	const showActivity = state.tab === 'activity';
	const archived = useArchivedActivity(service, snapshot.data, showActivity && service.holdsKeys);
	// A database store's older entries are read a page at a time as the tab is scrolled.
	const older = useOlderActivity(service, showActivity && !service.holdsKeys, snapshot.data?.activity.length ?? 0, state.activityIndex);
	const olderEntries = service.holdsKeys ? archived.entries : older.entries;
	const activity = useMemo(
		() => (snapshot.data && showActivity ? filterActivity(activitySince(snapshot.data, undefined, olderEntries), {search: state.activitySearch}) : []),
		[snapshot, state.activitySearch, showActivity, olderEntries],
	);

	// Integration roles first in the pickers: the administrator roles are rarely what a key needs.
	const pickerRoles = useMemo(
		() => (snapshot.data ? roleCatalog(snapshot.data).map(r => r.name).sort((a, b) => Number(isAdminRole(a)) - Number(isAdminRole(b))) : []),
		[snapshot],
	);

	return {
		now,
		keys,
		alerts: columns ? columns.alerts : heldAlerts,
		/** How many keys the store has (null while a store that does not hold them is first read). */
		total: columns ? columns.total : (snapshot.data?.keys.length ?? 0),
		/** The keys read for the rows on screen, where the store does not hold them: what the dialogs look keys up in. */
		loadedKeys: columns?.loaded ?? null,
		keysNote: columns?.reading ?? null,
		selectedIndex: resolve(foundKey, state.selectedIndex, keys.length),
		externalKeys,
		externalIndex: resolve(foundExternal, state.externalIndex, externalKeys.length),
		activity,
		activityIndex: resolve(-1, state.activityIndex, activity.length),
		activityNote: service.holdsKeys ? archived.note : older.note,
		/** How many log entries the store has in all, those not read included. */
		activityTotal: (snapshot.data?.activity.length ?? 0) + (snapshot.data?.archive?.entries ?? older.older),
		pickerRoles,
	};
}

export type KeyTable = ReturnType<typeof useKeyTable>;

/** The time token ages are counted from: it moves every 30 s, and with every new revision of the store. */
function useClock(service: ApiKeysService, revision: number): number {
	const [now, setNow] = useState(() => service.now());
	useEffect(() => {
		const timer = setInterval(() => setNow(service.now()), 30_000);
		return () => clearInterval(timer);
	}, [service]);
	const [seenRevision, setSeenRevision] = useState(revision);
	if (seenRevision !== revision) {
		setSeenRevision(revision);
		setNow(service.now());
	}
	return now;
}

const NO_ENTRIES: readonly ActivityEntry[] = [];

/**
 * The entries the store moved to its archive, read when the Activity tab is first shown and again
 * (only what was added) when more are moved; a note says while they are read, or why they cannot be.
 */
function useArchivedActivity(service: ApiKeysService, data: StoreSnapshot | null, active: boolean): {entries: readonly ActivityEntry[]; note: string | null} {
	const [loaded, setLoaded] = useState<{bytes: number; entries: readonly ActivityEntry[]; error: string | null}>({bytes: 0, entries: NO_ENTRIES, error: null});
	const extent = data?.archive;
	const wanted = active && extent !== undefined && loaded.bytes !== extent.bytes;
	useEffect(() => {
		if (!wanted || !data?.archive) return;
		const {bytes} = data.archive;
		let live = true;
		service.archivedActivity(data).then(
			entries => live && setLoaded({bytes, entries, error: null}),
			(error: unknown) => live && setLoaded({bytes, entries: NO_ENTRIES, error: isApiKeysError(error) ? error.message : String(error)}),
		);
		return () => {
			live = false;
		};
	}, [service, data, wanted]);
	const note = loaded.error ? `Older activity could not be read: ${loaded.error}` : wanted ? `Reading ${grouped(extent!.entries)} older entries…` : null;
	return {entries: loaded.entries, note};
}
