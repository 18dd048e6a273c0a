import {Box, Text} from 'ink';
import {useState} from 'react';
import {NAME_MAX, keyNameProblem} from '../../core/names.js';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {MultiSelect, multiSelectReducer, type MultiSelectState} from '../components/multi-select.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {isCommand} from '../keymap.js';
import {useCompact, useGap, useTheme} from '../theme.js';
import {TextField} from '../components/text-field.js';
import {useKeys} from '../hooks/use-keys.js';

const FIELDS = ['name', 'roles', 'cancel', 'generate'] as const;

export interface GenerateProps {
	roles: readonly string[];
	width: number;
	listHeight: number;
	busy: boolean;
	error: string | null;
	onSubmit(input: {name: string; roles: string[]}): void;
	onCancel(): void;
}

/** Generate key: the required name, validated as it is typed; roles with none preselected. */
export function GenerateDialog({roles, width, listHeight, busy, error, onSubmit, onCancel}: GenerateProps) {
	const theme = useTheme();
	const gap = useGap();
	const compact = useCompact();
	const [name, setName] = useState('');
	const [touched, setTouched] = useState(false);
	const [pick, setPick] = useState<MultiSelectState>({cursor: 0, selected: new Set()});
	const focus = useFocusRing(FIELDS, 'name');
	const problem = keyNameProblem(name);
	const submit = () => {
		setTouched(true);
		if (problem) return focus.focus('name');
		onSubmit({name, roles: roles.filter(r => pick.selected.has(r))});
	};

	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (key.tab) return key.shift ? focus.previous() : focus.next();
			switch (focus.field) {
				case 'name':
					// Letters belong to the text field; only movement keys are ours here.
					if (key.downArrow || key.return) focus.next();
					if (key.upArrow) focus.previous();
					return;
				case 'roles':
					if (key.upArrow) return pick.cursor === 0 ? focus.previous() : setPick(s => multiSelectReducer(s, roles, 'up'));
					if (key.downArrow) return pick.cursor >= roles.length - 1 ? focus.next() : setPick(s => multiSelectReducer(s, roles, 'down'));
					if (input === ' ') return setPick(s => multiSelectReducer(s, roles, 'toggle'));
					if (key.return) return submit();
					return;
				default:
					if (key.leftArrow || key.upArrow) return focus.previous();
					if (key.rightArrow || key.downArrow) return focus.next();
					if (key.return) return focus.field === 'cancel' ? onCancel() : submit();
			}
		},
		{isActive: !busy},
	);

	const showProblem = problem && (touched || name.length > 0);
	return (
		<DialogFrame title="Generate key" width={width} error={error}>
			<Text bold={focus.field === 'name'}>Key identification (required)</Text>
			<Box
				borderStyle={compact ? undefined : 'single'}
				borderColor={focus.field === 'name' ? theme.color('accent') : theme.color('muted')}
				paddingX={compact ? 0 : 1}
			>
				{compact ? <Text color={theme.color('accent')}>› </Text> : null}
				<TextField
					value={name}
					onChange={value => {
						setTouched(true);
						setName(value);
					}}
					focus={focus.field === 'name' && !busy}
					placeholder="e.g. ERP integration"
				/>
			</Box>
			<Text color={showProblem ? theme.color('error') : theme.color('muted')}>
				{showProblem ? `✗ ${problem}` : `${[...name.trim()].length}/${NAME_MAX} characters`}
			</Text>
			<Box marginTop={gap} flexDirection="column">
				<MultiSelect
					label="Roles"
					options={roles.map(value => ({value}))}
					state={pick}
					focused={focus.field === 'roles'}
					height={listHeight}
					width={width - 4}
				/>
				{compact ? null : (
					<Text color={theme.color('orange')}>Select only the roles the integration needs: broad roles make a leaked token worse.</Text>
				)}
			</Box>
			<Buttons
				buttons={[{label: 'Cancel'}, {label: busy ? 'Generating…' : 'Generate', disabled: Boolean(problem) || busy}]}
				focused={focus.field === 'cancel' ? 0 : focus.field === 'generate' ? 1 : null}
			/>
		</DialogFrame>
	);
}
