import {Box, Text, useApp} from 'ink';
import {useEffect, useMemo, useReducer} from 'react';
import {isApiKeysError} from '../core/errors.js';
import {missingResource} from '../core/permissions.js';
import type {AlertCounts, KeyFilter} from '../core/query.js';
import type {KeyResource} from '../core/types.js';
import type {ApiKeysService} from '../service.js';
import {Hints, StatusLine, StoreError, TabBar, TitleBar, TooSmall} from './components/chrome.js';
import {DialogRouter, dialogMode, dialogSubject, type DialogActions} from './dialog-router.js';
import {useAppKeys} from './hooks/use-app-keys.js';
import {useKeyTable, type KeyTable} from './hooks/use-key-table.js';
import {KeysProvider} from './hooks/use-keys.js';
import {useStore, type StoreView} from './hooks/use-store.js';
import {useWindowSize} from './hooks/use-window-size.js';
import type {Mode} from './keymap.js';
import {sanitize} from '../text/sanitize.js';
import {Activity} from './screens/activity.js';
import {ExternalKeys} from './screens/external-keys.js';
import {GeneratedKeys} from './screens/generated-keys.js';
import {SettingsView} from './screens/settings.js';
import {initialState, reducer, type AppState, type Tab} from './state.js';
import {CompactProvider} from './theme.js';
import {countedOf} from '../text/plural.js';

export const MIN_COLUMNS = 54;
/** Below 17 rows the dialogs (Edit's role list, Generate's name field and buttons) no longer fit. */
export const MIN_ROWS = 17;
/** Lines around the table body: header, tabs, search line, 3 table head lines, bottom border, details line, 2 footer lines, and the row Ink keeps free. */
const CHROME_ROWS = 11;

const TAB_MODE: Record<Tab, Mode> = {generated: 'table', external: 'external', activity: 'activity', settings: 'settings'};

const SORT_LABELS = {created: 'created', name: 'name', appKey: 'key', tokenAge: 'token age', status: 'status', lastUsed: 'last used'};

const FILTER_LABELS: Record<KeyFilter, string> = {all: 'all', active: 'active', inactive: 'inactive', 'due-soon': 'due soon', 'past-due': 'past due'};

/** " · 3 due soon · 5 past due", each part only when there is such a key. */
const alertCounts = ({dueSoon, pastDue}: AlertCounts) => `${dueSoon > 0 ? ` · ${dueSoon} due soon` : ''}${pastDue > 0 ? ` · ${pastDue} past due` : ''}`;

const message = (error: unknown) => (isApiKeysError(error) ? error.message : `unexpected error: ${(error as Error).message}`);

export interface AppProps {
	service: ApiKeysService;
	/** Called once the whole store is in view (at once, unless a large store opened from a preview). */
	onLoaded?: () => void;
}

/** The app: its keys go through one input hook (hooks/use-keys.tsx). */
export function App(props: AppProps) {
	return (
		<KeysProvider>
			<AppLayout {...props} />
		</KeysProvider>
	);
}

