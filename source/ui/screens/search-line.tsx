import {Box, Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {useTheme} from '../theme.js';

/** The line above a table: the search being typed (with its cursor), the kept filter, or a hint; cut with … when it does not fit. */
export function SearchLine({search, searching, cursor, idle}: {search: string; searching: boolean; cursor?: number; idle: string}) {
	const theme = useTheme();
	const chars = [...search];
	const at = Math.min(cursor ?? chars.length, chars.length);
	return (
		<Box height={1}>
			{searching || search ? (
				<Text wrap="truncate-end">
					<Text color={theme.color('accent')} bold>
						/{' '}
					</Text>
					{searching ? (
						<Text>
							{sanitize(chars.slice(0, at).join(''))}
							<Text inverse>{chars[at] === undefined ? ' ' : sanitize(chars[at])}</Text>
							{sanitize(chars.slice(at + 1).join(''))}
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
