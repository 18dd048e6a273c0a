import type {DeleteOld, Reveal} from '../core/keys.js';
import type {Key} from 'ink';
import {INITIAL_SORT, KEY_FILTERS, SORT_COLUMNS, type KeyFilter, type SortColumn} from '../core/query.js';
import {editLine, insert, type Line} from './line-editor.js';

export const TABS = ['generated', 'external', 'activity', 'settings'] as const;
export type Tab = (typeof TABS)[number];
export const TAB_TITLES: Record<Tab, string> = {generated: 'Generated', external: 'External', activity: 'Activity', settings: 'Settings'};

export type Dialog =
	| {kind: 'help'}
	| {kind: 'menu'; appKey: string}
	| {kind: 'generate'}
	| {kind: 'edit'; appKey: string}
	| {kind: 'renew'; appKey: string}
	| {kind: 'deactivate'; appKey: string; step: 1 | 2}
	| {kind: 'activate'; appKey: string}
	| {kind: 'delete-old-token'; appKey: string}
	| {kind: 'undo-renewal'; appKey: string}
	/** `renewal`: the link is a pending renewal's, so the old token becomes current again. */
	| {kind: 'revoke-link'; appKey: string; renewal: boolean}
	| {kind: 'delete-key'; appKey: string}
	| {kind: 'open-link'}
	| {kind: 'export'}
	| {kind: 'settings'}
	| {kind: 'external-add'}
	| {kind: 'external-menu'; externalKey: string}
	| {kind: 'external-edit'; externalKey: string}
	| {kind: 'external-remove'; externalKey: string}
	| {kind: 'reveal'; appKey: string; name: string; reveal: Reveal; purpose: 'generate' | 'renew' | 'redeem'; deleteOld?: DeleteOld | 'none'};

export type Tone = 'info' | 'success' | 'error';

export interface AppState {
	tab: Tab;
	search: string;
	/** The search bar has the keyboard. */
	searching: boolean;
	/** Where the cursor is in the search being typed, in code points. */
	searchCursor: number;
	/** The `f` filter: a status or a renewal-alert level. */
	status: KeyFilter;
	sort: SortColumn;
	/** The selected key, kept across refreshes; the index is the fallback when it vanishes. */
	selectedKey: string | null;
	selectedIndex: number;
	/** The External tab's own search and selection. */
	externalSearch: string;
	externalKey: string | null;
	externalIndex: number;
	/** The Activity tab's search and selected row. */
	activitySearch: string;
	activityIndex: number;
	dialog: Dialog | null;
	/** A service call is under way: dialogs ignore a second press. */
	busy: boolean;
	/** Why the open dialog's action failed, shown inside it. */
	dialogError: string | null;
	flash: {text: string; tone: Tone} | null;
}

export const initialState: AppState = {
	tab: 'generated',
	search: '',
	searching: false,
	searchCursor: 0,
	status: 'all',
	sort: INITIAL_SORT,
	selectedKey: null,
	selectedIndex: 0,
	externalSearch: '',
	externalKey: null,
	externalIndex: 0,
	activitySearch: '',
	activityIndex: 0,
	dialog: null,
	busy: false,
	dialogError: null,
	flash: null,
};

export type Action =
	| {type: 'tab'; step: 1 | -1}
	| {type: 'search.start'}
	| {type: 'search.type'; text: string}
	| {type: 'search.edit'; input: string; key: Key}
	| {type: 'search.keep'}
	| {type: 'search.clear'}
	| {type: 'filter.cycle'}
	| {type: 'sort.cycle'}
	| {type: 'select'; appKey: string | null; index: number}
	/** The key a selection not remembered by key is on: taken only while that is still so (a key pressed meanwhile wins). */
	| {type: 'select.anchor'; appKey: string; index: number}
	| {type: 'select.external'; appKey: string | null; index: number}
	| {type: 'select.activity'; index: number}
	| {type: 'dialog.open'; dialog: Dialog}
	| {type: 'dialog.close'; flash?: AppState['flash']}
	| {type: 'busy'}
	| {type: 'failed'; message: string}
	| {type: 'flash'; text: string; tone: Tone};

