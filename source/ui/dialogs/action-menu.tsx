import {Box, Text} from 'ink';
import {useState} from 'react';
import type {KeyResource} from '../../core/types.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {isCommand} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {useGap, useTheme} from '../theme.js';
import {useKeys} from '../hooks/use-keys.js';

export type MenuAction = 'edit' | 'deactivate' | 'activate' | 'renew' | 'revoke-link' | 'delete-old-token' | 'undo-renewal' | 'delete-key' | 'external-edit' | 'external-remove';

export interface MenuItem {
	action: MenuAction;
	label: string;
	/** The resource the operator lacks for this action, if any: shown dimmed, refused when chosen. */
	missing: KeyResource | null;
	/** Why the key's state refuses this action now, if it does: shown dimmed with `reason`, refused with `message` when chosen. */
	blocked?: {reason: string; message: string} | null;
}

/** The kebab menu's entries for a key: what applies to its state, in the seed's order. */
export function menuItems(
	key: {active: boolean; pending: boolean; unusedLink?: boolean; renewalBlocked: {reason: string; message: string} | null},
	missing: (resource: KeyResource) => KeyResource | null,
): MenuItem[] {
	const item = (action: MenuAction, label: string, resource: KeyResource): MenuItem => ({action, label, missing: missing(resource)});
	return [
		item('edit', 'Edit', 'Edit API Keys'),
		key.active ? item('deactivate', 'Deactivate', 'Edit API Keys') : item('activate', 'Activate', 'Edit API Keys'),
		{...item('renew', 'Renew Token', 'Renew API token'), blocked: key.renewalBlocked},
		...(key.pending
			? [item('delete-old-token', 'Delete Old Token', 'Renew API token'), item('undo-renewal', 'Undo Renewal', 'Renew API token')]
			: []),
		...(key.unusedLink ? [item('revoke-link', 'Revoke Link', 'Renew API token')] : []),
		item('delete-key', 'Delete Key', 'Edit API Keys'),
	];
}

/** The menu of an external key: its roles can be edited, or it can be removed. */
export function externalMenuItems(missing: (resource: KeyResource) => KeyResource | null): MenuItem[] {
	return [
		{action: 'external-edit', label: 'Edit roles', missing: missing('Edit API Keys')},
		{action: 'external-remove', label: 'Remove', missing: missing('Edit API Keys')},
	];
}

export interface ActionMenuProps {
	appKey: string;
	name: string;
	items: readonly MenuItem[];
	width: number;
	busy: boolean;
	error: string | null;
	onChoose(item: MenuItem): void;
	onCancel(): void;
}

const DESTRUCTIVE: ReadonlySet<MenuAction> = new Set(['delete-key', 'deactivate', 'revoke-link', 'delete-old-token', 'external-remove']);

/**
 * The row's action menu (⋮): ↑/↓ or k/j move (round the ends), Home/g and End/G go to them, 1–9 and Enter choose; forbidden
 * actions are dimmed with the missing resource, refused ones with the reason. ink-select-input's list, on the app's input hook.
 */
export function ActionMenu({appKey, name, items, width, busy, error, onChoose, onCancel}: ActionMenuProps) {
	const theme = useTheme();
	const gap = useGap();
	const [cursor, setCursor] = useState(0);
	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (items.length === 0) return;
			if (isCommand('nav.up', input, key)) return setCursor((cursor - 1 + items.length) % items.length);
			if (isCommand('nav.down', input, key)) return setCursor((cursor + 1) % items.length);
			if (isCommand('nav.home', input, key)) return setCursor(0);
			if (isCommand('nav.end', input, key)) return setCursor(items.length - 1);
			const chosen = /^[1-9]$/.test(input) ? items[Number(input) - 1] : key.return ? items[cursor] : undefined;
			if (chosen) onChoose(chosen);
		},
		{isActive: !busy},
	);
	return (
		<DialogFrame title={`⋮ ${appKey}`} width={width} error={error}>
			<Text color={theme.color('muted')}>{sanitize(name)}</Text>
			<Box marginTop={gap} flexDirection="column">
				{items.map((item, i) => {
					const selected = i === cursor;
					return (
						<Box key={item.action}>
							<Text>{selected ? '› ' : '  '}</Text>
							{item.missing || item.blocked ? (
								<Text dimColor inverse={selected}>
									{item.label} — {item.missing ? `needs ${item.missing}` : item.blocked!.reason}
								</Text>
							) : (
								<Text inverse={selected} bold={selected} color={selected ? undefined : DESTRUCTIVE.has(item.action) ? theme.color('red') : undefined}>
									{item.label}
								</Text>
							)}
						</Box>
					);
				})}
			</Box>
		</DialogFrame>
	);
}
