import stringWidth from 'string-width';

/**
 * A bounded memo for a pure function of a string: it is emptied when full, so a long session
 * cannot grow it, and the rows of the next few frames fill it again at once.
 */
export class Memo<T> {
	private readonly values = new Map<string, T>();

	constructor(private readonly limit: number) {}

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
 * drawing and most geometric shapes (◽◾ are emoji, two cells). test/ui/width.test.ts checks
 * every one of them against string-width. A string of them is as wide as it is long.
 */
export const ONE_CELL = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u202f-\u205e\u2190-\u21ff\u2500-\u25fc]*$/;
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[\d;]*m/g;

/** Display width in terminal cells: string-width's answer, without its cost for the common cases. */
export function displayWidth(text: string): number {
	if (ONE_CELL.test(text)) return text.length;
	// Colour codes take no cells; Ink measures lines that carry them.
	if (text.includes('\u001b')) {
		const plain = text.replace(SGR, '');
		if (ONE_CELL.test(plain)) return plain.length;
	}
	return widths.get(text, () => stringWidth(text));
}

/** The widest line of a block, as the widest-line package measures it; Ink asks it for every text node of every frame. */
export default function widestLine(text: string): number {
	let widest = 0;
	for (const line of text.split('\n')) widest = Math.max(widest, displayWidth(line));
	return widest;
}
