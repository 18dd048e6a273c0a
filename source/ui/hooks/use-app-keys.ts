import type {Rows} from '../../core/query.js';
import type {KeyResource} from '../../core/types.js';
import {commandFor, isCommand, type Command} from '../keymap.js';
import {isFieldKey} from '../line-editor.js';
import {moveIndex, type Action, type AppState, type Dialog, type NavCommand, type Tab} from '../state.js';
import type {KeyTable} from './use-key-table.js';
import {useKeys} from './use-keys.js';

const NAVIGATION: readonly Command[] = ['nav.up', 'nav.down', 'nav.pageUp', 'nav.pageDown', 'nav.home', 'nav.end'];
const EVERYWHERE: readonly Command[] = ['table.export', 'tab.next', 'tab.previous', 'app.help', 'app.quit'];

/** The commands live on each tab; everything else is ignored there. */
const TAB_COMMANDS: Record<Tab, readonly Command[]> = {
	generated: [...NAVIGATION, 'table.search', 'table.menu', 'table.generate', 'table.openLink', 'table.filter', 'table.sort', ...EVERYWHERE],
	external: [...NAVIGATION, 'table.search', 'table.menu', 'external.add', ...EVERYWHERE],
	activity: [...NAVIGATION, 'table.search', ...EVERYWHERE],
	settings: ['settings.edit', ...EVERYWHERE],
};

/** What opening a dialog needs: the resource, and what the footer calls the refused action. */
const GUARDED: Partial<Record<Command, {dialog: Dialog; resource: KeyResource; what: string}>> = {
	'table.export': {dialog: {kind: 'export'}, resource: 'View API Keys', what: 'Exporting'},
	'table.generate': {dialog: {kind: 'generate'}, resource: 'Edit API Keys', what: 'Generating keys'},
	'external.add': {dialog: {kind: 'external-add'}, resource: 'Edit API Keys', what: 'Adding external keys'},
	'settings.edit': {dialog: {kind: 'settings'}, resource: 'Edit API Keys settings', what: 'Changing settings'},
};

export interface AppKeys {
	state: AppState;
	table: KeyTable;
	bodyHeight: number;
	hasData: boolean;
	/** The open dialog's key was deleted elsewhere: only closing is left. */
	vanished: boolean;
	dispatch(action: Action): void;
	close(): void;
	quit(): void;
	missing(resource: KeyResource): KeyResource | null;
}

/** The keys of the tables, the search line and the tabs; an open dialog takes its own keys. */
export function useAppKeys({state, table, bodyHeight, hasData, vanished, dispatch, close, quit, missing}: AppKeys): void {
	// A paste goes into the search being typed; anywhere else in the tables it is ignored, never run as keys.
	const onPaste = (text: string) => (state.searching && !state.dialog && hasData && !vanished ? dispatch({type: 'search.type', text}) : undefined);
	useKeys((input, key) => {
		if (key.ctrl && input === 'c') return quit();
		if (vanished) {
			if (isCommand('dialog.cancel', input, key) || key.return) close();
			return;
		}
		if (state.dialog || !hasData) return;
		const tab = state.tab;
		// The rows the movement keys walk: the Generated, External or Activity table.
		const rows: Rows<{appKey?: string}> = tab === 'external' ? table.externalKeys : tab === 'activity' ? table.activity : table.keys;
		let index = tab === 'external' ? table.externalIndex : tab === 'activity' ? table.activityIndex : table.selectedIndex;
		const select = (command: NavCommand, page: number) => {
			index = moveIndex(index, command, rows.length, page);
			if (tab === 'activity') return dispatch({type: 'select.activity', index});
			dispatch({type: tab === 'external' ? 'select.external' : 'select', appKey: rows.at(index)?.appKey ?? null, index});
		};
		if (state.searching) {
			if (isCommand('search.keep', input, key)) return dispatch({type: 'search.keep'});
			if (isCommand('search.clear', input, key)) return dispatch({type: 'search.clear'});
			if (key.upArrow || key.downArrow) return select(key.upArrow ? 'nav.up' : 'nav.down', bodyHeight);
			if (isFieldKey(input, key)) dispatch({type: 'search.edit', input, key});
			return;
		}
		// Fast typing and key repeat can arrive as one string ("jjj"): take it a key at a time, and
		// stop at the first key that leaves the table, so nothing typed after it runs as a command.
		const burst = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
		for (const [i, char] of burst.entries()) {
			const command = commandFor(TAB_COMMANDS[tab], char, key);
			if (!command) continue;
			if (command.startsWith('nav.')) {
				select(command as NavCommand, bodyHeight - 1);
				continue;
			}
			if (command === 'table.filter' || command === 'table.sort') {
				dispatch({type: command === 'table.filter' ? 'filter.cycle' : 'sort.cycle'});
				continue;
			}
			if (command === 'tab.next' || command === 'tab.previous') return dispatch({type: 'tab', step: command === 'tab.next' ? 1 : -1});
			if (command === 'app.quit') return quit();
			if (command === 'app.help') return dispatch({type: 'dialog.open', dialog: {kind: 'help'}});
			if (command === 'table.search') {
				dispatch({type: 'search.start'});
				const rest = burst.slice(i + 1).join('');
				if (rest) dispatch({type: 'search.type', text: rest});
				return;
			}
			if (command === 'table.openLink') return dispatch({type: 'dialog.open', dialog: {kind: 'open-link'}});
			const guarded = GUARDED[command];
			if (guarded) {
				const lacking = missing(guarded.resource);
				if (lacking) return dispatch({type: 'flash', text: `${guarded.what} needs the resource "${lacking}".`, tone: 'error'});
				return dispatch({type: 'dialog.open', dialog: guarded.dialog});
			}
			const target = rows.at(index);
			if (command === 'table.menu' && target?.appKey) {
				return dispatch({type: 'dialog.open', dialog: tab === 'external' ? {kind: 'external-menu', externalKey: target.appKey} : {kind: 'menu', appKey: target.appKey}});
			}
			return;
		}
	}, {onPaste});
}