/** One state machine (state.ts) decides the tab, the mode and the dialog; this lays them out. */
function AppLayout({service, onLoaded}: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useWindowSize();
	const store = useStore(service);
	const [state, dispatch] = useReducer(reducer, initialState);
	const table = useKeyTable(service, store, state);
	// Where the store does not hold its keys, the dialogs find them among those read for the screen
	// (the table itself draws from the store's data, so a row read does not redraw the others).
	const {loadedKeys} = table;
	const data = useMemo(() => (store.data && loadedKeys ? {...store.data, keys: [...loadedKeys]} : store.data), [store.data, loadedKeys]);
	// A selection not remembered by key yet (the app just opened, the search was just closed) is
	// anchored to the key it is on, so that a key added elsewhere does not slide it onto another row.
	// Not while a search is typed: the top match stays selected as it changes.
	const shownKey = table.keys.at(table.selectedIndex)?.appKey;
	useEffect(() => {
		if (state.selectedKey === null && !state.searching && shownKey !== undefined) dispatch({type: 'select.anchor', appKey: shownKey, index: table.selectedIndex});
	}, [state.selectedKey, state.searching, shownKey, table.selectedIndex]);
	const loaded = store.keyCount === null;
	useEffect(() => {
		if (loaded) onLoaded?.();
	}, [loaded, onLoaded]);

	const bodyHeight = Math.max(1, rows - CHROME_ROWS);
	const missing = (resource: KeyResource) => (data ? missingResource(data, service.operator, resource) : resource);
	const actions: DialogActions = {
		dispatch,
		missing,
		open: dialog => dispatch({type: 'dialog.open', dialog}),
		close: success => {
			store.syncNow();
			dispatch({type: 'dialog.close', flash: success ? {text: success, tone: 'success'} : undefined});
		},
		perform: async work => {
			dispatch({type: 'busy'});
			try {
				await work();
			} catch (error) {
				dispatch({type: 'failed', message: message(error)});
			} finally {
				store.refresh();
			}
		},
	};
	const quit = () => exit();
	const vanished = dialogSubject(state.dialog, data).vanished;
	useAppKeys({state, table, bodyHeight, hasData: data !== null, vanished, dispatch, close: () => actions.close(), quit, missing});

	if (columns < MIN_COLUMNS || rows < MIN_ROWS) return <TooSmall columns={columns} rows={rows} minColumns={MIN_COLUMNS} minRows={MIN_ROWS} onQuit={quit} />;

	const mode: Mode = state.dialog ? dialogMode(state.dialog) : state.searching ? 'search' : TAB_MODE[state.tab];
	const compact = rows < 30;
	return (
		<Box flexDirection="column" height={rows - 1} width={columns}>
			<TitleBar account={data ? data.account : null} operator={service.operator} path={service.path} columns={columns} />
			<TabBar tab={state.tab} />
			<Box height={rows - 5} flexDirection="column" overflowY="hidden">
				{store.error ? (
					<StoreError error={store.error} onQuit={quit} />
				) : !data ? (
					<Text>Loading…</Text>
				) : state.dialog ? (
					<CompactProvider value={compact}>
						<Box justifyContent="center">
							<DialogRouter
								dialog={state.dialog}
								state={state}
								service={service}
								data={data}
								pickerRoles={table.pickerRoles}
								now={table.now}
								width={Math.min(columns - 2, 84)}
								rows={rows}
								compact={compact}
								actions={actions}
							/>
						</Box>
					</CompactProvider>
				) : state.tab === 'generated' ? (
					<GeneratedKeys
						data={store.data ?? data}
						keys={table.keys}
						total={table.total}
						now={table.now}
						search={state.search}
						searching={state.searching}
						searchCursor={state.searchCursor}
						selectedIndex={table.selectedIndex}
						width={columns}
						bodyHeight={bodyHeight}
					/>
				) : state.tab === 'external' ? (
					<ExternalKeys
						keys={table.externalKeys}
						revision={store.revision}
						total={data.external.length}
						search={state.externalSearch}
						searching={state.searching}
						searchCursor={state.searchCursor}
						selectedIndex={table.externalIndex}
						width={columns}
						bodyHeight={bodyHeight}
					/>
				) : state.tab === 'activity' ? (
					<Activity
						entries={table.activity}
						total={table.activityTotal}
						search={state.activitySearch}
						note={table.activityNote}
						searching={state.searching}
						searchCursor={state.searchCursor}
						selectedIndex={table.activityIndex}
						width={columns}
						bodyHeight={bodyHeight}
					/>
				) : (
					<SettingsView data={data} />
				)}
			</Box>
			{/* A store deleted under the app is said in the status line while no flash has something to say. */}
			<StatusLine flash={state.flash ?? (store.notice ? {text: store.notice, tone: 'error'} : null)} counts={countsLine(state, store, table, missing)} />
			<Hints mode={mode} columns={columns} />
		</Box>
	);
}

/** The counts and filters of the tab in view, for the line under the body. */
function countsLine(state: AppState, store: StoreView, table: KeyTable, missing: (resource: KeyResource) => KeyResource | null): string {
	const {data} = store;
	if (!data) return '';
	switch (state.tab) {
		case 'generated':
			if (table.keysNote) return table.keysNote;
			return `${countedOf(store.keyCount ?? table.keys.length, store.keyCount ?? table.total ?? 0, 'key')}${store.keyCount === null ? alertCounts(table.alerts) : ''} · status: ${FILTER_LABELS[state.status]} · sort: ${SORT_LABELS[state.sort]}${state.sort === 'created' ? ' ↓' : ''}${state.search ? ` · search: ${sanitize(state.search)}` : ''}`;
		case 'external':
			return `${countedOf(table.externalKeys.length, data.external.length, 'external key')}${state.externalSearch ? ` · search: ${sanitize(state.externalSearch)}` : ''}`;
		case 'settings':
			return missing('Edit API Keys settings') ? 'Changing settings needs the resource "Edit API Keys settings".' : 'Enter changes the settings.';
		case 'activity':
			return `${countedOf(table.activity.length, table.activityTotal, 'entry', 'entries')}${state.activitySearch ? ` · search: ${sanitize(state.activitySearch)}` : ''}`;
	}
}
