import {Text, useStdout} from 'ink';
import {join} from 'node:path';
import {useMemo, useState} from 'react';
import {externalKeyProblem, ownerOf} from '../core/external.js';
import {renewalBlocker} from '../core/keys.js';
import {openLinkFor} from '../core/links.js';
import type {KeyResource, StoreSnapshot} from '../core/types.js';
import {defaultExportName} from '../export/write-export.js';
import type {ApiKeysService} from '../service.js';
import {clipboardSend, readTmuxClipboard, type ClipboardSend} from './clipboard.js';
import {Buttons} from './components/buttons.js';
import {DialogFrame} from './components/dialog-frame.js';
import {ActionMenu, externalMenuItems, menuItems, type MenuItem} from './dialogs/action-menu.js';
import {AddExternalDialog} from './dialogs/add-external.js';
import {ConfirmDialog} from './dialogs/confirm.js';
import {CONFIRMATIONS, isConfirmation, type ConfirmDialogOf, type ConfirmKind, type Confirmation} from './dialogs/confirmations.js';
import {EditDialog} from './dialogs/edit.js';
import {ExportDialog, type ExportProgress} from './dialogs/export.js';
import {GenerateDialog} from './dialogs/generate.js';
import {OpenLinkDialog} from './dialogs/open-link.js';
import {RenewDialog} from './dialogs/renew.js';
import {RevealDialog} from './dialogs/reveal.js';
import {SettingsDialog} from './dialogs/settings.js';
import wrap from './ink/wrap-ansi.js';
import {sanitize} from '../text/sanitize.js';
import {HelpOverlay} from './screens/help.js';
import {useExpected} from './hooks/use-expected.js';
import type {Mode} from './keymap.js';
import type {Action, AppState, Dialog} from './state.js';

/** What the dialogs do to the app: open another dialog, close with a footer line, run a service call. */
export interface DialogActions {
	dispatch(action: Action): void;
	open(dialog: Dialog): void;
	close(success?: string): void;
	/** Runs a service call with the dialog busy; a failure is shown inside the dialog. */
	perform(work: () => Promise<void>): Promise<void>;
	missing(resource: KeyResource): KeyResource | null;
}

export interface DialogRouterProps {
	dialog: Dialog;
	state: AppState;
	service: ApiKeysService;
	data: StoreSnapshot;
	pickerRoles: readonly string[];
	now: number;
	width: number;
	/** The terminal's rows: the help overlay and the role lists size themselves to it. */
	rows: number;
	compact: boolean;
	actions: DialogActions;
}

/** The key or external key a dialog is about, and whether it has since been deleted elsewhere. */
export function dialogSubject(dialog: Dialog | null, data: StoreSnapshot | null) {
	const appKey = dialog && 'appKey' in dialog ? dialog.appKey : null;
	const externalKey = dialog && 'externalKey' in dialog ? dialog.externalKey : null;
	const key = appKey && data ? data.keys.find(k => k.appKey === appKey) : undefined;
	const external = externalKey && data ? data.external.find(k => k.appKey === externalKey) : undefined;
	const vanished = Boolean(data && ((appKey && !key) || (externalKey && !external)));
	return {appKey, externalKey, key, external, vanished};
}

/** The footer a dialog shows: Space is offered only where there is a box or a choice to toggle. */
export function dialogMode(dialog: Dialog): Mode {
	switch (dialog.kind) {
		case 'help':
			return 'help';
		case 'reveal':
			return 'reveal';
		case 'menu':
		case 'external-menu':
			return 'menu';
		case 'generate':
		case 'edit':
		case 'renew':
		case 'settings':
		case 'external-add':
		case 'external-edit':
			return 'form';
		case 'open-link':
		case 'export':
			return 'dialog';
		case 'deactivate':
		case 'activate':
		case 'delete-old-token':
		case 'undo-renewal':
		case 'revoke-link':
		case 'delete-key':
		case 'external-remove':
			return CONFIRMATIONS[dialog.kind].acknowledge ? 'form' : 'dialog';
		default:
			return unknownDialog(dialog);
	}
}

/** A dialog kind dialogMode does not place fails to compile here. */
const unknownDialog = (dialog: never): Mode => {
	throw new Error(`no footer for the dialog ${(dialog as Dialog).kind}`);
};

/** How many rows a dialog's text takes at `columns`, wrapped as Ink wraps it. */
const wrappedRows = (text: string, columns: number) => wrap(text, Math.max(1, columns), {trim: false, hard: true}).split('\n').length;

