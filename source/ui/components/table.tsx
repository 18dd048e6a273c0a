import {Box, Text} from 'ink';
import {memo} from 'react';
import type {PlacedColumn} from '../layout.js';
import {cellWidth, fit} from '../text.js';
import {useTheme} from '../theme.js';
import {fitSegments, segmentsText, styleText, type Segment} from './segments.js';

/** Display width of a cell's segments. */
export const segmentsWidth = (segments: readonly Segment[]) => segments.reduce((sum, s) => sum + cellWidth(s.text), 0);

export interface TableProps<Id extends string> {
	columns: readonly PlacedColumn<Id>[];
	/** How many rows there are in all; only the visible ones, from `offset`, are passed in. */
	count: number;
	offset: number;
	height: number;
	selected: number;
	/** The visible rows: a stable key and one segment list per column. */
	visible: ReadonlyArray<{key: string; cells: Record<Id, Segment[]>}>;
	/** Shown in the body when there are no rows. */
	empty: string;
}

const line = (columns: readonly PlacedColumn[], left: string, middle: string, right: string) =>
	left + columns.map(c => '─'.repeat(c.width + 2)).join(middle) + right;

/**
 * A windowed table in ink-table's boxed style. Only the visible rows are built, each as one
 * line of text, so the cost of a frame does not grow with the number of rows.
 */
export function Table<Id extends string>({columns, count, offset, height, selected, visible, empty}: TableProps<Id>) {
	const theme = useTheme();
	const border = theme.color('border');
	const rows = visible.map((row, i) => <Row key={row.key} columns={columns} cells={row.cells} selected={offset + i === selected} />);
	const filler = Math.max(0, height - rows.length);
	return (
		<Box flexDirection="column">
			<Text color={border}>{line(columns, '┌', '┬', '┐')}</Text>
			<Text>
				<Text color={border}>│</Text>
				{columns.map(c => (
					<Text key={c.id}>
						{' '}
						<Text bold color={theme.color('accent')}>
							{fit(c.title, c.width)}
						</Text>{' '}
						<Text color={border}>│</Text>
					</Text>
				))}
			</Text>
			<Text color={border}>{line(columns, '├', '┼', '┤')}</Text>
			{rows}
			{count === 0 ? (
				<Text>
					<Text color={border}>│</Text>
					{fit(` ${empty}`, columns.reduce((s, c) => s + c.width + 3, -1))}
					<Text color={border}>│</Text>
				</Text>
			) : null}
			{Array.from({length: count === 0 ? filler - 1 : filler}, (_, i) => (
				<Text key={`f${i}`} color={border}>
					{'│' + columns.map(c => ' '.repeat(c.width + 2)).join('│') + '│'}
				</Text>
			))}
			<Text color={border}>{line(columns, '└', '┴', '┘')}</Text>
		</Box>
	);
}

/**
 * One line of text per row, built as a string: a row is one element for React and Ink instead of
 * dozens, and is redrawn only when its cells, the column widths or its selection change.
 */
const Row = memo(function Row<Id extends string>({
	columns,
	cells,
	selected,
}: {
	columns: readonly PlacedColumn<Id>[];
	cells: Record<Id, Segment[]>;
	selected: boolean;
}) {
	const theme = useTheme();
	const border = selected ? undefined : theme.color('border');
	let text = styleText(selected ? '▶' : '│', border);
	for (const [i, c] of columns.entries()) {
		text += ` ${segmentsText(fitSegments(cells[c.id], c.width), theme)} ${styleText(selected && i === columns.length - 1 ? '◀' : '│', border)}`;
	}
	return <Text inverse={selected}>{text}</Text>;
}) as <Id extends string>(props: {columns: readonly PlacedColumn<Id>[]; cells: Record<Id, Segment[]>; selected: boolean}) => React.ReactNode;
