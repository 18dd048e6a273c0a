import {Box, Text} from 'ink';
import {useState} from 'react';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {MultiSelect, multiSelectReducer, type MultiSelectState} from '../components/multi-select.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {isCommand} from '../keymap.js';
import {useGap, useTheme} from '../theme.js';
import {TextField} from '../components/text-field.js';
import {useKeys} from '../hooks/use-keys.js';

const FIELDS = ['appKey', 'roles', 'cancel', 'add'] as const;

export interface AddExternalProps {
	roles: readonly string[];
	/** Why an appKey cannot be added, or null (validated as it is typed). */
	problem(appKey: string): string | null;
	width: number;
	listHeight: number;
	busy: boolean;
	error: string | null;
	onAdd(input: {appKey: string; roles: string[]}): void;
	onCancel(): void;
}

/** Add Key: another account's appKey, with roles (none preselected). */
export function AddExternalDialog({roles, problem, width, listHeight, busy, error, onAdd, onCancel}: AddExternalProps) {
	const theme = useTheme();
	const gap = useGap();
	const [appKey, setAppKey] = useState('');
	const [pick, setPick] = useState<MultiSelectState>({cursor: 0, selected: new Set()});
	const focus = useFocusRing(FIELDS, 'appKey');
	const issue = problem(appKey);
	const add = () => {
		if (issue) return focus.focus('appKey');
		onAdd({appKey: appKey.trim(), roles: roles.filter(r => pick.selected.has(r))});
	};
	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (key.tab) return key.shift ? focus.previous() : focus.next();
			if (focus.field === 'appKey') {
				if (key.downArrow || key.return) focus.next();
				return;
			}
			if (focus.field === 'roles') {
				if (key.upArrow) return pick.cursor === 0 ? focus.previous() : setPick(s => multiSelectReducer(s, roles, 'up'));
				if (key.downArrow) return pick.cursor >= roles.length - 1 ? focus.next() : setPick(s => multiSelectReducer(s, roles, 'down'));
				if (input === ' ') return setPick(s => multiSelectReducer(s, roles, 'toggle'));
				if (key.return) return add();
				return;
			}
			if (key.leftArrow || key.upArrow) return focus.previous();
			if (key.rightArrow || key.downArrow) return focus.next();
			if (key.return) return focus.field === 'cancel' ? onCancel() : add();
		},
		{isActive: !busy},
	);
	return (
		<DialogFrame title="Add external key" width={width} error={error}>
			<Text bold={focus.field === 'appKey'}>AppKey of another account</Text>
			<Box>
				<Text color={theme.color('accent')}>› </Text>
				<TextField value={appKey} onChange={setAppKey} focus={focus.field === 'appKey' && !busy} placeholder="vtexappkey-partner-ABCDEF" />
			</Box>
			<Text color={issue && appKey ? theme.color('error') : theme.color('muted')}>{issue && appKey ? `✗ ${issue}` : 'The owner is read from the appKey.'}</Text>
			<Box marginTop={gap} flexDirection="column">
				<MultiSelect label="Roles" options={roles.map(value => ({value}))} state={pick} focused={focus.field === 'roles'} height={listHeight} width={width - 4} />
			</Box>
			<Buttons
				buttons={[{label: 'Cancel'}, {label: busy ? 'Adding…' : 'Add', disabled: Boolean(issue) || busy}]}
				focused={focus.field === 'cancel' ? 0 : focus.field === 'add' ? 1 : null}
			/>
		</DialogFrame>
	);
}
