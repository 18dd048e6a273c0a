import {Text} from 'ink';
import chalk from 'chalk';
import {useMemo, useRef} from 'react';
import type {PlacedColumn} from '../layout.js';
import {cellWidth, fit} from '../text.js';
import {Recent} from '../recent.js';
import {useTheme, type Theme} from '../theme.js';
import {cutBeforeEnd, fittedText, styleText, type Segment} from './segments.js';

/** Display width of a cell's segments. */
export const segmentsWidth = (segments: readonly Segment[]) => segments.reduce((sum, s) => sum + cellWidth(s.text), 0);

export interface TableProps<Id extends string> {
	columns: readonly PlacedColumn<Id>[];
	/** How many rows there are in all; only the visible ones, from `offset`, are passed in. */
	count: number;
	offset: number;
	height: number;
	selected: number;
	/** The visible rows: one segment list per column. */
	visible: ReadonlyArray<{cells: Record<Id, Segment[]>}>;
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
	// Rows' lines by their cells, while in view: redrawn only when their cells (which follow the
	// store, the clock and the search), the column widths, the selection or the theme change.
	const built = useRef<{columns: readonly PlacedColumn[]; theme: Theme; rows: Recent<object, string>; selectedRows: Recent<object, string>} | null>(null);
	if (built.current?.columns !== columns || built.current.theme !== theme) built.current = {columns, theme, rows: new Recent(), selectedRows: new Recent()};
	const {rows, selectedRows} = built.current;
	rows.turn();
	selectedRows.turn();
	const body = visible.map(({cells}, i) =>
		offset + i === selected ? selectedRows.get(cells, () => rowText(columns, cells, true, theme)) : rows.get(cells, () => rowText(columns, cells, false, theme)),
	);
	if (count === 0) body.push(styleText('│', border) + fit(` ${empty}`, columns.reduce((s, c) => s + c.width + 3, -1)) + styleText('│', border));
	if (body.length < height) {
		const filler = styleText('│' + columns.map(c => ' '.repeat(c.width + 2)).join('│') + '│', border);
		while (body.length < height) body.push(filler);
	}
	const frame = useMemo(() => frameLines(columns, theme), [columns, theme]);
	// The whole table is one block of text: one element for React and one node for Ink's layout
	// however many rows change, which a new search does to all of them.
	return <Text>{[frame.top, frame.header, frame.separator, ...body, frame.bottom].join('\n')}</Text>;
}

/** The borders and the column titles, as <Text color={border}> and nested bold titles would draw them. */
function frameLines(columns: readonly PlacedColumn[], theme: Theme) {
	const border = theme.color('border');
	const bar = styleText('│', border);
	let header = bar;
	for (const c of columns) header += ` ${styleText(fit(c.title, c.width), theme.color('accent'), {bold: true})} ${bar}`;
	return {
		top: styleText(line(columns, '┌', '┬', '┐'), border),
		header,
		separator: styleText(line(columns, '├', '┼', '┤'), border),
		bottom: styleText(line(columns, '└', '┴', '┘'), border),
	};
}

/** One row as one line of text, as <Text inverse={selected}> would draw it when selected. */
function rowText<Id extends string>(columns: readonly PlacedColumn<Id>[], cells: Record<Id, Segment[]>, selected: boolean, theme: Theme): string {
	const border = selected ? undefined : theme.color('border');
	const bar = styleText('│', border);
	let text = selected ? styleText('▶', border) : bar;
	for (let i = 0; i < columns.length; i++) {
		const c = columns[i]!;
		const cell = c.keepEnd ? cutBeforeEnd(cells[c.id], c.width, c.keepEnd(cells[c.id].map(s => s.text).join(''))) : cells[c.id];
		text += ` ${fittedText(cell, c.width, theme)} ${selected && i === columns.length - 1 ? styleText('◀', border) : bar}`;
	}
	return selected ? chalk.inverse(text) : text;
}
