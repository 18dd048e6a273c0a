/**
 * A drop-in for Ink's `Output` (ink/build/output.js), put in its place when the app is bundled
 * and in the interface tests, through the table in replacements.mjs.
 *
 * Ink builds every frame from nothing: it tokenizes each line of text, puts one object per cell
 * in a grid and turns the grid back into a string, so a full 120×40 frame of a table cost 10 to
 * 60 ms of a 2-core machine, on every keystroke. This version gives the same string for the same
 * operations (test/ui/output.test.ts checks it against Ink's own on random input) but makes the
 * common row, one line of one-cell characters and colour codes written from the left edge, in one
 * pass over its text, and keeps each screen row of this frame and the last by exactly what was
 * written to it. Moving the selection one row down then re-makes two rows.
 */
import {diffAnsiCodes, reduceAnsiCodesIncremental, styledCharsFromTokens, tokenize, type AnsiCode} from '@alcalzone/ansi-tokenize';
import ansiStyles from 'ansi-styles';
import sliceAnsi from 'slice-ansi';
import {Recent} from '../recent.js';
import widestLine, {Memo, displayWidth, oneCellSpan, sgrEnd} from './width.js';

type Transformer = (line: string, index: number) => string;

interface Clip {
	x1?: number;
	x2?: number;
	y1?: number;
	y2?: number;
}

interface Placed {
	x: number;
	line: string;
}

/**
 * A set of active styles (ansi-tokenize's reduced code list), one object per distinct list, so the
 * escape codes between two cells can be looked up instead of worked out for every cell.
 */
interface Style {
	codes: AnsiCode[];
	key: string;
	/** The codes that lead from this style to another, by the other's key. */
	to: Map<string, string>;
	/** The style after one more escape code, by that code. */
	then: Map<string, Style>;
}

interface Cell {
	value: string;
	style: Style;
}

const styles = new Map<string, Style>();
function styleOf(codes: AnsiCode[]): Style {
	const key = codes.map(c => `${c.code}\u0001${c.endCode}`).join('\u0002');
	let style = styles.get(key);
	if (!style) {
		// Style lists are few (a handful of colours and attributes); bound them all the same.
		if (styles.size > 4096) styles.clear();
		styles.set(key, (style = {codes, key, to: new Map(), then: new Map()}));
	}
	return style;
}
const PLAIN = styleOf([]);

/** ansi-tokenize's diffAnsiCodes and ansiCodesToString, remembered per pair of styles. */
function transition(from: Style, to: Style): string {
	if (from === to) return '';
	let codes = from.to.get(to.key);
	if (codes === undefined) {
		codes = [...new Set(diffAnsiCodes(from.codes, to.codes).map(c => c.code))].join('');
		from.to.set(to.key, codes);
	}
	return codes;
}

/** ansi-tokenize's split of one SGR sequence into codes, remembered. */
const sgrCodes = new Memo<AnsiCode[]>(1024);
const codesOf = (sequence: string) => sgrCodes.get(sequence, () => splitSgr(sequence));

const sgr = (parameters: string | number) => `\u001b[${parameters}m`;
/** Codes that end a style, and each opening code's end, from ansi-styles as ansi-tokenize builds them. */
const closingCodes = new Set<string>();
const closingCodeOf = new Map<string, string>();
for (const [open, close] of ansiStyles.codes) {
	closingCodes.add(sgr(close));
	closingCodeOf.set(sgr(open), sgr(close));
}

/** The code that ends `code`'s style, as ansi-tokenize's getEndCode gives it. */
function endCodeOf(code: string): string {
	if (closingCodes.has(code)) return code;
	const known = closingCodeOf.get(code);
	if (known !== undefined) return known;
	const parameters = code.slice(2);
	if (parameters.startsWith('38')) return ansiStyles.color.close;
	if (parameters.startsWith('48')) return ansiStyles.bgColor.close;
	const close = ansiStyles.codes.get(Number.parseInt(parameters, 10));
	return close ? sgr(close) : ansiStyles.reset.open;
}

/**
 * One SGR sequence (ESC [ digits and ; m) as the codes ansi-tokenize's tokenize would give, one
 * per attribute, an 8-bit or 24-bit colour kept whole, without its tokenizer: that splits text
 * into graphemes, and the first grapheme splitter a process makes costs ~10 ms of start-up.
 * test/ui/output.test.ts checks it against tokenize.
 */
export function splitSgr(sequence: string): AnsiCode[] {
	const parts = sequence.includes(';') ? sequence.slice(2, -1).split(';') : null;
	const codes: string[] = [];
	if (!parts) {
		codes.push(sequence);
	} else {
		for (let i = 0; i < parts.length; i++) {
			const part = parts[i]!;
			const colour = part === '38' || part === '48';
			const length = colour && parts[i + 1] === '5' && i + 2 < parts.length ? 3 : colour && parts[i + 1] === '2' && i + 4 < parts.length ? 5 : 1;
			codes.push(sgr(parts.slice(i, i + length).join(';')));
			i += length - 1;
		}
	}
	return codes.map(code => ({type: 'ansi', code, endCode: endCodeOf(code)}));
}

function after(style: Style, code: AnsiCode): Style {
	let next = style.then.get(code.code);
	if (!next) style.then.set(code.code, (next = styleOf(reduceAnsiCodesIncremental(style.codes, [code]))));
	return next;
}

/**
 * Walks a line of one-cell characters and SGR colour codes, calling `run` for each stretch of
 * text with the style the codes before it lead to; false (having stopped) for anything else
 * (wide or combining characters, emoji, other escape sequences), which goes through ansi-tokenize.
 */
