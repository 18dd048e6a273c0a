import {ROWS_READ_AROUND, type KeyQuery} from '../core/query.js';
import type {KeyColumnsRow} from '../core/key-columns.js';
import type {GeneratedKey} from '../core/types.js';
import type {FirstKeys} from '../store/postgres/key-queries.js';

type Order = Pick<KeyQuery, 'sort' | 'descending'>;
/** The first keys of a scan, whole, as of the store's revision in its snapshot. */
export interface FirstRead {
	keys: GeneratedKey[];
	revision: number;
}
type Scan = (order: Order, start: (count: number, revision: number) => void, each: (rows: KeyColumnsRow[]) => boolean | Promise<boolean>, first: FirstKeys) => Promise<void>;

/** How long a scan begun ahead waits for the app to take it before it lets its connection go. */
const UNCLAIMED_MS = 10_000;

/**
 * A scan of the key columns begun before anyone asks for it (the app's first order, while its
 * first frame is drawn): it reads the count and the first batch, then waits, holding them, for the
 * first scan asked for in the same order, which takes it over from there. Unclaimed, it stops.
 * It reads the first keys in that order whole too, in the same snapshot: the rows the app's first
 * frame shows around its selection, which is on the first key.
 */
export class EarlyScan {
	private started: [count: number, revision: number] | null = null;
	private readonly held: KeyColumnsRow[][] = [];
	private taker: {start: (count: number, revision: number) => void; each: (rows: KeyColumnsRow[]) => boolean} | null = null;
	private claimed!: (go: boolean) => void;
	private readonly claim = new Promise<boolean>(resolve => (this.claimed = resolve));
	private readonly done: Promise<void>;
	/** Set once it stopped untaken: then it serves nobody. */
	private over = false;
	private gotFirst!: (first: FirstRead | null) => void;
	/** The first keys in the scan's order, whole, from its snapshot, and its revision; null when the scan failed first. */
	readonly firstKeys = new Promise<FirstRead | null>(resolve => (this.gotFirst = resolve));

	constructor(
		readonly order: Order,
		scan: Scan,
	) {
		const timer = setTimeout(() => this.giveUp(), UNCLAIMED_MS);
		timer.unref();
		this.done = scan(
			order,
			(count, revision) => (this.taker ? this.taker.start(count, revision) : (this.started = [count, revision])),
			rows => {
				if (this.taker) return this.taker.each(rows);
				this.held.push(rows);
				// Waits (its cursor open) for a taker; none: the scan ends here.
				return this.claim.then(go => go && this.taker!.each(this.held.splice(0).flat()));
			},
			{limit: ROWS_READ_AROUND, read: (keys, revision) => this.gotFirst({keys, revision})},
		).finally(() => {
			clearTimeout(timer);
			this.gotFirst(null);
		});
		// Failing before anyone takes it, it fails for the taker (who reads afresh); nobody: nothing to say.
		this.done.catch(() => undefined);
	}

	/** Whether a scan asked for in `order` can take this one over. */
	serves(order: Order): boolean {
		return !this.over && order.sort === this.order.sort && Boolean(order.descending) === Boolean(this.order.descending);
	}

	/** Takes the scan over: what it read so far, then the rest as it comes. Resolves when it ends. */
	take(start: (count: number, revision: number) => void, each: (rows: KeyColumnsRow[]) => boolean): Promise<void> {
		this.taker = {start, each};
		if (this.started) start(...this.started);
		this.claimed(true);
		return this.done;
	}

	/** Lets the scan go untaken (the store is closing). */
	drop(): Promise<void> {
		this.giveUp();
		return this.done.catch(() => undefined);
	}

	private giveUp(): void {
		if (this.taker) return;
		this.over = true;
		this.claimed(false);
	}
}
