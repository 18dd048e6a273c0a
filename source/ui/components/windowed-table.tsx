import {useRef} from 'react';
import {layoutColumns, type ColumnSpec} from '../layout.js';
import {scrollOffset} from '../state.js';
import type {Segment} from './segments.js';
import {Table, segmentsWidth} from './table.js';

export interface WindowedTableProps<Item, Id extends string> {
	items: readonly Item[];
	specs: readonly ColumnSpec<Id>[];
	/** The column that takes the width the others do not need. */
	fill: Id;
	cells(item: Item): Record<Id, Segment[]>;
	selectedIndex: number;
	bodyHeight: number;
	width: number;
	empty: string;
}

/**
 * Scrolls so the selection stays in view, builds cells for the visible rows only, and, like
 * ink-table, makes each column no wider than those rows need, leaving the rest to `fill`.
 */
export function WindowedTable<Item, Id extends string>({items, specs, fill, cells, selectedIndex, bodyHeight, width, empty}: WindowedTableProps<Item, Id>) {
	const offset = useRef(0);
	offset.current = scrollOffset(offset.current, selectedIndex, bodyHeight, items.length);
	const visible = items.slice(offset.current, offset.current + bodyHeight).map(cells);
	const fitted = specs.map(spec =>
		spec.id === fill
			? spec
			: {...spec, max: Math.max(spec.min, Math.min(spec.max, Math.max(spec.title.length, ...visible.map(row => segmentsWidth(row[spec.id])))))},
	);
	const columns = layoutColumns(fitted, width);
	if (!columns) return null;
	return <Table columns={columns} count={items.length} offset={offset.current} height={bodyHeight} selected={selectedIndex} visible={visible} empty={empty} />;
}
