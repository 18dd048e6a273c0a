import {Box, Text} from 'ink';
import {ownerOf} from '../../core/external.js';
import {formatDate} from '../../core/time.js';
import type {ExternalKey} from '../../core/types.js';
import {highlight, type Segment} from '../components/segments.js';
import {WindowedTable} from '../components/windowed-table.js';
import type {ColumnSpec} from '../layout.js';
import {sanitize} from '../../text/sanitize.js';
import {useTheme} from '../theme.js';
import {SearchLine} from './search-line.js';

type ExternalColumn = 'key' | 'roles' | 'added' | 'status';

const EXTERNAL_COLUMNS: readonly ColumnSpec<ExternalColumn>[] = [
	{id: 'key', title: 'Key/Owner', min: 26, max: 90, grow: 4, priority: 0},
	{id: 'roles', title: 'Roles', min: 10, max: 70, grow: 2, priority: 2},
	{id: 'added', title: 'Added on', min: 10, max: 10, grow: 0, priority: 3},
	{id: 'status', title: 'Status', min: 8, max: 8, grow: 0, priority: 1},
];

function externalCells(key: ExternalKey, search: string): Record<ExternalColumn, Segment[]> {
	return {
		key: [...highlight(sanitize(key.appKey), search, {bold: true}), {text: ' '}, ...highlight(sanitize(ownerOf(key.appKey) ?? '?'), search, {color: 'muted'})],
		roles: [{text: key.roles.length > 0 ? sanitize(key.roles.join(', ')) : '—', color: key.roles.length > 0 ? undefined : 'muted'}],
		added: [{text: formatDate(key.added)}],
		status: [{text: key.active ? 'Active' : 'Inactive', color: key.active ? 'active' : 'inactive', bold: key.active}],
	};
}

/** External keys: other accounts' appKeys with roles in this account. */
export function ExternalKeys({
	keys,
	revision,
	total,
	search,
	searching,
	searchCursor,
	selectedIndex,
	width,
	bodyHeight,
}: {
	keys: readonly ExternalKey[];
	/** The store's revision: external keys change in place. */
	revision: number;
	total: number;
	search: string;
	searching: boolean;
	searchCursor?: number;
	selectedIndex: number;
	width: number;
	bodyHeight: number;
}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<SearchLine search={search} searching={searching} cursor={searchCursor} idle="Press / to search by appKey or owner, n to add another account's key." />
			<WindowedTable
				items={keys}
				specs={EXTERNAL_COLUMNS}
				fill="key"
				cells={key => externalCells(key, search)}
				cellsDependOn={[revision, search]}
				selectedIndex={selectedIndex}
				bodyHeight={bodyHeight}
				width={width}
				empty={total === 0 ? "No external keys. Press n to add another account's appKey." : 'No external key matches.'}
			/>
			<Text color={theme.color('muted')}>Roles given here let the other account's key reach this account.</Text>
		</Box>
	);
}
