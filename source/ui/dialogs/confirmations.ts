import {ACTIVATE_WARNING} from '../../core/keys.js';
import type {GeneratedKey} from '../../core/types.js';
import type {ApiKeysService} from '../../service.js';
import type {ShownState} from '../hooks/use-expected.js';
import type {Dialog} from '../state.js';

export const CONFIRM_KINDS = ['deactivate', 'activate', 'delete-old-token', 'undo-renewal', 'revoke-link', 'delete-key', 'external-remove'] as const;
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
	/** `shown`: the key as the dialog showed it, which the service checks is still so. */
	call(service: ApiKeysService, dialog: ConfirmDialogOf<K>, shown: ShownState): Promise<unknown>;
	/** The line in the footer once the call succeeded. */
	success(dialog: ConfirmDialogOf<K>): string;
	/**
	 * What the key is when what it asks for already holds ("is inactive"), else null: a conflict
	 * that leaves the key so closes the dialog, nothing left to do, instead of offering to go ahead
	 * anyway. Only for a status: "no old token" may mean it was deleted or made current again.
	 */
	settled?(key: GeneratedKey): string | null;
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
		call: (service, d, shown) => service.deactivate(d.appKey, shown.key),
		success: d => `Deactivated ${d.appKey}.`,
		settled: key => (key.active ? null : 'is inactive'),
	},
	activate: {
		title: () => 'Activate key',
		body: (_, shown) => `Activate ${shown.key} (${shown.name})?`,
		action: 'Activate',
		warning: ACTIVATE_WARNING,
		call: (service, d, shown) => service.activate(d.appKey, shown.key),
		success: d => `Activated ${d.appKey}.`,
		settled: key => (key.active ? 'is active' : null),
	},
	'delete-old-token': {
		title: () => 'Delete old token',
		body: (_, shown) => `Delete the old token of ${shown.key} (${shown.name})? Only the new token will be valid.`,
		action: 'Delete',
		destructive: true,
		warning: 'Make sure no integration still uses the old token. This cannot be undone.',
		call: (service, d, shown) => service.deleteOldToken(d.appKey, shown.key),
		success: d => `Deleted the old token of ${d.appKey}.`,
	},
	'undo-renewal': {
		title: () => 'Undo renewal',
		body: (_, shown) => `Undo the renewal of ${shown.key} (${shown.name})? The new token and its link are destroyed and the old token is current again.`,
		action: 'Undo',
		call: (service, d, shown) => service.undoRenewal(d.appKey, shown.key),
		success: d => `Undid the renewal of ${d.appKey}; the old token is current again.`,
	},
	'revoke-link': {
		title: () => 'Revoke link',
		body: (d, shown) =>
			d.renewal
				? `Revoke the unused link of ${shown.key} (${shown.name})? The new token it holds is destroyed and the old token is current again.`
				: `Revoke the unused link of ${shown.key} (${shown.name})? The token it holds is destroyed: the key has no usable token until it is renewed.`,
		action: 'Revoke',
		destructive: true,
		call: (service, d, shown) => service.revokeLink(d.appKey, shown.key),
		success: d => `Revoked the link of ${d.appKey}.`,
	},
	'delete-key': {
		title: () => 'Delete key',
		body: (_, shown) => `Delete ${shown.key} (${shown.name}) with its tokens and links?`,
		action: 'Delete',
		destructive: true,
		acknowledge: 'I understand that this action cannot be undone',
		warning: 'Make sure no integration uses this key any more.',
		call: (service, d, shown) => service.deleteKey(d.appKey, shown.key),
		success: d => `Deleted ${d.appKey}.`,
	},
	'external-remove': {
		title: () => 'Remove external key',
		body: (_, shown) => `Remove ${shown.key}? Account ${shown.owner} loses the roles it had in this account.`,
		action: 'Remove',
		destructive: true,
		call: (service, d, shown) => service.removeExternal(d.externalKey, shown.external),
		success: d => `Removed ${d.externalKey}.`,
	},
};

export const isConfirmation = (dialog: Dialog): dialog is ConfirmDialogOf<ConfirmKind> => (CONFIRM_KINDS as readonly string[]).includes(dialog.kind);
