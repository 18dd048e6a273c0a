import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {sanitize} from '../../text/sanitize.js';
import {useGap, useTheme} from '../theme.js';

/** The box every dialog sits in: a title, its body, and the error of a failed action. */
export function DialogFrame({title, width, error, children}: {title: string; width: number; error?: string | null; children: ReactNode}) {
	const theme = useTheme();
	const gap = useGap();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.color('accent')} paddingX={1} width={width}>
			<Text bold color={theme.color('accent')}>
				{sanitize(title)}
			</Text>
			<Box flexDirection="column" marginTop={gap} flexShrink={0}>
				{children}
			</Box>
			{error ? (
				// Where the screen is too short for all of it (a conflict at the smallest size), the error's
				// last rows are cut, inside the frame, rather than drawn over the dialog and its border.
				<Box marginTop={gap} flexShrink={1} overflowY="hidden">
					<Text color={theme.color('error')} bold>
						✗ {sanitize(error)}
					</Text>
				</Box>
			) : null}
		</Box>
	);
}
