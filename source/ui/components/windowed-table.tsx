import {useRef} from 'react';
import type {Rows} from '../../core/query.js';
import {layoutColumns, type ColumnSpec, type PlacedColumn} from '../layout.js';
import {useRecent} from '../hooks/use-recent.js';
import {scrollOffset} from '../state.js';
import type {Segment} from './segments.js';
import {Table, segmentsWidth} from './table.js';

export interface WindowedTableProps<Item extends object, Id extends string> {
	items: Rows<Item>;
	specs: readonly ColumnSpec<Id>[];
	/** The column that takes the width the others do not need. */
	fill: Id;
	cells(item: Item): Record<Id, Segment[]>;
	/** Everything `cells` reads besides the item (the search, the clock): cells are rebuilt when one changes. */
	cellsDependOn: readonly unknown[];
	selectedIndex: number;
	bodyHeight: number;
	width: number;
	empty: string;
}

/**
 * Scrolls so the selection stays in view, builds cells for the visible rows only (each row's
 * cells once while it stays in view and nothing they depend on changes), and, like ink-table,
 * makes each column no wider than those rows need, leaving the rest to `fill`.
 */
export function WindowedTable<Item extends object, Id extends string>(props: WindowedTableProps<Item, Id>) {
	const {items, specs, fill, cells, cellsDependOn, selectedIndex, bodyHeight, width, empty} = props;
	const offset = useRef(0);
	const built = useRecent<Item, Record<Id, Segment[]>>(cellsDependOn);
	built.turn();
	offset.current = scrollOffset(offset.current, selectedIndex, bodyHeight, items.length);
	const window = items.slice(offset.current, offset.current + bodyHeight);
	const visible = window.map(item => ({cells: built.get(item, cells)}));
	const fitted = specs.map(spec =>
		spec.id === fill
			? spec
			: {...spec, max: Math.max(spec.min, Math.min(spec.max, Math.max(spec.title.length, ...visible.map(row => segmentsWidth(row.cells[spec.id])))))},
	);
	const columns = useStableColumns(layoutColumns(fitted, width));
	if (!columns) return null;
	return <Table columns={columns} count={items.length} offset={offset.current} height={bodyHeight} selected={selectedIndex} visible={visible} empty={empty} />;
}

/** The same array while the widths stay the same, so rows that did not change are not redrawn. */
function useStableColumns<Id extends string>(columns: PlacedColumn<Id>[] | null): PlacedColumn<Id>[] | null {
	const last = useRef<{signature: string; columns: PlacedColumn<Id>[] | null}>({signature: '', columns: null});
	const signature = columns ? columns.map(c => `${c.id}:${c.width}`).join(',') : '';
	if (signature !== last.current.signature) last.current = {signature, columns};
	return last.current.columns;
}
