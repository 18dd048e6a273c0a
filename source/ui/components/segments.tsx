import {Text} from 'ink';
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

export function Segments({segments, theme}: {segments: readonly Segment[]; theme: Theme}) {
	return (
		<>
			{segments.map((s, i) =>
				s.color || s.bold || s.dim || s.underline ? (
					<Text key={i} color={s.color ? theme.color(s.color) : undefined} bold={s.bold} dimColor={s.dim} underline={s.underline}>
						{s.text}
					</Text>
				) : (
					s.text
				),
			)}
		</>
	);
}
