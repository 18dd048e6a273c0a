import {Box, Text} from 'ink';
import {keyRow, type KeyRow, type Rows} from '../../core/query.js';
import {formatDate, formatTime, tokenAgeLabel} from '../../core/time.js';
import type {GeneratedKey, StoreSnapshot} from '../../core/types.js';
import {fittedText, highlight, type Segment} from '../components/segments.js';
import {WindowedTable} from '../components/windowed-table.js';
import type {ColumnSpec} from '../layout.js';
import {sanitize} from '../../text/sanitize.js';
import {useRecent} from '../hooks/use-recent.js';
import {SearchLine} from './search-line.js';
import {useTheme} from '../theme.js';

export type GeneratedColumn = 'key' | 'duration' | 'roles' | 'created' | 'status' | 'lastUsed';

/** Display order; `priority` decides what drops out first on a narrow terminal. */
export const GENERATED_COLUMNS: readonly ColumnSpec<GeneratedColumn>[] = [
	{id: 'key', title: 'Key/Name', min: 26, max: 100, grow: 5, priority: 0},
	{id: 'duration', title: 'Token duration', min: 14, max: 32, grow: 5, priority: 2},
	{id: 'roles', title: 'Roles', min: 10, max: 60, grow: 1, priority: 3},
	{id: 'created', title: 'Created', min: 10, max: 10, grow: 0, priority: 4},
	{id: 'status', title: 'Status', min: 8, max: 8, grow: 0, priority: 1},
	{id: 'lastUsed', title: 'Last used', min: 10, max: 16, grow: 1, priority: 5},
];

const sinceLabel = (at: number, now: number) => {
	const label = tokenAgeLabel(at, now);
	return label === 'just now' ? label : `${label} ago`;
};

/** A row's appKey and name made printable, and lower-cased for marking a search's matches. */
interface Names {
	appKey: string;
	appKeyLower: string;
	name: string;
	nameLower: string;
}

const namesOf = (row: KeyRow): Names => {
	const appKey = sanitize(row.appKey);
	const name = sanitize(row.name);
	return {appKey, appKeyLower: appKey.toLowerCase(), name, nameLower: name.toLowerCase()};
};

/** The renewal alert's mark before the key: `~` due soon, `!` past due (orange), `!!` 3 months past (red). */
const ALERT_MARKS: Record<KeyRow['alert'], Segment> = {
	none: {text: '   '},
	'due-soon': {text: '~  ', color: 'dueSoon', bold: true},
	orange: {text: '!  ', color: 'orange', bold: true},
	red: {text: '!! ', color: 'red', bold: true},
};

const ALERT_DETAILS: Record<KeyRow['alert'], string> = {none: '', 'due-soon': ' · renewal due soon', orange: ' · renewal due', red: ' · renewal overdue'};

/** The Key/Name cell: the renewal alert, then appKey and name with the search's matches marked. */
function keyCell(row: KeyRow, names: Names, search: string): Segment[] {
	const alert = ALERT_MARKS[row.alert];
	// The marker goes before the name so a long name is what gets cut, not the marker.
	return [
		alert,
		...highlight(names.appKey, search, {bold: true}, names.appKeyLower),
		{text: ' '},
		...(row.oldToken ? [{text: '[pending deletion – old token] ', color: 'orange' as const}] : []),
		...highlight(names.name, search, {color: 'muted'}, names.nameLower),
	];
}

function generatedCells(row: KeyRow, names: Names, now: number): Record<GeneratedColumn, Segment[]> {
	return {
		key: keyCell(row, names, ''),
		duration: row.token.revoked
			? [{text: 'none (link revoked)', color: 'muted'}]
			: row.oldToken
				? [{text: row.token.age}, {text: ` · old ${row.oldToken.age}`, color: 'orange'}]
				: [{text: row.token.age}],
		roles: [{text: row.roles.length > 0 ? sanitize(row.roles.join(', ')) : '—', color: row.roles.length > 0 ? undefined : 'muted'}],
		created: [{text: formatDate(row.created)}],
		status: [{text: row.status, color: row.status === 'Active' ? 'active' : 'inactive', bold: row.status === 'Active'}],
		lastUsed: [{text: row.lastUsed === undefined ? 'never' : sinceLabel(row.lastUsed, now), color: row.lastUsed === undefined ? 'muted' : undefined}],
	};
}

export interface GeneratedKeysProps {
	data: StoreSnapshot;
	keys: Rows<GeneratedKey>;
	/** How many keys the store has; null while they are first read. */
	total: number | null;
	now: number;
	search: string;
	searching: boolean;
	/** Where the cursor is in the search being typed (its end if not given). */
	searchCursor?: number;
	selectedIndex: number;
	width: number;
	/** Rows available for the table body. */
	bodyHeight: number;
}

/** Rows of the table body at a given terminal height: the rest is header, tabs, search line, borders and footer. */
export function GeneratedKeys({data, keys, total, now, search, searching, searchCursor, selectedIndex, width, bodyHeight}: GeneratedKeysProps) {
	const theme = useTheme();
	const selected = keys.at(selectedIndex);
	// A row's cells apart from the search's marks, kept while in view and while the store and the
	// clock stay the same: a search keystroke that keeps a row rebuilds only its Key/Name cell.
	const plain = useRecent<GeneratedKey, {row: KeyRow; names: Names; cells: Record<GeneratedColumn, Segment[]>}>([data, data.revision, now]);
	plain.turn();
	const knownOf = (key: GeneratedKey) =>
		plain.get(key, () => {
			const row = keyRow(data, key, now);
			const names = namesOf(row);
			return {row, names, cells: generatedCells(row, names, now)};
		});
	const cellsOf = (key: GeneratedKey) => {
		const known = knownOf(key);
		return search.trim() ? {...known.cells, key: keyCell(known.row, known.names, search)} : known.cells;
	};
	return (
		<Box flexDirection="column">
			<SearchLine search={search} searching={searching} cursor={searchCursor} idle="Press / to search by name or key identifier, n to generate a key." />
			<WindowedTable
				items={keys}
				specs={GENERATED_COLUMNS}
				fill="key"
				cells={cellsOf}
				cellsDependOn={[data, data.revision, now, search]}
				selectedIndex={selectedIndex}
				bodyHeight={bodyHeight}
				width={width}
				empty={total === null ? 'Reading the keys…' : total === 0 ? 'No keys yet. Press n to generate the first one.' : 'No key matches. Esc in search clears it; f cycles the filter.'}
			/>
			<Text>{selected ? fittedText(details(knownOf(selected).row), width, theme) : ' '}</Text>
		</Box>
	);
}

/**
 * Everything about the selected key on one line, for when the columns had to cut it; fitted to
 * the width here (cut with …), so Ink has nothing to truncate.
 */
function details(row: KeyRow): Segment[] {
	return [
		{text: sanitize(row.appKey), bold: true},
		{text: ` ${sanitize(row.name)}`},
		...(row.oldToken ? [{text: ` · pending deletion – old token (${row.oldToken.age})`, color: 'orange' as const}] : []),
		{
			text:
				(row.token.revoked ? ' · no usable token (its link was revoked): renew it' : ` · token ${row.token.hint}… ${row.token.age}`) +
				ALERT_DETAILS[row.alert] +
				` · roles ${row.roles.length > 0 ? sanitize(row.roles.join(', ')) : '—'}` +
				(row.lastUsed === undefined ? ' · never used' : ` · last used ${formatTime(row.lastUsed)}`) +
				(row.linkValidUntil ? ` · unused link until ${formatTime(row.linkValidUntil)}` : ''),
			color: 'muted',
		},
	];
}
