import {Box, Text} from 'ink';
import {useState, type ReactNode} from 'react';
import {Buttons, Checkbox} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {isCommand} from '../keymap.js';
import {useGap, useTheme} from '../theme.js';
import {useKeys} from '../hooks/use-keys.js';

export interface ConfirmProps {
	title: string;
	children: ReactNode;
	/** A warning shown in orange above the buttons. */
	warning?: string;
	/** When set, the action stays disabled until this box is ticked. */
	acknowledge?: string;
	action: string;
	destructive?: boolean;
	width: number;
	busy: boolean;
	error: string | null;
	onConfirm(): void;
	onCancel(): void;
}

/** A confirmation: focus starts on Cancel (or the acknowledgement box), never on the action. */
export function ConfirmDialog({title, children, warning, acknowledge, action, destructive, width, busy, error, onConfirm, onCancel}: ConfirmProps) {
	const theme = useTheme();
	const gap = useGap();
	const fields = acknowledge ? (['acknowledge', 'cancel', 'action'] as const) : (['cancel', 'action'] as const);
	const focus = useFocusRing<(typeof fields)[number]>(fields, acknowledge ? 'acknowledge' : 'cancel');
	const [ticked, setTicked] = useState(false);
	const enabled = !busy && (!acknowledge || ticked);

	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (isCommand('dialog.next', input, key)) return focus.next();
			if (isCommand('dialog.previous', input, key)) return focus.previous();
			if (focus.field === 'acknowledge' && (input === ' ' || key.return)) return setTicked(t => !t);
			if (key.return && focus.field === 'cancel') return onCancel();
			if (key.return && focus.field === 'action' && enabled) return onConfirm();
		},
		{isActive: !busy},
	);

	return (
		<DialogFrame title={title} width={width} error={error}>
			{children}
			{warning ? (
				<Box marginTop={gap}>
					<Text color={theme.color('orange')}>⚠ {warning}</Text>
				</Box>
			) : null}
			{acknowledge ? (
				<Box marginTop={gap}>
					<Checkbox label={acknowledge} checked={ticked} focused={focus.field === 'acknowledge'} />
				</Box>
			) : null}
			<Buttons
				buttons={[{label: 'Cancel'}, {label: busy ? `${action}…` : action, destructive, disabled: !enabled}]}
				focused={focus.field === 'cancel' ? 0 : focus.field === 'action' ? 1 : null}
			/>
		</DialogFrame>
	);
}
