import chalk, {type ChalkInstance} from 'chalk';
import {cellWidth, truncate} from '../text.js';
import type {ColorName, Theme} from '../theme.js';

/** A run of already-sanitized text with one style. */
export interface Segment {
	text: string;
	color?: ColorName;
	bold?: boolean;
	dim?: boolean;
	underline?: boolean;
}

/**
 * Segments fitted into exactly `width` cells, the last one that overflows cut with …, as one
 * string of styled text. Built straight into the string: a table row is made of these on every
 * frame that shows it anew.
 */
export function fittedText(segments: readonly Segment[], width: number, theme: Theme): string {
	let total = 0;
	for (const segment of segments) total += cellWidth(segment.text);
	let out = '';
	let used = 0;
	for (const segment of segments) {
		const w = cellWidth(segment.text);
		if (total <= width || used + w <= width - 1) {
			out += segmentText(segment.text, segment, theme);
			used += w;
			continue;
		}
		const text = truncate(segment.text + '…', width - used);
		out += segmentText(text, segment, theme);
		used += cellWidth(text);
		break;
	}
	return used < width ? out + ' '.repeat(width - used) : out;
}

/**
 * Segments cut to `width` cells by taking characters out before their last `keep` characters
 * (`appkey-acme-ZAREUL` in 15 cells: `appkey-…-ZAREUL`), each kept character keeping its style.
 * Unchanged when they fit or when the end alone would not.
 */
export function cutBeforeEnd(segments: readonly Segment[], width: number, keep: number): Segment[] {
	const chars = segments.flatMap(segment => [...segment.text].map(char => ({char, segment})));
	let total = 0;
	for (const {char} of chars) total += cellWidth(char);
	const tail = chars.slice(Math.max(0, chars.length - keep));
	const tailWidth = tail.reduce((sum, {char}) => sum + cellWidth(char), 0);
	if (total <= width || tailWidth + 2 > width) return [...segments];
	const head: typeof chars = [];
	let used = 0;
	for (const entry of chars) {
		const w = cellWidth(entry.char);
		if (used + w > width - 1 - tailWidth) break;
		head.push(entry);
		used += w;
	}
	const out: Segment[] = [];
	let from: Segment | undefined;
	for (const {char, segment} of [...head, {char: '…', segment: head.at(-1)?.segment ?? tail[0]!.segment}, ...tail]) {
		if (segment === from) out.at(-1)!.text += char;
		else out.push({...segment, text: char});
		from = segment;
	}
	return out;
}

/**
 * Splits `text` so every case-insensitive occurrence of `needle` is its own highlighted segment.
 * `lower` is the text lower-cased, for callers that keep it: lower-casing text with any
 * character beyond ASCII is slow, and table rows are highlighted anew on every search keystroke.
 */
export function highlight(text: string, needle: string, base: Omit<Segment, 'text'> = {}, lower: string = text.toLowerCase()): Segment[] {
	const query = needle.trim().toLowerCase();
	// Lower-casing can change lengths for a few scripts; fall back to no highlight then.
	if (!query || lower.length !== text.length || !lower.includes(query)) return [{...base, text}];
	const out: Segment[] = [];
	let from = 0;
	for (let at = lower.indexOf(query); at >= 0; at = lower.indexOf(query, at + query.length)) {
		if (at > from) out.push({...base, text: text.slice(from, at)});
		out.push({...base, text: text.slice(at, at + query.length), color: 'match', bold: true, underline: true});
		from = at + query.length;
	}
	if (from < text.length) out.push({...base, text: text.slice(from)});
	return out;
}

const hexColours = new Map<string, ChalkInstance>();
/** chalk.hex(colour), made once per colour instead of once per call. */
function hexColour(colour: string): ChalkInstance {
	let style = hexColours.get(colour);
	if (!style) hexColours.set(colour, (style = chalk.hex(colour)));
	return style;
}

/** The codes chalk puts before and after text in a style, by style and chalk's colour level. */
const wrappers = new Map<string, readonly [string, string]>();

/**
 * What Ink's <Text color bold dimColor underline> makes of `text`, in the same order and through
 * the same chalk, so a row built as one string draws exactly as the nested elements did. Text
 * with no escape or line break (all of a table's cells) gets the codes chalk gave a marker in the
 * same style: chalk puts the same codes around any such text, and this is one concatenation.
 */
export function styleText(text: string, color: string | undefined, flags: Omit<Segment, 'text' | 'color'> = {}): string {
	if (!text || text.includes('\u001b') || text.includes('\n') || text.includes('\r')) return chalkStyle(text, color, flags);
	const key = `${chalk.level}${flags.dim ? 'd' : ''}${flags.bold ? 'b' : ''}${flags.underline ? 'u' : ''} ${color ?? ''}`;
	let wrapper = wrappers.get(key);
	if (!wrapper) {
		const marked = chalkStyle('\u0000', color, flags);
		const at = marked.indexOf('\u0000');
		wrappers.set(key, (wrapper = [marked.slice(0, at), marked.slice(at + 1)]));
	}
	return wrapper[0] + text + wrapper[1];
}

/** styleText through chalk itself. */
export function chalkStyle(text: string, color: string | undefined, {bold, dim, underline}: Omit<Segment, 'text' | 'color'> = {}): string {
	let out = text;
	if (dim) out = chalk.dim(out);
	if (color) out = color.startsWith('#') ? hexColour(color)(out) : color in chalk ? (chalk[color as 'red'] as (s: string) => string)(out) : out;
	if (bold) out = chalk.bold(out);
	if (underline) out = chalk.underline(out);
	return out;
}

/** `text` in a segment's style. */
const segmentText = (text: string, s: Omit<Segment, 'text'>, theme: Theme) =>
	s.color || s.bold || s.dim || s.underline ? styleText(text, s.color ? theme.color(s.color) : undefined, s) : text;
