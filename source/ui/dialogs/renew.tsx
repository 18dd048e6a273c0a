import {Box, Text} from 'ink';
import {useState} from 'react';
import type {DeleteOld} from '../../core/keys.js';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {useKeys} from '../hooks/use-keys.js';
import {isCommand} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {useGap} from '../theme.js';

export interface RenewProps {
	appKey: string;
	name: string;
	width: number;
	busy: boolean;
	error: string | null;
	onRenew(deleteOld: DeleteOld): void;
	onCancel(): void;
}

const FIELDS = ['choice', 'cancel', 'renew'] as const;

/**
 * Renew Token: what happens to the old token is chosen before the renewal, so the app makes the
 * one renewal the command line makes (`renew --delete-old later|now`), recorded as one entry.
 */
export function RenewDialog({appKey, name, width, busy, error, onRenew, onCancel}: RenewProps) {
	const gap = useGap();
	const focus = useFocusRing(FIELDS, 'choice');
	const [choice, setChoice] = useState<DeleteOld>('later');

	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (focus.field === 'choice') {
				if (key.leftArrow || key.rightArrow || input === ' ') return setChoice(c => (c === 'later' ? 'now' : 'later'));
				if (key.return) return focus.focus('renew');
				if ((key.tab && !key.shift) || key.downArrow) return focus.next();
				if ((key.tab && key.shift) || key.upArrow) return focus.previous();
				return;
			}
			if (isCommand('dialog.next', input, key)) return focus.next();
			if (isCommand('dialog.previous', input, key)) return focus.previous();
			if (key.return) return focus.field === 'cancel' ? onCancel() : onRenew(choice);
		},
		{isActive: !busy},
	);

	const radio = (value: DeleteOld, label: string) => (
		<Text inverse={focus.field === 'choice' && choice === value} bold={choice === value}>
			{choice === value ? '(•)' : '( )'} {label}
		</Text>
	);

	return (
		<DialogFrame title={`Renew token: ${sanitize(appKey)}`} width={width} error={error}>
			<Text>{sanitize(name)}: a new token is made and revealed once, like a new key's.</Text>
			<Box marginTop={gap} flexDirection="column">
				<Text bold={focus.field === 'choice'}>Delete old token</Text>
				{radio('later', 'Later: both tokens stay valid until you delete the old one')}
				{radio('now', 'Now: the old token is deleted at once; only the new one is valid')}
			</Box>
			<Buttons
				buttons={[{label: 'Cancel'}, {label: busy ? 'Renewing…' : 'Renew', destructive: choice === 'now', disabled: busy}]}
				focused={focus.field === 'cancel' ? 0 : focus.field === 'renew' ? 1 : null}
			/>
		</DialogFrame>
	);
}