/** The search of the tab in view (Generated, External or Activity). */
export const searchOf = (state: AppState) =>
	state.tab === 'external' ? state.externalSearch : state.tab === 'activity' ? state.activitySearch : state.search;

const withSearch = (state: AppState, value: string): AppState =>
	state.tab === 'external'
		? {...state, externalSearch: value, externalIndex: 0, externalKey: null}
		: state.tab === 'activity'
			? {...state, activitySearch: value, activityIndex: 0}
			: {...state, search: value, selectedIndex: 0, selectedKey: null};

const searchLine = (state: AppState): Line => ({value: searchOf(state), cursor: state.searchCursor});

const SEARCH_LIMIT = 200;

function withSearchLine(state: AppState, line: Line): AppState {
	const value = [...line.value].slice(0, SEARCH_LIMIT);
	const next = value.join('') === searchOf(state) ? state : withSearch(state, value.join(''));
	return {...next, searchCursor: Math.min(line.cursor, value.length)};
}

const cycle = <T>(values: readonly T[], current: T) => values[(values.indexOf(current) + 1) % values.length]!;

export function reducer(state: AppState, action: Action): AppState {
	switch (action.type) {
		case 'tab': {
			const index = (TABS.indexOf(state.tab) + action.step + TABS.length) % TABS.length;
			return {...state, tab: TABS[index]!, searching: false, flash: null};
		}
		case 'search.start':
			return {...state, searching: true, searchCursor: [...searchOf(state)].length, flash: null};
		case 'search.type':
			// Typed or pasted text goes in at the cursor; line breaks in it are not part of a search.
			return withSearchLine(state, insert(searchLine(state), action.text));
		case 'search.edit':
			return withSearchLine(state, editLine(searchLine(state), action.input, action.key));
		case 'search.keep':
			return {...state, searching: false};
		case 'search.clear':
			return {...withSearch(state, ''), searching: false};
		// The last action's outcome gives way to the counts that the filter and the sort change.
		case 'filter.cycle':
			return {...state, status: cycle(KEY_FILTERS, state.status), flash: null};
		case 'sort.cycle':
			return {...state, sort: cycle(SORT_COLUMNS, state.sort), flash: null};
		case 'select':
			return {...state, selectedKey: action.appKey, selectedIndex: action.index};
		case 'select.anchor':
			return state.selectedKey === null && !state.searching && state.selectedIndex === action.index ? {...state, selectedKey: action.appKey} : state;
		case 'select.external':
			return {...state, externalKey: action.appKey, externalIndex: action.index};
		case 'select.activity':
			return {...state, activityIndex: action.index};
		case 'dialog.open':
			return {...state, dialog: action.dialog, busy: false, dialogError: null, flash: null};
		case 'dialog.close':
			return {...state, dialog: null, busy: false, dialogError: null, flash: action.flash ?? null};
		case 'busy':
			return {...state, busy: true, dialogError: null};
		case 'failed':
			return {...state, busy: false, dialogError: action.message};
		case 'flash':
			return {...state, flash: {text: action.text, tone: action.tone}};
	}
}

export type NavCommand = 'nav.up' | 'nav.down' | 'nav.pageUp' | 'nav.pageDown' | 'nav.home' | 'nav.end';

/** The row index a navigation command moves to. */
export function moveIndex(index: number, command: NavCommand, count: number, page: number): number {
	if (count === 0) return 0;
	const step = Math.max(1, page);
	const next = {
		'nav.up': index - 1,
		'nav.down': index + 1,
		'nav.pageUp': index - step,
		'nav.pageDown': index + step,
		'nav.home': 0,
		'nav.end': count - 1,
	}[command];
	return Math.min(count - 1, Math.max(0, next));
}

/** The first visible row so that `index` is on screen, moving as little as possible from `offset`. */
export function scrollOffset(offset: number, index: number, height: number, count: number): number {
	if (height <= 0) return 0;
	let top = Math.min(offset, Math.max(0, count - height));
	if (index < top) top = index;
	if (index >= top + height) top = index - height + 1;
	return Math.max(0, top);
}
