import {Box, Text} from 'ink';
import {useMemo, useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {helpEntries, isCommand} from '../keymap.js';
import {cellWidth, fit, truncate} from '../text.js';
import {useTheme} from '../theme.js';

type Entry = {keys: string; description: string};
type Line = {kind: 'section'; text: string} | ({kind: 'binding'} & Entry);

const TITLE = 'Keys · Esc, ? or Enter closes this help';
/** Cells around the columns: the border and one space of padding on each side. */
const FRAME_CELLS = 4;
const COLUMN_GAP = 2;

/** The bindings grouped by section, in keymap order. */
function sections(): Array<{title: string; entries: Entry[]}> {
	const out: Array<{title: string; entries: Entry[]}> = [];
	for (const {section, keys, description} of helpEntries()) {
		const last = out.at(-1);
		if (last?.title === section) last.entries.push({keys, description});
		else out.push({title: section, entries: [{keys, description}]});
	}
	return out;
}

/**
 * Sections packed into columns of `height` lines: a section starts a new column rather than be
 * split, unless it is taller than a column; then it goes on in the next one under its heading again.
 */
export function helpColumns(height: number): Line[][] {
	const columns: Line[][] = [[]];
	for (const {title, entries} of sections()) {
		let column = columns.at(-1)!;
		const free = height - column.length;
		if (column.length > 0 && (free < 2 || (entries.length + 1 > free && entries.length + 1 <= height))) columns.push((column = []));
		column.push({kind: 'section', text: title});
		for (const entry of entries) {
			if (column.length >= height) columns.push((column = [{kind: 'section', text: title}]));
			column.push({kind: 'binding', ...entry});
		}
	}
	return columns;
}

const bindingText = (line: Entry, keysWidth: number) => ` ${fit(line.keys, keysWidth)}  ${line.description}`;

/** The columns of `rows` lines, each column's keys width and natural width, and whether they fit `inner` cells uncut. */
function layout(rows: number, inner: number) {
	const columns = helpColumns(rows);
	const keysWidths = columns.map(column => column.reduce((widest, line) => Math.max(widest, line.kind === 'binding' ? cellWidth(line.keys) : 0), 0));
	const natural = columns.map((column, c) => column.reduce((widest, line) => Math.max(widest, cellWidth(line.kind === 'section' ? line.text : bindingText(line, keysWidths[c]!))), 0));
	const gaps = COLUMN_GAP * (columns.length - 1);
	return {columns, keysWidths, natural, gaps, fits: natural.reduce((sum, w) => sum + w, 0) + gaps <= inner};
}

/** Every line of the help in one column: past this many rows, more rows gain nothing. */
const ALL_ROWS = sections().reduce((sum, section) => sum + 1 + section.entries.length, 0);

/**
 * Every binding, generated from the same keymap as the footer, in as many columns as the height
 * needs, each as wide as its own keys and descriptions; the title sits in the top border, so 80×24
 * shows every binding uncut. Where the columns the height needs are too wide, there are fewer,
 * taller ones, and ↑/↓ (j/k) scroll them rather than cut every description.
 */
export function HelpOverlay({width, height, onClose}: {width: number; height: number; onClose(): void}) {
	const theme = useTheme();
	// Two lines are the frame's borders.
	const visible = Math.max(4, height - 2);
	const inner = width - FRAME_CELLS;
	const {columns, keysWidths, natural, gaps, fits} = useMemo(() => {
		for (let rows = visible; rows <= Math.max(visible, ALL_ROWS); rows++) {
			const tried = layout(rows, inner);
			if (tried.fits) return tried;
		}
		return layout(visible, inner);
	}, [visible, inner]);
	const rows = Math.max(...columns.map(column => column.length));
	const [top, setTop] = useState(0);
	const last = Math.max(0, rows - visible);
	const shownTop = Math.min(top, last);
	const scroll = (by: number) => setTop(Math.max(0, Math.min(last, shownTop + by)));
	useKeys((input, key) => {
		if (isCommand('dialog.cancel', input, key) || isCommand('app.help', input, key) || input === 'q' || key.return) return onClose();
		if (isCommand('nav.up', input, key)) return scroll(-1);
		if (isCommand('nav.down', input, key)) return scroll(1);
		if (isCommand('nav.pageUp', input, key)) return scroll(-visible);
		if (isCommand('nav.pageDown', input, key)) return scroll(visible);
		if (isCommand('nav.home', input, key)) return setTop(0);
		if (isCommand('nav.end', input, key)) return setTop(last);
	});
	const widths = fits ? natural : natural.map(() => Math.floor((inner - gaps) / columns.length));
	const title = last === 0 ? TITLE : `Keys ${shownTop + 1}–${shownTop + visible} of ${rows} · ↑↓ scroll · Esc closes`;
	const accent = theme.color('accent');
	const topRule = `╭─ ${truncate(title, width - 6)} `;
	return (
		<Box flexDirection="column" width={width}>
			<Text color={accent}>
				{topRule}
				{'─'.repeat(Math.max(0, width - cellWidth(topRule) - 1))}╮
			</Text>
			<Box borderStyle="round" borderTop={false} borderColor={accent} paddingX={1} width={width} gap={COLUMN_GAP}>
				{columns.map((column, c) => (
					<Box key={c} flexDirection="column" width={widths[c]}>
						{column.slice(shownTop, shownTop + visible).map((line, i) =>
							line.kind === 'section' ? (
								<Text key={i} bold color={accent}>
									{fit(line.text, widths[c]!)}
								</Text>
							) : (
								<Text key={i}>{fit(bindingText(line, keysWidths[c]!), widths[c]!)}</Text>
							),
						)}
					</Box>
				))}
			</Box>
		</Box>
	);
}
