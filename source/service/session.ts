import {randomBytes} from 'node:crypto';
import {recordActivity} from '../core/activity.js';
import {purgeExpiredLinks} from '../core/links.js';
import {missingResource, requireResource} from '../core/permissions.js';
import type {KeyQuery} from '../core/query.js';
import type {KeyColumnsRow} from '../core/key-columns.js';
import type {FirstKeys, TokenOwner} from '../store/postgres/key-queries.js';
import type {ActivityEntry, GeneratedKey, Millis, OperatorResource, RuleContext, StoreData, StoreSnapshot} from '../core/types.js';

export interface ServiceOptions {
	operator: string;
	clock?: () => Millis;
	random?: (bytes: number) => Uint8Array;
	/** The operator named by APIKEYS_OPERATOR, if any: a PostgreSQL store refuses it unless it is the database login. */
	claimedOperator?: string;
	/** Set in a shared deployment: exports are not written to files as the service account, and this says why. */
	fileExportsRefused?: string;
}

/**
 * What the service needs of a store, whatever keeps it: the file (store/store.ts), PostgreSQL
 * (store/postgres/pg-store.ts), or a draft in memory (memory-store.ts).
 */
export interface StoreBackend {
	/** Where the store is, as it may be shown. */
	readonly path: string;
	/** The revision of the data last read or written. */
	readonly revision: number;
	/** The data now: a snapshot nobody changes. */
	read(): Promise<StoreData>;
	/** The data last read, without reading again. */
	peek(): StoreData | null;
	/** A large store's newest keys and key count, while only they are read. */
	peekPreview(): {data: StoreData; keyCount: number} | null;
	/**
	 * Runs `change` on a copy of the current data and keeps the copy only if it is written. A store
	 * with a `finder` gives the change only the keys its `scope` names.
	 */
	transact<T>(change: (data: StoreData, tx: {skipWrite(): void}) => T, scope?: ChangeScope): Promise<T>;
	/** Set when the store does not hold its keys in memory (PostgreSQL): where they are found. */
	readonly finder?: KeyFinder;
	/** The log's older entries, kept apart from `data`, oldest first. */
	archivedActivity(data: StoreSnapshot): Promise<readonly ActivityEntry[]>;
	/** Lets go of what the store holds open (connections); nothing for a file. */
	close?(): Promise<void>;
	/** Calls `onChange` when another process changes the store (PostgreSQL's NOTIFY); a file is polled instead. Returns the way to stop. */
	watch?(onChange: () => void): () => void;
}

/**
 * The keys a change reads or changes, for a store that does not hold them all: by appKey (or
 * found from the rest of the data, as a link's key is), and every holder of a role. A store that
 * holds every key (the file) ignores it.
 */
export interface ChangeScope {
	keys?: readonly string[] | ((data: StoreSnapshot) => readonly string[]);
	holding?: string | ((data: StoreSnapshot) => string | undefined);
}

/** How the service finds keys in a store that does not hold them in memory. */
export interface KeyFinder {
	byAppKey(appKeys: readonly string[]): Promise<GeneratedKey[]>;
	/** What verifying needs of the key with a token of this digest, and which token it is. */
	tokenOwner(digest: string): Promise<TokenOwner | null>;
	count(query?: KeyQuery): Promise<number>;
	/** The keys a query finds, in its order, a batch at a time. */
	stream(query: KeyQuery, each: (keys: GeneratedKey[]) => void | Promise<void>): Promise<void>;
	/** Every key and log entry, read afresh and not held: for a copy, an export, an audit. */
	whole(): Promise<StoreData>;
	/** Every key as the app's columns take it, in a table's order (see scanKeyColumns). */
	scanColumns(
		order: Pick<KeyQuery, 'sort' | 'descending'>,
		start: (count: number, revision: number) => void,
		each: (rows: KeyColumnsRow[]) => boolean | Promise<boolean>,
		first?: FirstKeys,
	): Promise<void>;
	/**
	 * A page of the log's entries older than those held, newest first, before `cursor` (null: the
	 * oldest held), with the cursor of the next page (null at the first entry) and how many older
	 * entries there are in all.
	 */
	olderLog(cursor: number | null, limit: number): Promise<{entries: ActivityEntry[]; next: number | null; older: number | null}>;
	/** The log's entries since a time (all: undefined), newest first, a batch at a time. */
	streamLog(since: Millis | undefined, each: (entries: ActivityEntry[]) => void | Promise<void>): Promise<void>;
	/** The keys changed and removed since a revision, for the columns; null when more than `limit` changed. */
	columnsSince(revision: number, limit: number): Promise<{revision: number; changed: KeyColumnsRow[]; removed: string[]} | null>;
}

/** What a change hands back: its result, the key it concerned, and its activity summary (null: nothing changed). */
export interface Outcome<T> {
	result: T;
	appKey?: string;
	summary?: string | null;
}

/**
 * One operator's session on one store: the reads under a resource and the one way to change the
 * store (permission → core rule → activity → persist) that every service method goes through.
 */
export abstract class ServiceSession {
	readonly operator: string;
	protected readonly clock: () => Millis;
	protected readonly random: (bytes: number) => Uint8Array;

	protected constructor(
		protected readonly store: StoreBackend,
		protected readonly options: ServiceOptions,
	) {
		this.operator = options.operator;
		this.clock = options.clock ?? Date.now;
		this.random = options.random ?? (bytes => randomBytes(bytes));
	}

	get path(): string {
		return this.store.path;
	}

	/** The revision of the data last read or written (each write adds one). */
	get revision(): number {
		return this.store.revision;
	}

	now(): Millis {
		return this.clock();
	}

	protected context(now: Millis): RuleContext {
		return {now, operator: this.operator, random: this.random};
	}

	/** The data as read now: a snapshot nobody may change (only a transaction's draft can be). */
	protected read(): Promise<StoreSnapshot> {
		return this.store.read();
	}

	/** Reads under a resource. */
	protected async view(): Promise<StoreSnapshot> {
		const data = await this.read();
		requireResource(data, this.operator, 'View API Keys', 'view API keys');
		return data;
	}

	/** The whole store, every key and log entry, even where the store holds only part of it. */
	protected whole(): Promise<StoreSnapshot> {
		return this.store.finder ? this.store.finder.whole() : this.store.read();
	}

	protected change<T>(
		resource: OperatorResource | null,
		what: string,
		action: string,
		apply: (data: StoreData, ctx: RuleContext) => Outcome<T>,
		scope?: ChangeScope,
	): Promise<T> {
		return this.store.transact((data, tx) => {
			if (resource) requireResource(data, this.operator, resource, what);
			const ctx = this.context(this.clock());
			const outcome = apply(data, ctx);
			if (outcome.summary === null) {
				tx.skipWrite();
				return outcome.result;
			}
			purgeExpiredLinks(data, ctx.now);
			recordActivity(data, {at: ctx.now, operator: this.operator, action, appKey: outcome.appKey, summary: outcome.summary});
			return outcome.result;
		}, scope);
	}


	protected mayView(data: StoreSnapshot): boolean {
		return missingResource(data, this.operator, 'View API Keys') === null;
	}
}