/** Every dialog of the app, by kind: one switch, so what a kind opens and calls is read in one place. */
export function DialogRouter({dialog, state, service, data, pickerRoles, now, width, rows, compact, actions}: DialogRouterProps) {
	const {stdout} = useStdout();
	const [copied, setCopied] = useState<ClipboardSend | null>(null);
	const [exportProgress, setExportProgress] = useState<ExportProgress | null>(null);
	const [exportWritten, setExportWritten] = useState<string[] | null>(null);
	const {open, perform, missing} = actions;
	const close = (success?: string) => {
		setCopied(null);
		setExportProgress(null);
		setExportWritten(null);
		actions.close(success);
	};
	const cancel = () => close();
	const common = {width, busy: state.busy, error: state.dialogError};
	// Room for an error of two rows is kept; a longer one (a conflict's at 60 columns) takes it from the list.
	const errorRows = state.dialogError ? wrappedRows(`✗ ${sanitize(state.dialogError)}`, width - 4) : 0;
	const listHeight = Math.max(errorRows > 2 ? 1 : 3, Math.min(10, rows - (compact ? 17 : 24) - Math.max(0, errorRows - 2)));
	const subject = dialogSubject(dialog, data);
	const {shown: expected, guard} = useExpected(dialog, data);
	// Stable while the dialog's basis is: the Edit dialog re-bases the person's choices when it moves.
	const externalBasis = useMemo(() => ({roles: expected.external?.shown.roles ?? []}), [expected.external]);
	// The key as text for the dialogs' sentences (an older store may hold any bytes in it).
	const text = {key: sanitize(subject.appKey ?? subject.externalKey ?? ''), name: sanitize(subject.key?.name ?? ''), owner: sanitize(ownerOf(subject.externalKey ?? '') ?? '?')};

	if (subject.vanished) {
		// One button and one way out: Enter or Esc (read by the app's keys, hooks/use-app-keys.ts) closes it.
		return (
			<DialogFrame title="Key no longer exists" width={width}>
				<Text>{text.key} was deleted by another operator while this dialog was open. Nothing was changed.</Text>
				<Buttons buttons={[{label: 'Close'}]} focused={0} />
			</DialogFrame>
		);
	}

	if (isConfirmation(dialog)) {
		// One table entry per kind; the cast pairs the entry with its own kind of dialog.
		const confirmation = CONFIRMATIONS[dialog.kind] as Confirmation<ConfirmKind>;
		const confirmed = dialog as ConfirmDialogOf<ConfirmKind>;
		const next = confirmation.next?.(confirmed);
		return (
			<ConfirmDialog
				key={`${dialog.kind}-${'step' in dialog ? dialog.step : 1}`}
				title={confirmation.title(confirmed)}
				action={confirmation.action}
				destructive={confirmation.destructive}
				warning={confirmation.warning}
				acknowledge={confirmation.acknowledge}
				{...common}
				onCancel={cancel}
				onConfirm={() =>
					next
						? open(next)
						: perform(() =>
								guard(
									'externalKey' in dialog ? 'external' : 'key',
									`Press ${confirmation.action} again to go ahead anyway.`,
									async () => {
										await confirmation.call(service, confirmed, expected);
										close(confirmation.success(confirmed));
									},
									confirmation.settled && {state: confirmation.settled, done: close},
								),
							)
				}
			>
				<Text>{confirmation.body(confirmed, text)}</Text>
			</ConfirmDialog>
		);
	}

	const chooseMenuItem = (item: MenuItem, appKey: string) => {
		if (item.missing) return actions.dispatch({type: 'failed', message: `${item.label} needs the resource "${item.missing}"`});
		if (item.blocked) return actions.dispatch({type: 'failed', message: item.blocked.message});
		switch (item.action) {
			case 'external-edit':
			case 'external-remove':
				return open({kind: item.action, externalKey: appKey});
			case 'deactivate':
				return open({kind: 'deactivate', appKey, step: 1});
			case 'revoke-link':
				return open({kind: 'revoke-link', appKey, renewal: Boolean(subject.key?.oldToken)});
			default:
				return open({kind: item.action, appKey});
		}
	};

	const finishReveal = (dialog: Extract<Dialog, {kind: 'reveal'}>) => {
		if (dialog.purpose === 'generate') return close(`Generated ${dialog.appKey}.`);
		if (dialog.purpose === 'redeem') return close(`The link for ${dialog.appKey} is used up.`);
		if (dialog.deleteOld === 'now') return close(`Renewed ${dialog.appKey}: the old token was deleted.`);
		if (dialog.deleteOld === 'none') return close(`Renewed ${dialog.appKey}: it had no usable token, so only the new one is valid.`);
		return close(`Renewed ${dialog.appKey}: both tokens are valid until you delete the old one.`);
	};

	switch (dialog.kind) {
		case 'help':
			// The whole body: the rows less the title, tabs, status and footer lines and the one Ink keeps free.
			return <HelpOverlay width={width} height={rows - 5} onClose={cancel} />;
		case 'menu':
			return (
				<ActionMenu
					appKey={dialog.appKey}
					name={subject.key?.name ?? ''}
					items={menuItems(
						{
							active: subject.key?.active ?? true,
							pending: Boolean(subject.key?.oldToken),
							unusedLink: Boolean(subject.key && openLinkFor(data, subject.key.appKey, now)),
							renewalBlocked: subject.key ? renewalBlocker(data, subject.key, now) : null,
						},
						missing,
					)}
					{...common}
					onChoose={item => chooseMenuItem(item, dialog.appKey)}
					onCancel={cancel}
				/>
			);
		case 'renew':
			return (
				<RenewDialog
					appKey={dialog.appKey}
					name={subject.key?.name ?? ''}
					{...common}
					onCancel={cancel}
					onRenew={deleteOld =>
						perform(() =>
							guard('key', 'Choose Renew again to go ahead anyway.', async () => {
								const {row, reveal} = await service.renew(dialog.appKey, deleteOld, expected.key);
								// A key whose token was revoked had none to keep: Later kept nothing.
								const kept = deleteOld === 'later' && !row.oldToken ? 'none' : deleteOld;
								open({kind: 'reveal', appKey: dialog.appKey, name: row.name, reveal, purpose: 'renew', deleteOld: kept});
							}),
						)
					}
				/>
			);
		case 'generate':
			return (
				<GenerateDialog
					roles={pickerRoles}
					listHeight={listHeight}
					{...common}
					onCancel={cancel}
					onSubmit={input =>
						perform(async () => {
							const {row, reveal} = await service.generate(input);
							actions.dispatch({type: 'select', appKey: row.appKey, index: 0});
							open({kind: 'reveal', appKey: row.appKey, name: row.name, reveal, purpose: 'generate'});
						})
					}
				/>
			);
		case 'edit':
			return (
				<EditDialog
					appKey={dialog.appKey}
					name={subject.key?.name ?? ''}
					roles={pickerRoles}
					current={expected.key?.shown ?? {roles: [], active: true}}
					listHeight={listHeight}
					{...common}
					onCancel={cancel}
					onSave={input =>
						perform(() =>
							guard('key', 'Shown as it is now, your changes on top: Save again to apply them.', async () => {
								const {changed} = await service.edit(dialog.appKey, input, expected.key);
								close(changed ? `Saved ${dialog.appKey}.` : `Nothing changed for ${dialog.appKey}.`);
							}),
						)
					}
				/>
			);
		case 'external-menu':
			return (
				<ActionMenu
					appKey={dialog.externalKey}
					name={`owner ${ownerOf(dialog.externalKey) ?? '?'}`}
					items={externalMenuItems(missing)}
					{...common}
					onChoose={item => chooseMenuItem(item, dialog.externalKey)}
					onCancel={cancel}
				/>
			);
		case 'external-add':
			return (
				<AddExternalDialog
					roles={pickerRoles}
					problem={appKey => externalKeyProblem(data, appKey)}
					listHeight={listHeight}
					{...common}
					onCancel={cancel}
					onAdd={input =>
						perform(async () => {
							const added = await service.addExternal(input);
							actions.dispatch({type: 'select.external', appKey: added.appKey, index: 0});
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
					current={externalBasis}
					listHeight={listHeight}
					{...common}
					onCancel={cancel}
					onSave={input =>
						perform(() =>
							guard('external', 'Shown as it is now, your changes on top: Save again to apply them.', async () => {
								await service.editExternal(dialog.externalKey, input.roles, expected.external);
								close(`Saved ${dialog.externalKey}.`);
							}),
						)
					}
				/>
			);
		case 'settings':
			return (
				<SettingsDialog
					current={expected.settings?.shown ?? data.settings}
					{...common}
					onCancel={cancel}
					onApply={settings =>
						perform(() =>
							guard('settings', 'Shown as they are now, your changes on top: Apply again to apply them.', async () => {
								await service.updateSettings(settings, expected.settings);
								close('Settings applied.');
							}),
						)
					}
				/>
			);
		case 'export':
			return (
				<ExportDialog
					defaultFile={join(process.cwd(), defaultExportName(data.account, 'xlsx', now))}
					progress={exportProgress}
					written={exportWritten}
					{...common}
					onClose={cancel}
					onExport={file =>
						perform(async () => {
							const {files} = await service.writeExport({file}, progress => setExportProgress(progress));
							setExportWritten(files);
							open({kind: 'export'});
						})
					}
				/>
			);
		case 'open-link':
			return (
				<OpenLinkDialog
					{...common}
					onCancel={cancel}
					onOpen={link =>
						perform(async () => {
							const {appKey, token} = await service.redeem(link, 'the interface');
							const name = data.keys.find(k => k.appKey === appKey)?.name ?? '';
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
					deleteOld={dialog.deleteOld}
					copied={copied}
					{...common}
					onCopy={text =>
						void readTmuxClipboard().then(tmux => {
							const send = clipboardSend(text, tmux);
							if (send.sequence) stdout.write(send.sequence);
							setCopied(send);
						})
					}
					onDone={() => finishReveal(dialog)}
				/>
			);
	}
}
