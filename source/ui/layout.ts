/** A table column as the layout sees it. */
export interface ColumnSpec<Id extends string = string> {
	id: Id;
	title: string;
	/** Narrowest useful width in cells. */
	min: number;
	/** Widest it needs (fixed-width columns have min === max). */
	max: number;
	/** Share of the space left after every column has its min. */
	grow: number;
	/** Lower numbers stay longest when the terminal is narrow; 0 never drops. */
	priority: number;
	/** Characters at the end of a cell's text that a cut keeps, cutting before them instead (a key's suffix). */
	keepEnd?(text: string): number;
}

export interface PlacedColumn<Id extends string = string> {
	id: Id;
	title: string;
	width: number;
	keepEnd?(text: string): number;
}

/** Cells a boxed table spends on borders and padding: │ x │ y │ → 3 per column + 1. */
export const tableOverhead = (columns: number) => columns * 3 + 1;

/**
 * Widths for a boxed table `width` cells wide: drops the lowest-priority columns until the
 * minimums fit, then shares the rest by `grow` up to each max. Null when even the columns
 * that never drop do not fit.
 */
export function layoutColumns<Id extends string>(specs: readonly ColumnSpec<Id>[], width: number): PlacedColumn<Id>[] | null {
	let kept = [...specs];
	const needs = (columns: readonly ColumnSpec<Id>[]) => columns.reduce((sum, c) => sum + c.min, 0) + tableOverhead(columns.length);
	while (needs(kept) > width) {
		const droppable = kept.filter(c => c.priority > 0);
		if (droppable.length === 0) return null;
		const drop = droppable.reduce((a, b) => (b.priority > a.priority ? b : a));
		kept = kept.filter(c => c !== drop);
	}
	const widths = kept.map(c => c.min);
	let spare = width - needs(kept);
	// Hand out the spare cells by weight, a round at a time, until every column is at its max.
	while (spare > 0) {
		const open = kept.map((c, i) => (widths[i]! < c.max && c.grow > 0 ? i : -1)).filter(i => i >= 0);
		if (open.length === 0) break;
		const weight = open.reduce((sum, i) => sum + kept[i]!.grow, 0);
		let given = 0;
		for (const i of open) {
			const share = Math.max(1, Math.floor((spare * kept[i]!.grow) / weight));
			const add = Math.min(share, kept[i]!.max - widths[i]!, spare - given);
			widths[i]! += add;
			given += add;
			if (given >= spare) break;
		}
		if (given === 0) break;
		spare -= given;
	}
	return kept.map((c, i) => ({id: c.id, title: c.title, width: widths[i]!, ...(c.keepEnd ? {keepEnd: c.keepEnd} : {})}));
}
