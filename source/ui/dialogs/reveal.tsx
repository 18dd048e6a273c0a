import {Box, Text} from 'ink';
import type {DeleteOld, Reveal} from '../../core/keys.js';
import {formatTime} from '../../core/time.js';
import {Buttons} from '../components/buttons.js';
import {isCommand} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {useGap, useTheme} from '../theme.js';
import {useKeys} from '../hooks/use-keys.js';
import {useWindowSize} from '../hooks/use-window-size.js';
import type {ClipboardSend} from '../clipboard.js';

export interface RevealProps {
	appKey: string;
	name: string;
	reveal: Reveal;
	purpose: 'generate' | 'renew' | 'redeem';
	/** For a renewal: what was done with the old token (chosen before renewing). */
	deleteOld?: DeleteOld | 'none';
	width: number;
	busy: boolean;
	error: string | null;
	/** What pressing c did: sent to the terminal's clipboard, or why it could not be. */
	copied: ClipboardSend | null;
	onCopy(text: string): void;
	onDone(): void;
}

/** Shows the link (or, in direct mode, the token) once; after a renewal, also what became of the old token. */
export function RevealDialog({appKey, name, reveal, purpose, deleteOld, width, busy, error, copied, onCopy, onDone}: RevealProps) {
	const theme = useTheme();
	const gap = useGap();
	const {columns, rows} = useWindowSize();
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

	const frame = {borderStyle: 'round', borderColor: theme.color('accent'), paddingX: 1, width, flexDirection: 'column'} as const;
	// The link sits on rows of its own, from the first column, with no border on them: a mouse
	// selection (in tmux, over SSH) copies exactly the link. The box is open above and below it.
	return (
		<Box flexDirection="column" alignItems="center" width={columns}>
			<Box {...frame} borderBottom={false} flexShrink={0}>
				<Text bold color={theme.color('accent')}>
					{sanitize(renewal ? `Token renewed: ${appKey}` : purpose === 'redeem' ? `Token of ${appKey}` : `Key generated: ${appKey}`)}
				</Text>
				<Box marginTop={gap}>
					<Text>{purpose === 'redeem' ? `${sanitize(name)}: revealed through its single-access link, which is now used up.` : `${sanitize(name)} is active and can be used now.`}</Text>
				</Box>
				<Box marginTop={gap}>
					<Text bold>
						{reveal.kind === 'link'
							? `Single-access link to the ${renewal ? 'new ' : ''}token (valid until ${formatTime(reveal.expires)} unless used, usable once):`
							: `The ${renewal ? 'new ' : ''}token:`}
					</Text>
				</Box>
			</Box>
			<Box width={columns} flexShrink={0}>
				<Text color={theme.color('accent')}>{secret}</Text>
			</Box>
			<Box {...frame} borderTop={false}>
				<Box marginTop={gap} flexShrink={0}>
					<Text color={theme.color('orange')} bold>
						⚠ This {what} will not be shown again. Press c to send it to the terminal's clipboard.
					</Text>
				</Box>
				{secret.length > columns && !copied && rows >= 20 ? (
					// Rows the app writes are rows of their own to the terminal: a mouse selection across them takes a line break too.
					<Text>
						It spans {Math.ceil(secret.length / columns)} rows here: press c, or widen the terminal to {secret.length} columns to select it.
					</Text>
				) : null}
				{copied ? (
					// Where the screen is too short for all of it (54×17), its end is cut rather than drawn over the button.
					<Box flexShrink={1} overflowY="hidden">
						<Text color={theme.color(copied.sent ? 'success' : 'error')}>
							{copied.sent ? '✓' : '✗'} {sanitize(copied.message)}
						</Text>
					</Box>
				) : null}
				{renewal ? (
					<Box marginTop={gap} flexShrink={0}>
						<Text>
							Old token:{' '}
							{deleteOld === 'now'
								? 'deleted (Now); only the new token is valid.'
								: deleteOld === 'none'
									? 'none (its link was revoked); only the new token is valid.'
									: 'still valid (Later) until you delete it with Delete Old Token.'}
						</Text>
					</Box>
				) : null}
				<Box flexShrink={0}>
					<Buttons buttons={[{label: 'Close', disabled: busy}]} focused={0} />
				</Box>
				{error ? (
					<Box marginTop={gap}>
						<Text color={theme.color('error')} bold>
							✗ {sanitize(error)}
						</Text>
					</Box>
				) : null}
			</Box>
		</Box>
	);
}
