import {Box, Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {useTheme} from '../theme.js';

/** The line above a table: the search being typed, the kept filter, or a hint; cut with … when it does not fit. */
export function SearchLine({search, searching, idle}: {search: string; searching: boolean; idle: string}) {
	const theme = useTheme();
	return (
		<Box height={1}>
			{searching || search ? (
				<Text wrap="truncate-end">
					<Text color={theme.color('accent')} bold>
						/{' '}
					</Text>
					{searching ? (
						<Text>
							{sanitize(search)}
							<Text inverse> </Text>
							{search ? '' : <Text color={theme.color('muted')}> type to filter</Text>}
						</Text>
					) : (
						<Text>
							{sanitize(search)} <Text color={theme.color('muted')}>(/ to change, Esc in search to clear)</Text>
						</Text>
					)}
				</Text>
			) : (
				<Text color={theme.color('muted')} wrap="truncate-end">
					{idle}
				</Text>
			)}
		</Box>
	);
}
