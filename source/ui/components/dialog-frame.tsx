import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {useTheme} from '../theme.js';

/** The box every dialog sits in: a title, its body, and the error of a failed action. */
export function DialogFrame({title, width, error, children}: {title: string; width: number; error?: string | null; children: ReactNode}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.color('accent')} paddingX={1} width={width}>
			<Text bold color={theme.color('accent')}>
				{title}
			</Text>
			<Box flexDirection="column" marginTop={1}>
				{children}
			</Box>
			{error ? (
				<Box marginTop={1}>
					<Text color={theme.color('error')} bold>
						✗ {error}
					</Text>
				</Box>
			) : null}
		</Box>
	);
}
