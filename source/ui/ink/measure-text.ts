/**
 * Ink's measureText (the size of a text node's text, asked while laying out), with a bounded
 * memory. Ink's own keeps the size of every text it ever measured in a Map that is never emptied:
 * each search keystroke draws a new table, so a session of typing grew the app by megabytes, and
 * every kept text lengthened the garbage collector's pauses. Put in place of Ink's module by
 * the table in replacements.mjs.
 */
import widestLine, {Memo} from './width.js';

interface Size {
	width: number;
	height: number;
}

const sizes = new Memo<Size>(256);

/** Lines in `text`, as text.split('\n').length counts them. */
function lineCount(text: string): number {
	let lines = 1;
	for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
	return lines;
}

export default function measureText(text: string): Size {
	if (text.length === 0) return {width: 0, height: 0};
	return sizes.get(text, () => ({width: widestLine(text), height: lineCount(text)}));
}
