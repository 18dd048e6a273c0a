import {Box, Text, useApp, useInput, useStdout} from 'ink';
import {memo, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {isApiKeysError} from '../core/errors.js';
import {ACTIVATE_WARNING} from '../core/keys.js';
import {missingResource} from '../core/permissions.js';
import {KeyList, buildKeyIndex, filterKeyIndex, indexCharacterPairs, indexCharacters, matchesSearch, type Rows} from '../core/query.js';
import {OWNER_ROLE, USER_ADMIN_ROLE, roleCatalog} from '../core/roles.js';
import type {KeyResource} from '../core/types.js';
import type {ApiKeysService} from '../service.js';
import {osc52} from './clipboard.js';
import {ActionMenu, externalMenuItems, menuItems, type MenuItem} from './dialogs/action-menu.js';
import {ConfirmDialog} from './dialogs/confirm.js';
import {EditDialog} from './dialogs/edit.js';
import {GenerateDialog} from './dialogs/generate.js';
import {OpenLinkDialog} from './dialogs/open-link.js';
import {RevealDialog, type OldTokenChoice} from './dialogs/reveal.js';
import {useStore} from './hooks/use-store.js';
import {useWindowSize} from './hooks/use-window-size.js';
import {commandFor, footerHints, isCommand, type Command, type Mode} from './keymap.js';
import {sanitize} from './sanitize.js';
import {GeneratedKeys} from './screens/generated-keys.js';
import {HelpOverlay} from './screens/help.js';
import {SettingsView} from './screens/settings.js';
import {Activity} from './screens/activity.js';
import {activitySince, filterActivity} from '../core/activity.js';
import {ExternalKeys} from './screens/external-keys.js';
import {AddExternalDialog} from './dialogs/add-external.js';
import {ExportDialog, type ExportProgress} from './dialogs/export.js';
import {SettingsDialog} from './dialogs/settings.js';
import {defaultExportName, formatOf, writeExport} from '../export/write-export.js';
import {externalKeyProblem, ownerOf} from '../core/external.js';
import {join} from 'node:path';
import {TABS, TAB_TITLES, initialState, moveIndex, reducer, type Dialog, type NavCommand, type Tab} from './state.js';
import {truncate} from './text.js';
import {CompactProvider, useTheme} from './theme.js';

/** The roles meant for operators, listed last in a key's role picker. */
const isAdminRole = (name: string) => name === OWNER_ROLE || name === USER_ADMIN_ROLE || name.startsWith('API Keys - ');

export const MIN_COLUMNS = 54;
export const MIN_ROWS = 14;
/** Lines around the table body: header, tabs, search line, 3 table head lines, bottom border, details line, 2 footer lines, and the row Ink keeps free. */
const CHROME_ROWS = 11;

const NAVIGATION: readonly Command[] = ['nav.up', 'nav.down', 'nav.pageUp', 'nav.pageDown', 'nav.home', 'nav.end'];
const EVERYWHERE: readonly Command[] = ['table.export', 'tab.next', 'tab.previous', 'app.help', 'app.quit'];

/** The commands live on each tab; everything else is ignored there. */
const TAB_COMMANDS: Record<Tab, readonly Command[]> = {
	generated: [...NAVIGATION, 'table.search', 'table.menu', 'table.generate', 'table.openLink', 'table.filter', 'table.sort', ...EVERYWHERE],
	external: [...NAVIGATION, 'table.search', 'table.menu', 'external.add', ...EVERYWHERE],
	activity: [...NAVIGATION, 'table.search', ...EVERYWHERE],
	settings: ['settings.edit', ...EVERYWHERE],
};

const TAB_MODE: Record<Tab, Mode> = {generated: 'table', external: 'external', activity: 'activity', settings: 'settings'};

const SORT_LABELS = {created: 'created', name: 'name', appKey: 'key', tokenAge: 'token age', status: 'status', lastUsed: 'last used'};

const message = (error: unknown) => (isApiKeysError(error) ? error.message : `unexpected error: ${(error as Error).message}`);

export interface AppProps {
	service: ApiKeysService;
	/** Called once the whole store is in view (at once, unless a large store opened from a preview). */
	onLoaded?: () => void;
}

/** The screen router: one state machine decides the tab, the mode and the dialog. */
export function App({service, onLoaded}: AppProps) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const theme = useTheme();
	const {columns, rows} = useWindowSize();
	const store = useStore(service);
	const [state, dispatch] = useReducer(reducer, initialState);
	const [copied, setCopied] = useState(false);
	const [now, setNow] = useState(() => service.now());

	// Token ages move with time even when nothing else changes.
	useEffect(() => {
		const timer = setInterval(() => setNow(service.now()), 30_000);
		return () => clearInterval(timer);
	}, [service]);
	const seenRevision = useRef(store.revision);
	useEffect(() => {
		if (seenRevision.current === store.revision) return;
		seenRevision.current = store.revision;
		setNow(service.now());
	}, [store.revision, service]);

	const data = store.data;
	const loaded = store.keyCount === null;
	useEffect(() => {
		if (loaded) onLoaded?.();
	}, [loaded, onLoaded]);
	// Sorted once per revision and sort column; a keystroke in the search only filters.
	const index = useMemo(
		() => (data ? buildKeyIndex(data, state.sort) : null),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[data, store.revision, state.sort],
	);
	// The character lists that make the first letters of a search quick are built when nothing else is going on.
	useEffect(() => {
		if (!index) return;
		let timer = setTimeout(() => {
			indexCharacters(index);
			timer = setTimeout(() => indexCharacterPairs(index), 0);
		}, 0);
		return () => clearTimeout(timer);
	}, [index]);
	const keys = useMemo(() => (index ? filterKeyIndex(index, {search: state.search, status: state.status}) : new KeyList([])), [index, state.search, state.status]);
	// The selection is remembered by appKey; look it up only when it is no longer where it was.
	const foundIndex = !state.selectedKey ? -1 : keys.at(state.selectedIndex)?.appKey === state.selectedKey ? state.selectedIndex : keys.findIndex(k => k.appKey === state.selectedKey);
	const selectedIndex = foundIndex >= 0 ? foundIndex : Math.min(state.selectedIndex, Math.max(0, keys.length - 1));
	const externalKeys = useMemo(
		() =>
			data
				? data.external
						.filter(k => matchesSearch({name: ownerOf(k.appKey) ?? '', appKey: k.appKey}, state.externalSearch))
						.sort((a, b) => b.added - a.added || (a.appKey < b.appKey ? -1 : 1))
				: [],
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[data, store.revision, state.externalSearch],
	);
	// Built only while the Activity tab is in view: the log can be long and most frames never show it.
	const activity = useMemo(
		() => (data && state.tab === 'activity' ? filterActivity(activitySince(data), {search: state.activitySearch}) : []),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[data, store.revision, state.activitySearch, state.tab],
	);
	const activityIndex = Math.min(state.activityIndex, Math.max(0, activity.length - 1));
	const foundExternal = state.externalKey ? externalKeys.findIndex(k => k.appKey === state.externalKey) : -1;
	const externalIndex = foundExternal >= 0 ? foundExternal : Math.min(state.externalIndex, Math.max(0, externalKeys.length - 1));
	const bodyHeight = Math.max(1, rows - CHROME_ROWS);
	const dialogWidth = Math.min(columns - 2, 84);
	const compact = rows < 30;
	const bodyRows = rows - 5;
	const listHeight = Math.max(3, Math.min(10, rows - (compact ? 17 : 24)));

	const dialogKey = state.dialog && 'appKey' in state.dialog ? state.dialog.appKey : null;
	const dialogTarget = dialogKey && data ? data.keys.find(k => k.appKey === dialogKey) : undefined;
	const dialogExternalKey = state.dialog && 'externalKey' in state.dialog ? state.dialog.externalKey : null;
	const dialogExternal = dialogExternalKey && data ? data.external.find(k => k.appKey === dialogExternalKey) : undefined;
	const vanished = Boolean(data && ((dialogKey && !dialogTarget) || (dialogExternalKey && !dialogExternal)));
	const [exportProgress, setExportProgress] = useState<ExportProgress | null>(null);
	const [exportWritten, setExportWritten] = useState<string[] | null>(null);

	// Integration roles first in the pickers: the administrator roles are rarely what a key needs.
	const pickerRoles = useMemo(
		() => (data ? roleCatalog(data).map(r => r.name).sort((a, b) => Number(isAdminRole(a)) - Number(isAdminRole(b))) : []),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[data, store.revision],
	);
	const missing = (resource: KeyResource) => (data ? missingResource(data, service.operator, resource) : resource);
	const open = (dialog: Dialog) => dispatch({type: 'dialog.open', dialog});
	const close = (text?: string) => {
		store.syncNow();
		setCopied(false);
		setExportProgress(null);
		setExportWritten(null);
		dispatch({type: 'dialog.close', flash: text ? {text, tone: 'success'} : undefined});
	};
	const perform = async (work: () => Promise<void>) => {
		dispatch({type: 'busy'});
		try {
			await work();
		} catch (error) {
			dispatch({type: 'failed', message: message(error)});
		} finally {
			store.refresh();
		}
	};
	const quit = () => exit();

	// One handler, subscribed once in spirit: it reads what it needs from a ref refreshed on every
	// render, so keys that arrive faster than React re-subscribes handlers still see the latest state.
	const latest = useRef({state, keys, selectedIndex, externalKeys, externalIndex, activity, activityIndex, bodyHeight, hasData: data !== null, vanished});
	latest.current = {state, keys, selectedIndex, externalKeys, externalIndex, activity, activityIndex, bodyHeight, hasData: data !== null, vanished};

	useInput((input, key) => {
		const now = latest.current;
		if (key.ctrl && input === 'c') return quit();
		if (now.vanished) {
			if (isCommand('dialog.cancel', input, key) || key.return) close();
			return;
		}
		if (now.state.dialog || !now.hasData) return;
		const tab = now.state.tab;
		// The rows the movement keys walk: the Generated, External or Activity table.
		const rows: Rows<{appKey?: string}> = tab === 'external' ? now.externalKeys : tab === 'activity' ? now.activity : now.keys;
		let index = tab === 'external' ? now.externalIndex : tab === 'activity' ? now.activityIndex : now.selectedIndex;
		const select = (command: NavCommand, page: number) => {
			index = moveIndex(index, command, rows.length, page);
			if (tab === 'activity') return dispatch({type: 'select.activity', index});
			dispatch({type: tab === 'external' ? 'select.external' : 'select', appKey: rows.at(index)?.appKey ?? null, index});
		};
		if (now.state.searching) {
			if (isCommand('search.keep', input, key)) return dispatch({type: 'search.keep'});
			if (isCommand('search.clear', input, key)) return dispatch({type: 'search.clear'});
			if (key.upArrow || key.downArrow) return select(key.upArrow ? 'nav.up' : 'nav.down', now.bodyHeight);
			if (key.backspace || key.delete) return dispatch({type: 'search.erase'});
			if (!key.ctrl && !key.meta && !key.tab && input.length > 0) return dispatch({type: 'search.type', text: input});
			return;
		}
		// Fast typing and key repeat can arrive as one string ("jjj"): take it a key at a time, and
		// stop at the first key that leaves the table, so nothing typed after it runs as a command.
		const burst = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
		for (const [i, char] of burst.entries()) {
			const command = commandFor(TAB_COMMANDS[tab], char, key);
			if (!command) continue;
			if (command.startsWith('nav.')) {
				select(command as NavCommand, now.bodyHeight - 1);
				continue;
			}
			if (command === 'table.filter' || command === 'table.sort') {
				dispatch({type: command === 'table.filter' ? 'filter.cycle' : 'sort.cycle'});
				continue;
			}
			if (command === 'tab.next' || command === 'tab.previous') return dispatch({type: 'tab', step: command === 'tab.next' ? 1 : -1});
			if (command === 'app.quit') return quit();
			if (command === 'app.help') return open({kind: 'help'});
			if (command === 'table.search') {
				dispatch({type: 'search.start'});
				const rest = burst.slice(i + 1).join('');
				if (rest) dispatch({type: 'search.type', text: rest});
				return;
			}
			if (command === 'table.export') return allowed('View API Keys', 'Exporting') && open({kind: 'export'});
			if (command === 'table.openLink') return open({kind: 'open-link'});
			if (command === 'table.generate') return allowed('Edit API Keys', 'Generating keys') && open({kind: 'generate'});
			if (command === 'external.add') return allowed('Edit API Keys', 'Adding external keys') && open({kind: 'external-add'});
			if (command === 'settings.edit') return allowed('Edit API Keys settings', 'Changing settings') && open({kind: 'settings'});
			const target = rows.at(index);
			if (command === 'table.menu' && target?.appKey) {
				return open(tab === 'external' ? {kind: 'external-menu', externalKey: target.appKey} : {kind: 'menu', appKey: target.appKey});
			}
			return;
		}
	});

	/** True when the operator holds `resource`; otherwise says so in the footer. */
	function allowed(resource: KeyResource, what: string): boolean {
		const lacking = missing(resource);
		if (lacking) dispatch({type: 'flash', text: `${what} needs the resource "${lacking}".`, tone: 'error'});
		return !lacking;
	}

	const chooseMenuItem = (item: MenuItem, appKey: string) => {
		if (item.missing) return dispatch({type: 'failed', message: `${item.label} needs the resource "${item.missing}"`});
		switch (item.action) {
			case 'external-edit':
				return open({kind: 'external-edit', externalKey: appKey});
			case 'external-remove':
				return open({kind: 'external-remove', externalKey: appKey});
			case 'edit':
				return open({kind: 'edit', appKey});
			case 'deactivate':
				return open({kind: 'deactivate', appKey, step: 1});
			case 'activate':
				return open({kind: 'activate', appKey});
			case 'delete-old-token':
				return open({kind: 'delete-old-token', appKey});
			case 'undo-renewal':
				return open({kind: 'undo-renewal', appKey});
			case 'delete-key':
				return open({kind: 'delete-key', appKey});
			case 'renew':
				return perform(async () => {
					const {row, reveal} = await service.renew(appKey, 'later');
					open({kind: 'reveal', appKey, name: row.name, reveal, purpose: 'renew'});
				});
		}
	};

	const finishReveal = (appKey: string, purpose: 'generate' | 'renew' | 'redeem', choice: OldTokenChoice) => {
		if (purpose === 'generate') return close(`Generated ${appKey}.`);
		if (purpose === 'redeem') return close(`The link for ${appKey} is used up.`);
		if (choice === 'later') return close(`Renewed ${appKey}: both tokens are valid until you delete the old one.`);
		return perform(async () => {
			await service.deleteOldToken(appKey, 'renewal-now');
			close(`Renewed ${appKey}: the old token was deleted.`);
		});
	};

	const renderDialog = (dialog: Dialog) => {
		const common = {width: dialogWidth, busy: state.busy, error: state.dialogError};
		// The key as text for the dialogs' sentences (an older store may hold any bytes in it).
		const shownKey = sanitize(dialogKey ?? dialogExternalKey ?? '');
		if (vanished) {
			return (
				<ConfirmDialog title="Key no longer exists" action="Close" {...common} onConfirm={() => close()} onCancel={() => close()}>
					<Text>{shownKey} was deleted by another operator while this dialog was open. Nothing was changed.</Text>
				</ConfirmDialog>
			);
		}
		const target = dialogTarget;
		const name = target ? sanitize(target.name) : '';
		switch (dialog.kind) {
			case 'help':
				return <HelpOverlay width={dialogWidth} height={rows - 6} onClose={() => close()} />;
			case 'menu':
				return (
					<ActionMenu
						appKey={dialog.appKey}
						name={target?.name ?? ''}
						items={menuItems({active: target?.active ?? true, pending: Boolean(target?.oldToken)}, missing)}
						{...common}
						onChoose={item => chooseMenuItem(item, dialog.appKey)}
						onCancel={() => close()}
					/>
				);
			case 'generate':
				return (
					<GenerateDialog
						roles={pickerRoles}
						listHeight={listHeight}
						{...common}
						onCancel={() => close()}
						onSubmit={input =>
							perform(async () => {
								const {row, reveal} = await service.generate(input);
								dispatch({type: 'select', appKey: row.appKey, index: 0});
								open({kind: 'reveal', appKey: row.appKey, name: row.name, reveal, purpose: 'generate'});
							})
						}
					/>
				);
			case 'edit':
				return (
					<EditDialog
						appKey={dialog.appKey}
						name={target?.name ?? ''}
						roles={pickerRoles}
						current={{roles: target?.roles ?? [], active: target?.active ?? true}}
						listHeight={listHeight}
						{...common}
						onCancel={() => close()}
						onSave={input =>
							perform(async () => {
								const {changed} = await service.edit(dialog.appKey, input);
								close(changed ? `Saved ${dialog.appKey}.` : `Nothing changed for ${dialog.appKey}.`);
							})
						}
					/>
				);
			case 'deactivate':
				return (
					<ConfirmDialog
						key={`deactivate-${dialog.step}`}
						title={dialog.step === 1 ? 'Deactivate key' : 'Deactivate key — confirm again'}
						action="Deactivate"
						destructive
						{...common}
						onCancel={() => close()}
						onConfirm={() =>
							dialog.step === 1
								? open({kind: 'deactivate', appKey: dialog.appKey, step: 2})
								: perform(async () => {
										await service.deactivate(dialog.appKey);
										close(`Deactivated ${dialog.appKey}.`);
									})
						}
					>
						<Text>
							{dialog.step === 1
								? `Deactivate ${shownKey} (${name})? Every integration using it stops working.`
								: `Are you sure? ${shownKey} will fail every verification until it is activated again. Press Deactivate again to confirm.`}
						</Text>
					</ConfirmDialog>
				);
			case 'activate':
				return (
					<ConfirmDialog
						title="Activate key"
						action="Activate"
						warning={ACTIVATE_WARNING}
						{...common}
						onCancel={() => close()}
						onConfirm={() =>
							perform(async () => {
								await service.activate(dialog.appKey);
								close(`Activated ${dialog.appKey}.`);
							})
						}
					>
						<Text>
							Activate {shownKey} ({name})?
						</Text>
					</ConfirmDialog>
				);
			case 'delete-old-token':
				return (
					<ConfirmDialog
						title="Delete old token"
						action="Delete"
						destructive
						warning="Make sure no integration still uses the old token. This cannot be undone."
						{...common}
						onCancel={() => close()}
						onConfirm={() =>
							perform(async () => {
								await service.deleteOldToken(dialog.appKey);
								close(`Deleted the old token of ${dialog.appKey}.`);
							})
						}
					>
						<Text>
							Delete the old token of {shownKey} ({name})? Only the new token will be valid.
						</Text>
					</ConfirmDialog>
				);
			case 'undo-renewal':
				return (
					<ConfirmDialog
						title="Undo renewal"
						action="Undo"
						{...common}
						onCancel={() => close()}
						onConfirm={() =>
							perform(async () => {
								await service.undoRenewal(dialog.appKey);
								close(`Undid the renewal of ${dialog.appKey}; the old token is current again.`);
							})
						}
					>
						<Text>
							Undo the renewal of {shownKey} ({name})? The new token and its link are destroyed and the old token is current again.
						</Text>
					</ConfirmDialog>
				);
			case 'delete-key':
				return (
					<ConfirmDialog
						title="Delete key"
						action="Delete"
						destructive
						acknowledge="I understand that this action cannot be undone"
						warning="Make sure no integration uses this key any more."
						{...common}
						onCancel={() => close()}
						onConfirm={() =>
							perform(async () => {
								await service.deleteKey(dialog.appKey);
								close(`Deleted ${dialog.appKey}.`);
							})
						}
					>
						<Text>
							Delete {shownKey} ({name}) with its tokens and links?
						</Text>
					</ConfirmDialog>
				);
			case 'external-menu':
				return (
					<ActionMenu
						appKey={dialog.externalKey}
						name={`owner ${ownerOf(dialog.externalKey) ?? '?'}`}
						items={externalMenuItems(missing)}
						{...common}
						onChoose={item => chooseMenuItem(item, dialog.externalKey)}
						onCancel={() => close()}
					/>
				);
			case 'external-add':
				return (
					<AddExternalDialog
						roles={pickerRoles}
						problem={appKey => (data ? externalKeyProblem(data, appKey) : null)}
						listHeight={listHeight}
						{...common}
						onCancel={() => close()}
						onAdd={input =>
							perform(async () => {
								const added = await service.addExternal(input);
								dispatch({type: 'select.external', appKey: added.appKey, index: 0});
								close(`Added external key ${added.appKey} (owner ${added.owner}).`);
							})
						}
					/>
				);
			case 'external-edit':
				return (
					<EditDialog
						title={`Edit roles of ${dialog.externalKey}`}
						appKey={dialog.externalKey}
						name={`owner ${ownerOf(dialog.externalKey) ?? '?'}`}
						roles={pickerRoles}
						current={{roles: dialogExternal?.roles ?? []}}
						listHeight={listHeight}
						{...common}
						onCancel={() => close()}
						onSave={input =>
							perform(async () => {
								await service.editExternal(dialog.externalKey, input.roles);
								close(`Saved ${dialog.externalKey}.`);
							})
						}
					/>
				);
			case 'external-remove':
				return (
					<ConfirmDialog
						title="Remove external key"
						action="Remove"
						destructive
						{...common}
						onCancel={() => close()}
						onConfirm={() =>
							perform(async () => {
								await service.removeExternal(dialog.externalKey);
								close(`Removed ${dialog.externalKey}.`);
							})
						}
					>
						<Text>
							Remove {shownKey}? Account {ownerOf(dialog.externalKey) ?? '?'} loses the roles it had in this account.
						</Text>
					</ConfirmDialog>
				);
			case 'settings':
				return (
					<SettingsDialog
						current={data!.settings}
						{...common}
						onCancel={() => close()}
						onApply={settings =>
							perform(async () => {
								await service.updateSettings(settings);
								close('Settings applied.');
							})
						}
					/>
				);
			case 'export':
				return (
					<ExportDialog
						defaultFile={join(process.cwd(), defaultExportName(data!.account, 'xlsx', now))}
						progress={exportProgress}
						written={exportWritten}
						{...common}
						onClose={() => close()}
						onExport={file =>
							perform(async () => {
								const {account: _account, ...tables} = await service.exportTables();
								const files = await writeExport(tables, {file, format: formatOf(file) ?? 'xlsx'}, progress => setExportProgress(progress));
								setExportWritten(files);
								dispatch({type: 'dialog.open', dialog: {kind: 'export'}});
							})
						}
					/>
				);
			case 'open-link':
				return (
					<OpenLinkDialog
						{...common}
						onCancel={() => close()}
						onOpen={link =>
							perform(async () => {
								const {appKey, token} = await service.redeem(link, 'the interface');
								const name = data?.keys.find(k => k.appKey === appKey)?.name ?? '';
								open({kind: 'reveal', appKey, name, reveal: {kind: 'token', token}, purpose: 'redeem'});
							})
						}
					/>
				);
			case 'reveal':
				return (
					<RevealDialog
						appKey={dialog.appKey}
						name={dialog.name}
						reveal={dialog.reveal}
						purpose={dialog.purpose}
						copied={copied}
						{...common}
						onCopy={text => {
							stdout.write(osc52(text));
							setCopied(true);
						}}
						onDone={choice => finishReveal(dialog.appKey, dialog.purpose, choice)}
					/>
				);
		}
	};

	if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
		return (
			<Box height={rows - 1} flexDirection="column" justifyContent="center" alignItems="center">
				<Text bold>Terminal too small</Text>
				<Text>
					{columns}×{rows}; apikeys needs at least {MIN_COLUMNS}×{MIN_ROWS}.
				</Text>
				<Text color={theme.color('muted')}>Enlarge the window, or press q to quit.</Text>
				<QuitOnQ onQuit={quit} />
			</Box>
		);
	}

	const mode: Mode = state.dialog ? (state.dialog.kind === 'reveal' ? 'reveal' : 'dialog') : state.searching ? 'search' : TAB_MODE[state.tab];
	const counts = !data
		? ''
		: state.tab === 'generated'
			? `${store.keyCount ?? keys.length} of ${store.keyCount ?? data.keys.length} keys · status: ${state.status} · sort: ${SORT_LABELS[state.sort]}${state.sort === 'created' ? ' ↓' : ''}${state.search ? ` · search: ${sanitize(state.search)}` : ''}`
			: state.tab === 'external'
				? `${externalKeys.length} of ${data.external.length} external keys${state.externalSearch ? ` · search: ${sanitize(state.externalSearch)}` : ''}`
				: state.tab === 'settings'
					? missing('Edit API Keys settings')
						? 'Changing settings needs the resource "Edit API Keys settings".'
						: 'Enter changes the settings.'
					: `${activity.length} of ${data.activity.length} entries${state.activitySearch ? ` · search: ${sanitize(state.activitySearch)}` : ''}`;
	return (
		<Box flexDirection="column" height={rows - 1} width={columns}>
			<TitleBar account={data ? data.account : null} operator={service.operator} path={service.path} columns={columns} />
			<TabBar tab={state.tab} />
			<Box height={bodyRows} flexDirection="column" overflowY="hidden">
				{store.error ? (
					<Box flexDirection="column" marginTop={1}>
						<Text color={theme.color('error')} bold>
							✗ {sanitize(store.error)}
						</Text>
						<Text color={theme.color('muted')}>The store is checked again every half second. q quits.</Text>
						<QuitOnQ onQuit={quit} />
					</Box>
				) : !data ? (
					<Text>Loading…</Text>
				) : state.dialog ? (
					<CompactProvider value={compact}>
						<Box justifyContent="center">{renderDialog(state.dialog)}</Box>
					</CompactProvider>
				) : state.tab === 'generated' ? (
					<GeneratedKeys
						data={data}
						keys={keys}
						now={now}
						search={state.search}
						searching={state.searching}
						selectedIndex={selectedIndex}
						width={columns}
						bodyHeight={bodyHeight}
					/>
				) : state.tab === 'external' ? (
					<ExternalKeys
						keys={externalKeys}
						revision={store.revision}
						total={data.external.length}
						search={state.externalSearch}
						searching={state.searching}
						selectedIndex={externalIndex}
						width={columns}
						bodyHeight={bodyHeight}
					/>
				) : state.tab === 'activity' ? (
					<Activity
						entries={activity}
						total={data.activity.length}
						search={state.activitySearch}
						searching={state.searching}
						selectedIndex={activityIndex}
						width={columns}
						bodyHeight={bodyHeight}
					/>
				) : (
					<SettingsView data={data} />
				)}
			</Box>
			<Text wrap="truncate-end">
				{state.flash ? (
					<Text color={theme.color(state.flash.tone === 'error' ? 'error' : 'success')} bold>
						{state.flash.tone === 'error' ? '✗' : '✓'} {sanitize(state.flash.text)}
						{counts ? ' · ' : ''}
					</Text>
				) : null}
				{counts}
			</Text>
			<Hints mode={mode} columns={columns} />
		</Box>
	);
}

