import chalk from 'chalk';
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

/** Fits segments into exactly `width` cells, cutting the last one that overflows with …. */
export function fitSegments(segments: readonly Segment[], width: number): Segment[] {
	const out: Segment[] = [];
	let used = 0;
	const total = segments.reduce((sum, s) => sum + cellWidth(s.text), 0);
	for (const segment of segments) {
		const w = cellWidth(segment.text);
		if (total <= width || used + w <= width - 1) {
			out.push(segment);
			used += w;
			continue;
		}
		const text = truncate(segment.text + '…', width - used);
		out.push({...segment, text});
		used += cellWidth(text);
		break;
	}
	if (used < width) out.push({text: ' '.repeat(width - used)});
	return out;
}

/** Splits `text` so every case-insensitive occurrence of `needle` is its own highlighted segment. */
export function highlight(text: string, needle: string, base: Omit<Segment, 'text'> = {}): Segment[] {
	const query = needle.trim().toLowerCase();
	if (!query) return [{...base, text}];
	const lower = text.toLowerCase();
	const out: Segment[] = [];
	let from = 0;
	// Lower-casing can change lengths for a few scripts; fall back to no highlight then.
	if (lower.length !== text.length) return [{...base, text}];
	for (let at = lower.indexOf(query); at >= 0; at = lower.indexOf(query, at + query.length)) {
		if (at > from) out.push({...base, text: text.slice(from, at)});
		out.push({...base, text: text.slice(at, at + query.length), color: 'match', bold: true, underline: true});
		from = at + query.length;
	}
	if (from < text.length) out.push({...base, text: text.slice(from)});
	return out;
}

/**
 * What Ink's <Text color bold dimColor underline> makes of `text`, in the same order and through
 * the same chalk, so a row built as one string draws exactly as the nested elements did.
 */
export function styleText(text: string, color: string | undefined, {bold, dim, underline}: Omit<Segment, 'text' | 'color'> = {}): string {
	let out = text;
	if (dim) out = chalk.dim(out);
	if (color) out = color.startsWith('#') ? chalk.hex(color)(out) : color in chalk ? (chalk[color as 'red'] as (s: string) => string)(out) : out;
	if (bold) out = chalk.bold(out);
	if (underline) out = chalk.underline(out);
	return out;
}

/** Segments as one string of styled text. */
export function segmentsText(segments: readonly Segment[], theme: Theme): string {
	let out = '';
	for (const s of segments) out += s.color || s.bold || s.dim || s.underline ? styleText(s.text, s.color ? theme.color(s.color) : undefined, s) : s.text;
	return out;
}
