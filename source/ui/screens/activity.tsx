import {Box} from 'ink';
import {formatTime} from '../../core/time.js';
import type {ActivityEntry} from '../../core/types.js';
import {highlight, type Segment} from '../components/segments.js';
import {WindowedTable} from '../components/windowed-table.js';
import type {ColumnSpec} from '../layout.js';
import {sanitize} from '../../text/sanitize.js';
import {SearchLine} from './search-line.js';

type ActivityColumn = 'time' | 'operator' | 'action' | 'key' | 'summary';

const ACTIVITY_COLUMNS: readonly ColumnSpec<ActivityColumn>[] = [
	{id: 'time', title: 'Time', min: 16, max: 16, grow: 0, priority: 0},
	{id: 'operator', title: 'Operator', min: 8, max: 24, grow: 1, priority: 1},
	{id: 'action', title: 'Action', min: 10, max: 18, grow: 1, priority: 0},
	{id: 'key', title: 'Key', min: 12, max: 40, grow: 1, priority: 2},
	{id: 'summary', title: 'What changed', min: 12, max: 200, grow: 4, priority: 0},
];

const cells = (entry: ActivityEntry, search: string): Record<ActivityColumn, Segment[]> => ({
	time: [{text: formatTime(entry.at).replace(' UTC', ''), color: 'muted'}],
	operator: highlight(sanitize(entry.operator), search, {bold: true}),
	action: highlight(entry.action, search),
	key: highlight(sanitize(entry.appKey ?? ''), search),
	summary: highlight(sanitize(entry.summary ?? ''), search),
});

/** The activity log, newest first: who changed what, when. */
export function Activity({entries, total, search, searching, searchCursor, selectedIndex, width, bodyHeight, note}: {entries: readonly ActivityEntry[]; total: number; search: string; searching: boolean; searchCursor?: number; selectedIndex: number; width: number; bodyHeight: number; note?: string | null}) {
	// Highlight the free words of the search; field terms (operator:…, action:…) filter without colour.
	const words = search
		.split(/\s+/)
		.filter(w => w && !/^(operator|action):/i.test(w))
		.join(' ');
	return (
		<Box flexDirection="column">
			<SearchLine search={search} searching={searching} cursor={searchCursor} idle={note ?? 'Press / to search; operator:NAME and action:WORDS narrow to one field. Times are UTC.'} />
			<WindowedTable
				items={entries}
				specs={ACTIVITY_COLUMNS}
				fill="summary"
				cells={entry => cells(entry, words)}
				cellsDependOn={[words]}
				selectedIndex={selectedIndex}
				bodyHeight={bodyHeight}
				width={width}
				empty={total === 0 ? 'Nothing has happened yet.' : 'No entry matches.'}
			/>
		</Box>
	);
}