// The lines around the body, as components of their own: a keystroke that changes none of their
// props (every one typed in a search) does not render them again.

const TitleBar = memo(function TitleBar({account, operator, path, columns}: {account: string | null; operator: string; path: string; columns: number}) {
	const theme = useTheme();
	return (
		<Text>
			<Text bold color={theme.color('accent')}>
				apikeys
			</Text>
			{truncate(` · account ${account === null ? '…' : sanitize(account)} · operator ${sanitize(operator)} · ${sanitize(path)}`, columns - 8)}
		</Text>
	);
});

const TabBar = memo(function TabBar({tab: current}: {tab: Tab}) {
	return (
		<Text>
			{TABS.map(tab => (
				<Text key={tab} inverse={tab === current} bold={tab === current}>
					{` ${TAB_TITLES[tab]} `}
				</Text>
			))}
		</Text>
	);
});

const Hints = memo(function Hints({mode, columns}: {mode: Mode; columns: number}) {
	const theme = useTheme();
	const hints = footerHints(mode)
		.map(h => `${h.keys} ${h.description}`)
		.join('  ');
	return <Text color={theme.color('muted')}>{truncate(hints, columns)}</Text>;
});

function QuitOnQ({onQuit}: {onQuit(): void}) {
	useInput(input => {
		if (input === 'q') onQuit();
	});
	return null;
}
