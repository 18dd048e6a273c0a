import {Box, Text} from 'ink';
import type {DeleteOld, Reveal} from '../../core/keys.js';
import {formatTime} from '../../core/time.js';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {isCommand} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {useGap, useTheme} from '../theme.js';
import {useKeys} from '../hooks/use-keys.js';

export interface RevealProps {
	appKey: string;
	name: string;
	reveal: Reveal;
	purpose: 'generate' | 'renew' | 'redeem';
	/** For a renewal: what was done with the old token (chosen before renewing). */
	deleteOld?: DeleteOld;
	width: number;
	busy: boolean;
	error: string | null;
	copied: boolean;
	onCopy(text: string): void;
	onDone(): void;
}

/** Shows the link (or, in direct mode, the token) once; after a renewal, also what became of the old token. */
export function RevealDialog({appKey, name, reveal, purpose, deleteOld, width, busy, error, copied, onCopy, onDone}: RevealProps) {
	const theme = useTheme();
	const gap = useGap();
	const renewal = purpose === 'renew';
	const secret = reveal.kind === 'link' ? reveal.url : reveal.token;
	const what = reveal.kind === 'link' ? 'link' : 'token';

	useKeys(
		(input, key) => {
			if (isCommand('reveal.copy', input, key)) return onCopy(secret);
			if (isCommand('dialog.cancel', input, key) || key.return) return onDone();
		},
		{isActive: !busy},
	);

	return (
		<DialogFrame
			title={renewal ? `Token renewed: ${appKey}` : purpose === 'redeem' ? `Token of ${appKey}` : `Key generated: ${appKey}`}
			width={width}
			error={error}
		>
			<Text>{purpose === 'redeem' ? `${sanitize(name)}: revealed through its single-access link, which is now used up.` : `${sanitize(name)} is active and can be used now.`}</Text>
			<Box marginTop={gap} flexDirection="column">
				<Text bold>
					{reveal.kind === 'link'
						? `Single-access link to the ${renewal ? 'new ' : ''}token (valid until ${formatTime(reveal.expires)} unless used, usable once):`
						: `The ${renewal ? 'new ' : ''}token:`}
				</Text>
				<Text color={theme.color('accent')}>{secret}</Text>
			</Box>
			<Box marginTop={gap}>
				<Text color={theme.color('orange')} bold>
					⚠ This {what} will not be shown again. Press c to copy it{copied ? '' : ' (OSC 52; works over SSH and in tmux)'}.
				</Text>
			</Box>
			{copied ? <Text color={theme.color('success')}>✓ Copied to the clipboard.</Text> : null}
			{renewal ? (
				<Box marginTop={gap}>
					<Text>
						Old token:{' '}
						{deleteOld === 'now' ? 'deleted (Now); only the new token is valid.' : 'still valid (Later) until you delete it with Delete Old Token.'}
					</Text>
				</Box>
			) : null}
			<Buttons buttons={[{label: 'Close', disabled: busy}]} focused={0} />
		</DialogFrame>
	);
}
