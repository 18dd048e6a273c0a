/**
 * string-width for cli-truncate, which Ink calls to cut `wrap="truncate"` text while laying out:
 * the same answers (displayWidth falls back to string-width itself), without string-width's cost
 * for one-cell text, and without its first call (which builds an emoji regular expression, ~10 ms)
 * on the way to the first frame. Put in place through the table in replacements.mjs.
 */
import stringWidth from 'string-width';
import {displayWidth} from './width.js';

export default function width(text: string, options?: Parameters<typeof stringWidth>[1]): number {
	return options ? stringWidth(text, options) : displayWidth(text);
}
