import {ONE_CELL, displayWidth} from './ink/width.js';

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Display width in terminal cells (remembered; printable ASCII is its length). */
export const cellWidth = displayWidth;

/** Cuts to at most `width` cells, ending in … when cut. The text must already be sanitized. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (cellWidth(text) <= width) return text;
	if (ONE_CELL.test(text)) return `${text.slice(0, width - 1)}…`;
	let out = '';
	let used = 0;
	for (const {segment} of segmenter.segment(text)) {
		const w = cellWidth(segment);
		if (used + w > width - 1) break;
		out += segment;
		used += w;
	}
	return `${out}…`;
}

/** Cuts to at most `width` cells from the start, beginning with … when cut: a path keeps its file name. */
export function truncateStart(text: string, width: number): string {
	if (width <= 0) return '';
	if (cellWidth(text) <= width) return text;
	if (ONE_CELL.test(text)) return `…${text.slice(text.length - (width - 1))}`;
	const segments = [...segmenter.segment(text)].map(({segment}) => segment);
	let out = '';
	let used = 0;
	for (let i = segments.length - 1; i >= 0; i--) {
		const w = cellWidth(segments[i]!);
		if (used + w > width - 1) break;
		out = segments[i]! + out;
		used += w;
	}
	return `…${out}`;
}

/** Exactly `width` cells: cut with … or padded with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - cellWidth(cut)));
	return align === 'left' ? cut + pad : pad + cut;
}

/**
 * A count with its thousands grouped ("100,000"), as toLocaleString('en') writes it, without it:
 * the first use of a locale loads ICU's data, about 30 ms of the app's first frame.
 */
export const grouped = (count: number): string => String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
