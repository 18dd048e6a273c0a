import stringWidth from 'string-width';

/**
 * A bounded memo for a pure function of a string: it is emptied when full, so a long session
 * cannot grow it, and the rows of the next few frames fill it again at once.
 */
export class Memo<T> {
	private readonly values = new Map<string, T>();

	constructor(private readonly limit: number) {}

	/** How many values it holds now (never more than its limit). */
	get size(): number {
		return this.values.size;
	}

	get(key: string, make: () => T): T {
		let value = this.values.get(key);
		if (value === undefined) {
			value = make();
			if (this.values.size >= this.limit) this.values.clear();
			this.values.set(key, value);
		}
		return value;
	}
}

const widths = new Memo<number>(8192);
/**
 * Characters that string-width counts as one cell each and that never join the next into one
 * grapheme: printable ASCII and Latin, general punctuation (dashes, quotes, …), arrows, box
 * drawing and most geometric shapes (◽◾ are emoji, two cells). test/ui/output.test.ts checks
 * every one of them against string-width. A string of them is as wide as it is long.
 */
const ONE_CELL_RANGES: ReadonlyArray<readonly [number, number]> = [
	[0x20, 0x7e],
	[0xa0, 0xac],
	[0xae, 0x2ff],
	[0x2010, 0x2027],
	[0x202f, 0x205e],
	[0x2190, 0x21ff],
	[0x2500, 0x25fc],
];
const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
export const ONE_CELL = new RegExp(`^[${ONE_CELL_RANGES.map(([from, to]) => `${hex(from)}-${hex(to)}`).join('')}]*$`);
const oneCell = (code: number) => ONE_CELL_RANGES.some(([from, to]) => code >= from && code <= to);
/** Whether each UTF-16 code unit below U+2600 is a one-cell character: one lookup per character in the scans below. */
const ONE_CELL_TABLE = Uint8Array.from({length: 0x2600}, (_, code) => (oneCell(code) ? 1 : 0));

/**
 * Where the colour code (ESC [ digits and `;` m, as chalk writes it) starting at `at` ends, or -1
 * if none starts there. string-width, ansi-tokenize and Ink's sanitizeAnsi read it alike.
 */
export function sgrEnd(text: string, at: number): number {
	if (text.charCodeAt(at) !== 0x1b || text.charCodeAt(at + 1) !== 0x5b) return -1;
	let end = at + 2;
	for (let code = text.charCodeAt(end); (code >= 0x30 && code <= 0x39) || code === 0x3b; code = text.charCodeAt(++end));
	return text.charCodeAt(end) === 0x6d ? end + 1 : -1;
}

/** Whether text[from, to) is all one-cell characters (see ONE_CELL), checked without slicing it. */
export function oneCellSpan(text: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0x2600 || ONE_CELL_TABLE[code] === 0) return false;
	}
	return true;
}

/**
 * The cells of text made of one-cell characters and colour codes only, or -1 for anything else.
 * One pass over the characters, allocating nothing: Ink measures every coloured table row with it.
 */
function colouredOneCellWidth(text: string): number {
	let cells = 0;
	for (let i = 0; i < text.length; ) {
		const code = text.charCodeAt(i);
		if (code === 0x1b) {
			const end = sgrEnd(text, i);
			if (end < 0) return -1;
			i = end;
			continue;
		}
		if (code >= 0x2600 || ONE_CELL_TABLE[code] === 0) return -1;
		cells++;
		i++;
	}
	return cells;
}

/**
 * Whether every escape in `text` is a complete colour code and it holds no C1 control character:
 * Ink's sanitizeAnsi then gives it back unchanged.
 */
export function onlyColourCodes(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 0x1b) {
			const end = sgrEnd(text, i);
			if (end < 0) return false;
			i = end - 1;
		} else if (code >= 0x80 && code <= 0x9f) {
			return false;
		}
	}
	return true;
}

/** Display width in terminal cells: string-width's answer, without its cost for the common cases. */
export function displayWidth(text: string): number {
	if (ONE_CELL.test(text)) return text.length;
	// Colour codes take no cells; Ink measures lines that carry them.
	if (text.includes('\u001b')) {
		const cells = colouredOneCellWidth(text);
		if (cells >= 0) return cells;
	}
	return widths.get(text, () => stringWidth(text));
}

/** The widest line of a block, as the widest-line package measures it; Ink asks it for every text node of every frame. */
export default function widestLine(text: string): number {
	if (!text.includes('\n')) return displayWidth(text);
	let widest = 0;
	for (const line of text.split('\n')) widest = Math.max(widest, displayWidth(line));
	return widest;
}
