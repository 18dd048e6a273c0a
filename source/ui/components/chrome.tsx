import {Box, Text} from 'ink';
import {memo} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {footerLine, type Mode} from '../keymap.js';
import {sanitize} from '../../text/sanitize.js';
import {TABS, TAB_TITLES, type AppState, type Tab} from '../state.js';
import {cellWidth, truncate, truncateStart} from '../text.js';
import {useTheme} from '../theme.js';

// The lines around the body, as components of their own: a keystroke that changes none of their
// props (every one typed in a search) does not render them again.

/** Cells of the title bar's line its text may take: "apikeys" and a cell to spare. */
const TITLE_ROOM = 8;
/** Narrower than this, the store's path is not worth keeping at the title's expense. */
const PATH_ROOM = 12;

export const TitleBar = memo(function TitleBar({account, operator, path, columns}: {account: string | null; operator: string; path: string; columns: number}) {
	const theme = useTheme();
	const head = ` · account ${account === null ? '…' : sanitize(account)} · operator ${sanitize(operator)} · `;
	// A long file path is cut at its start, so the file name stays in sight; a URL at its end, after its host and database.
	const room = columns - TITLE_ROOM - cellWidth(head);
	const fromStart = room >= PATH_ROOM && !path.includes('://');
	return (
		<Text>
			<Text bold color={theme.color('accent')}>
				apikeys
			</Text>
			{fromStart ? head + truncateStart(sanitize(path), room) : truncate(head + sanitize(path), columns - TITLE_ROOM)}
		</Text>
	);
});

export const TabBar = memo(function TabBar({tab: current}: {tab: Tab}) {
	return (
		<Text>
			{TABS.map(tab => (
				<Text key={tab} inverse={tab === current} bold={tab === current}>
					{` ${TAB_TITLES[tab]} `}
				</Text>
			))}
		</Text>
	);
});

/** The line under the body: the last action's outcome, then the counts and filters of the tab. */
export function StatusLine({flash, counts}: {flash: AppState['flash']; counts: string}) {
	const theme = useTheme();
	return (
		<Text wrap="truncate-end">
			{flash ? (
				<Text color={theme.color(flash.tone === 'error' ? 'error' : 'success')} bold>
					{flash.tone === 'error' ? '✗' : '✓'} {sanitize(flash.text)}
					{counts ? ' · ' : ''}
				</Text>
			) : null}
			{counts}
		</Text>
	);
}

export const Hints = memo(function Hints({mode, columns}: {mode: Mode; columns: number}) {
	const theme = useTheme();
	return <Text color={theme.color('muted')}>{footerLine(mode, columns)}</Text>;
});

/** Instead of the app while the terminal is smaller than it needs. */
export function TooSmall({columns, rows, minColumns, minRows, onQuit}: {columns: number; rows: number; minColumns: number; minRows: number; onQuit(): void}) {
	const theme = useTheme();
	return (
		<Box height={rows - 1} flexDirection="column" justifyContent="center" alignItems="center">
			<Text bold>Terminal too small</Text>
			<Text>
				{columns}×{rows}; apikeys needs at least {minColumns}×{minRows}.
			</Text>
			<Text color={theme.color('muted')}>Enlarge the window, or press q to quit.</Text>
			<QuitOnQ onQuit={onQuit} />
		</Box>
	);
}

/** Instead of the tab while the store cannot be shown. */
export function StoreError({error, onQuit}: {error: string; onQuit(): void}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" marginTop={1}>
			<Text color={theme.color('error')} bold>
				✗ {sanitize(error)}
			</Text>
			<Text color={theme.color('muted')}>The store is checked again every half second. q quits.</Text>
			<QuitOnQ onQuit={onQuit} />
		</Box>
	);
}

function QuitOnQ({onQuit}: {onQuit(): void}) {
	useKeys(input => {
		if (input === 'q') onQuit();
	});
	return null;
}
