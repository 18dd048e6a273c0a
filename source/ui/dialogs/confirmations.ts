import {ACTIVATE_WARNING} from '../../core/keys.js';
import type {ApiKeysService} from '../../service.js';
import type {Dialog} from '../state.js';

export const CONFIRM_KINDS = ['deactivate', 'activate', 'delete-old-token', 'undo-renewal', 'delete-key', 'external-remove'] as const;
export type ConfirmKind = (typeof CONFIRM_KINDS)[number];
export type ConfirmDialogOf<K extends ConfirmKind> = Extract<Dialog, {kind: K}>;

/** The texts a confirmation shows about its key, every one already sanitized. */
export interface Shown {
	key: string;
	name: string;
	owner: string;
}

export interface Confirmation<K extends ConfirmKind> {
	title(dialog: ConfirmDialogOf<K>): string;
	body(dialog: ConfirmDialogOf<K>, shown: Shown): string;
	/** The button that acts. */
	action: string;
	/** Focus starts on Cancel and the action is drawn as dangerous. */
	destructive?: boolean;
	warning?: string;
	/** The action stays disabled until this box is ticked. */
	acknowledge?: string;
	/** A confirmation that asks again opens its next step instead of acting. */
	next?(dialog: ConfirmDialogOf<K>): Dialog | undefined;
	call(service: ApiKeysService, dialog: ConfirmDialogOf<K>): Promise<unknown>;
	/** The line in the footer once the call succeeded. */
	success(dialog: ConfirmDialogOf<K>): string;
}

/** The confirmations of the action menus: each asks once (deactivate twice), then makes one service call. */
export const CONFIRMATIONS: {[K in ConfirmKind]: Confirmation<K>} = {
	deactivate: {
		title: d => (d.step === 1 ? 'Deactivate key' : 'Deactivate key — confirm again'),
		body: (d, shown) =>
			d.step === 1
				? `Deactivate ${shown.key} (${shown.name})? Every integration using it stops working.`
				: `Are you sure? ${shown.key} will fail every verification until it is activated again. Press Deactivate again to confirm.`,
		action: 'Deactivate',
		destructive: true,
		next: d => (d.step === 1 ? {...d, step: 2} : undefined),
		call: (service, d) => service.deactivate(d.appKey),
		success: d => `Deactivated ${d.appKey}.`,
	},
	activate: {
		title: () => 'Activate key',
		body: (_, shown) => `Activate ${shown.key} (${shown.name})?`,
		action: 'Activate',
		warning: ACTIVATE_WARNING,
		call: (service, d) => service.activate(d.appKey),
		success: d => `Activated ${d.appKey}.`,
	},
	'delete-old-token': {
		title: () => 'Delete old token',
		body: (_, shown) => `Delete the old token of ${shown.key} (${shown.name})? Only the new token will be valid.`,
		action: 'Delete',
		destructive: true,
		warning: 'Make sure no integration still uses the old token. This cannot be undone.',
		call: (service, d) => service.deleteOldToken(d.appKey),
		success: d => `Deleted the old token of ${d.appKey}.`,
	},
	'undo-renewal': {
		title: () => 'Undo renewal',
		body: (_, shown) => `Undo the renewal of ${shown.key} (${shown.name})? The new token and its link are destroyed and the old token is current again.`,
		action: 'Undo',
		call: (service, d) => service.undoRenewal(d.appKey),
		success: d => `Undid the renewal of ${d.appKey}; the old token is current again.`,
	},
	'delete-key': {
		title: () => 'Delete key',
		body: (_, shown) => `Delete ${shown.key} (${shown.name}) with its tokens and links?`,
		action: 'Delete',
		destructive: true,
		acknowledge: 'I understand that this action cannot be undone',
		warning: 'Make sure no integration uses this key any more.',
		call: (service, d) => service.deleteKey(d.appKey),
		success: d => `Deleted ${d.appKey}.`,
	},
	'external-remove': {
		title: () => 'Remove external key',
		body: (_, shown) => `Remove ${shown.key}? Account ${shown.owner} loses the roles it had in this account.`,
		action: 'Remove',
		destructive: true,
		call: (service, d) => service.removeExternal(d.externalKey),
		success: d => `Removed ${d.externalKey}.`,
	},
};

export const isConfirmation = (dialog: Dialog): dialog is ConfirmDialogOf<ConfirmKind> => (CONFIRM_KINDS as readonly string[]).includes(dialog.kind);