function eachRun(line: string, run: (from: number, to: number, style: Style) => void): boolean {
	let style = PLAIN;
	for (let i = 0; i < line.length; ) {
		if (line.charCodeAt(i) === 0x1b) {
			const end = sgrEnd(line, i);
			if (end < 0) return false;
			for (const ansi of codesOf(line.slice(i, end))) style = after(style, ansi);
			i = end;
			continue;
		}
		let end = line.indexOf('\u001b', i);
		if (end < 0) end = line.length;
		if (!oneCellSpan(line, i, end)) return false;
		run(i, end, style);
		i = end;
	}
	return true;
}

/** A line as styled cells, as ansi-tokenize would split it. */
function cellsOf(line: string): Cell[] {
	const cells: Cell[] = [];
	const oneCell = eachRun(line, (from, to, style) => {
		for (let i = from; i < to; i++) cells.push({value: line[i]!, style});
	});
	return oneCell ? cells : slowCellsOf(line);
}

function slowCellsOf(line: string): Cell[] {
	return styledCharsFromTokens(tokenize(line)).map(c => ({value: c.value, style: styleOf(c.styles)}));
}

const lineCells = new Memo<Cell[]>(4096);

/** Screen rows by what was written to them, kept for this frame and the last, for one width. */
let frameRows = {width: 0, rows: new Recent<string, string>()};
const BLANK: Cell = {value: ' ', style: PLAIN};

/**
 * A row of one line written from the left edge, its runs joined by the codes between their
 * styles, in one pass that makes nothing but the row; null when the line needs ansi-tokenize.
 */
function leftRow(width: number, line: string): string | null {
	let out = '';
	let written = PLAIN;
	let used = 0;
	const oneCell = eachRun(line, (from, to, style) => {
		out += transition(written, style) + line.slice(from, to);
		written = style;
		used += to - from;
	});
	if (!oneCell) return null;
	out += transition(written, PLAIN);
	return (used < width ? out + ' '.repeat(width - used) : out).trimEnd();
}

/** One screen row from what was written to it, in order, exactly as Ink's grid would give it. */
function renderRow(width: number, placed: readonly Placed[]): string {
	// The common row, one line written from the left edge (a table, a header), is made in one pass:
	// the same string as cell by cell, since codes only change where styles do.
	if (placed.length === 1 && placed[0]!.x === 0) {
		const row = leftRow(width, placed[0]!.line);
		if (row !== null) return row;
	}
	const row: Cell[] = [];
	for (let x = 0; x < width; x++) row.push(BLANK);
	for (const {x, line} of placed) {
		let offsetX = x;
		for (const cell of lineCells.get(line, () => cellsOf(line))) {
			row[offsetX] = cell;
			const cellWidth = Math.max(1, displayWidth(cell.value));
			// A wide character owns the next cells too.
			for (let index = 1; index < cellWidth; index++) row[offsetX + index] = {value: '', style: cell.style};
			offsetX += cellWidth;
		}
	}
	let out = '';
	let style = PLAIN;
	for (const cell of row) {
		if (cell === undefined) continue;
		out += transition(style, cell.style) + cell.value;
		style = cell.style;
	}
	return (out + transition(style, PLAIN)).trimEnd();
}

export default class Output {
	readonly width: number;
	readonly height: number;
	private readonly rows: Placed[][] = [];
	private readonly clips: Clip[] = [];

	constructor({width, height}: {width: number; height: number}) {
		this.width = width;
		this.height = height;
		for (let y = 0; y < height; y++) this.rows.push([]);
	}

	clip(clip: Clip): void {
		this.clips.push(clip);
	}

	unclip(): void {
		this.clips.pop();
	}

	write(x: number, y: number, text: string, {transformers}: {transformers: readonly Transformer[]}): void {
		if (!text) return;
		let lines = text.split('\n');
		const clip = this.clips.at(-1);
		if (clip) {
			const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
			const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
			if (clipHorizontally) {
				const width = widestLine(text);
				if (x + width < clip.x1! || x > clip.x2!) return;
			}
			if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) return;
			if (clipHorizontally) {
				lines = lines.map(line => {
					const from = x < clip.x1! ? clip.x1! - x : 0;
					const width = displayWidth(line);
					const to = x + width > clip.x2! ? clip.x2! - x : width;
					return sliceAnsi(line, from, to);
				});
				if (x < clip.x1!) x = clip.x1!;
			}
			if (clipVertically) {
				const from = y < clip.y1! ? clip.y1! - y : 0;
				const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
				lines = lines.slice(from, to);
				if (y < clip.y1!) y = clip.y1!;
			}
		}
		// As in Ink, a line that falls outside the grid does not advance to the next row.
		let offsetY = 0;
		for (let index = 0; index < lines.length; index++) {
			const row = this.rows[y + offsetY];
			if (!row) continue;
			let line = lines[index]!;
			for (const transformer of transformers) line = transformer(line, index);
			row.push({x, line});
			offsetY++;
		}
	}

	get(): {output: string; height: number} {
		const out: string[] = [];
		if (frameRows.width !== this.width) frameRows = {width: this.width, rows: new Recent()};
		const rows = frameRows.rows;
		rows.turn();
		for (const placed of this.rows) {
			// The common row, one line from the left edge, is known by that line itself (a line
			// holds no newline, so it cannot be mistaken for the key of another kind of row).
			if (placed.length === 1 && placed[0]!.x === 0) {
				out.push(rows.get(placed[0]!.line, () => renderRow(this.width, placed)));
				continue;
			}
			// Length-prefixed, so no text can make two different rows share a key.
			let key = '\n';
			for (const {x, line} of placed) key += `|${x}:${line.length}:${line}`;
			out.push(rows.get(key, () => renderRow(this.width, placed)));
		}
		return {output: out.join('\n'), height: this.rows.length};
	}
}
