/**
 * Ink's sanitizeAnsi (which keeps colour codes and drops other escape sequences), quick for text
 * that has only colour codes and remembered for the rest.
 * Ink runs it on the text of every text node when laying out and again when drawing, on every
 * frame; for 40 table rows of coloured text that was a JavaScript tokenizer over ~16 000
 * characters a frame. Put in place of Ink's module through the table in replacements.mjs.
 */
// @ts-expect-error Resolved by the bundler plugin to Ink's own build/sanitize-ansi.js.
import sanitizeAnsi from 'ink-build:sanitize-ansi.js';
import {Memo, onlyColourCodes} from './width.js';

const sanitized = new Memo<string>(2048);

export default function rememberedSanitizeAnsi(text: string): string {
	// Plain and coloured text, nearly all of it, comes back as it is: checked in one pass, not tokenized or kept.
	if (onlyColourCodes(text)) return text;
	return sanitized.get(text, () => (sanitizeAnsi as (text: string) => string)(text));
}
