import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import type {KeyResource} from '../../core/types.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {isCommand} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {useGap, useTheme} from '../theme.js';

export type MenuAction = 'edit' | 'deactivate' | 'activate' | 'renew' | 'delete-old-token' | 'undo-renewal' | 'delete-key' | 'external-edit' | 'external-remove';

export interface MenuItem {
	action: MenuAction;
	label: string;
	/** The resource the operator lacks for this action, if any: shown dimmed, refused when chosen. */
	missing: KeyResource | null;
}

/** The kebab menu's entries for a key: what applies to its state, in the seed's order. */
export function menuItems(key: {active: boolean; pending: boolean}, missing: (resource: KeyResource) => KeyResource | null): MenuItem[] {
	const item = (action: MenuAction, label: string, resource: KeyResource): MenuItem => ({action, label, missing: missing(resource)});
	return [
		item('edit', 'Edit', 'Edit API Keys'),
		key.active ? item('deactivate', 'Deactivate', 'Edit API Keys') : item('activate', 'Activate', 'Edit API Keys'),
		item('renew', 'Renew Token', 'Renew API token'),
		...(key.pending
			? [item('delete-old-token', 'Delete Old Token', 'Renew API token'), item('undo-renewal', 'Undo Renewal', 'Renew API token')]
			: []),
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

/** The row's action menu (⋮), on ink-select-input; forbidden actions are dimmed with the missing resource. */
export function ActionMenu({appKey, name, items, width, busy, error, onChoose, onCancel}: ActionMenuProps) {
	const theme = useTheme();
	const gap = useGap();
	const byLabel = new Map(items.map(item => [item.label, item]));
	useInput((input, key) => {
		if (isCommand('dialog.cancel', input, key)) onCancel();
	}, {isActive: !busy});
	return (
		<DialogFrame title={`⋮ ${appKey}`} width={width} error={error}>
			<Text color={theme.color('muted')}>{sanitize(name)}</Text>
			<Box marginTop={gap}>
				<SelectInput
					isFocused={!busy}
					items={items.map(item => ({label: item.label, value: item.action, key: item.action}))}
					onSelect={choice => onChoose(byLabel.get(choice.label)!)}
					indicatorComponent={({isSelected}) => <Text>{isSelected ? '› ' : '  '}</Text>}
					itemComponent={({isSelected, label}) => {
						const item = byLabel.get(label);
						const destructive = item?.action === 'delete-key' || item?.action === 'deactivate' || item?.action === 'delete-old-token' || item?.action === 'external-remove';
						if (item?.missing) {
							return (
								<Text dimColor inverse={isSelected}>
									{label} — needs {item.missing}
								</Text>
							);
						}
						return (
							<Text inverse={isSelected} bold={isSelected} color={isSelected ? undefined : destructive ? theme.color('red') : undefined}>
								{label}
							</Text>
						);
					}}
				/>
			</Box>
		</DialogFrame>
	);
}
