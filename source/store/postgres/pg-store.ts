import pg from 'pg';
import {isApiKeysError, refused, storeFailure} from '../../core/errors.js';
import type {ActivityEntry, Settings, StoreData} from '../../core/types.js';
import {SCHEMA_VERSION} from '../../core/types.js';
import {draftOf} from '../draft.js';
import {fileOrder} from '../line-layout.js';
import {LISTS, insertInBulk, keyOf, writeDiff, type KeyRow, type ListName} from './rows.js';
import {KEYS_SINCE, countKeys, keysByAppKey, keysByAppKeyStatement, keysHolding, keyColumnsSince, readCursor, scanKeyColumns, streamKeys, tokenOwner} from './key-queries.js';
import type {ChangeScope, KeyFinder} from '../../service/session.js';
import type {KeyQuery} from '../../core/query.js';
import type {GeneratedKey, StoreSnapshot} from '../../core/types.js';
import {validateStore} from '../parse-store.js';
import {closePool, connectionConfig, connectionFailure, newPool, pooledClient} from './connection.js';
import {CHANGES_CHANNEL, SNAPSHOT, inTransaction, listenForChanges} from './listen.js';
import {displayUrl} from './location.js';
import {checkSchemaVersion, createSchema, schemaVersion} from './schema.js';

/** How much of the log a store holds from its opening on (the rest is read when asked for). */
export const ACTIVITY_HELD = 200;



/**
 * A store in PostgreSQL, behind the same interface as the file store: `read` gives the data as a
 * snapshot nobody changes (fetching only the rows written since the revision it holds), and
 * `transact` runs a change on a copy inside one database transaction, serialized by a lock on the
 * store's row, writing only the rows the change replaced, added or removed, with its activity
 * entry, then announcing the new revision with NOTIFY.
 */
export class PgStore {
	readonly path: string;
	private data: StoreData | null = null;
	/** The id of the oldest log entry held; older ones are read when asked for. */
	private heldFrom: number | null = null;

	private constructor(
		private readonly pool: pg.Pool,
		private readonly config: pg.ClientConfig,
		location: string,
		/** The database login: in a PostgreSQL store, the operator. */
		readonly login: string,
	) {
		this.path = displayUrl(location);
	}

	private static async connect(location: string, env: NodeJS.ProcessEnv): Promise<{pool: pg.Pool; config: pg.ClientConfig; login: string}> {
		const config = connectionConfig(location, env);
		const pool = newPool({...config, max: 4, idleTimeoutMillis: 10_000});
		try {
			const result = await pool.query<{login: string}>('SELECT current_user AS login');
			return {pool, config, login: result.rows[0]!.login};
		} catch (error) {
			await closePool(pool);
			throw connectionFailure(displayUrl(location), error);
		}
	}

	/**
	 * Opens the store. `ahead`: connections to open meanwhile and keep in the pool (the app reads its
	 * key columns on a second one while it works on the first; the server starts each in a few ms).
	 */
	static async open(location: string, env: NodeJS.ProcessEnv = process.env, ahead = 0): Promise<PgStore> {
		const {pool, config, login} = await PgStore.connect(location, env);
		const store = new PgStore(pool, config, location, login);
		try {
			// The connection that asked for the login (its server process is warm) reads the store.
			const client = await store.client();
			// The others are opened meanwhile, taken at once so each is a new connection, and given back: the pool keeps them idle for a while.
			for (let n = 0; n < ahead; n++) void pool.connect().then(other => setImmediate(() => other.release()), () => undefined);
			try {
				checkSchemaVersion(await schemaVersion(client), store.path);
			} finally {
				client.release();
			}
			await store.read();
			return store;
		} catch (error) {
			await store.close();
			throw store.failure(error);
		}
	}

	/** Creates the schema and the store's first data; refused when the database has a store. */
	static async create(location: string, initial: (login: string) => StoreData, env: NodeJS.ProcessEnv = process.env): Promise<PgStore> {
		const {pool, config, login} = await PgStore.connect(location, env);
		const store = new PgStore(pool, config, location, login);
		try {
			const data = {...initial(login), revision: 1};
			const client = await store.client();
			await store.inTransaction(client, 'BEGIN', async () => {
				if ((await schemaVersion(client)) !== null) throw refused(`a store already exists in ${store.path}`);
				await createSchema(client);
				await client.query('INSERT INTO apikeys.store (account, created, revision, settings) VALUES ($1, $2, $3, $4)', [data.account, data.created, data.revision, data.settings]);
				// The long lists go in batches (a copied store can hold 100 000 keys); the rest row by row.
				await insertInBulk(client, data);
				await writeDiff(client, {...emptyLike(data), keys: data.keys, activity: data.activity}, data);
			});
			// Statistics for the planner now, not when autovacuum first comes by (up to a minute or so
			// later): a copied store's 100 000 keys were otherwise counted as 0 by the app's progress
			// until then. An optimization only: a login that may not ANALYZE goes on without.
			await store.pool.query('ANALYZE apikeys.keys, apikeys.tokens, apikeys.activity').catch(() => undefined);
			await store.read();
			return store;
		} catch (error) {
			await store.close();
			throw store.failure(error);
		}
	}

	get revision(): number {
		return this.data?.revision ?? 0;
	}

	peek(): StoreData | null {
		return this.data;
	}

	peekPreview(): null {
		return null;
	}

	/** The log's entries older than those held (read on demand, as a file store's archive), oldest first. */
	async archivedActivity(): Promise<readonly ActivityEntry[]> {
		if (this.heldFrom === null) return [];
		const from = this.heldFrom;
		return this.attempt(async () => (await this.pool.query(`${ACTIVITY_SELECT} WHERE id < $1 ORDER BY id`, [from])).rows.map(entryOf));
	}

	/**
	 * The data as of the database's last commit, without the keys (found through `finder` instead)
	 * and with the log from its newest ACTIVITY_HELD entries on: only rows written since the
	 * revision held are fetched.
	 */
	read(): Promise<StoreData> {
		return this.inSnapshot(client => this.refresh(client));
	}

	/** Finds the keys, which are not held in memory: by appKey, by digest, counted, or streamed in a table's order. */
	readonly finder: KeyFinder = {
		byAppKey: appKeys => this.attempt(() => keysByAppKey(this.pool, appKeys)),
		tokenOwner: digest => this.attempt(() => tokenOwner(this.pool, digest)),
		count: (query?: KeyQuery) => this.attempt(() => countKeys(this.pool, query)),
		stream: (query, each) => this.withClient(client => streamKeys(client, query, each)),
		whole: () => this.inSnapshot(client => this.refresh(client, true)),
		scanColumns: (order, start, each, first) => this.withClient(client => scanKeyColumns(client, order, start, each, first)),
		olderLog: (cursor, limit) =>
			this.inSnapshot(async client => {
				const before = cursor ?? this.heldFrom;
				if (before === null) return {entries: [], next: null, older: 0};
				const page = await client.query<EntryRow>(`${ACTIVITY_SELECT} WHERE id < $1 ORDER BY id DESC LIMIT $2`, [before, limit]);
				// Counted once, with the first page: the log only grows at the newest end, which is held.
				const older = cursor === null ? await client.query<{count: string}>('SELECT count(*) AS count FROM apikeys.activity WHERE id < $1', [before]) : null;
				const last = page.rows.at(-1);
				return {entries: page.rows.map(entryOf), next: page.rows.length === limit && last ? Number(last.id) : null, older: older ? Number(older.rows[0]!.count) : null};
			}),
		streamLog: (since, each) =>
			this.withClient(client =>
				readCursor<EntryRow>(client, {text: `${ACTIVITY_SELECT} WHERE $1::bigint IS NULL OR at >= $1 ORDER BY id DESC`, values: [since ?? null], size: 5000}, rows => each(rows.map(entryOf))),
			),
		columnsSince: (revision, limit) => this.inSnapshot(client => keyColumnsSince(client, revision, limit)),
	};

	async transact<T>(change: (data: StoreData, tx: {skipWrite(): void}) => T, scope: ChangeScope = {}): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.transactOnce(change, scope);
			} catch (error) {
				// A new key's random appKey taken meanwhile (the keys are not all in memory to check): draw again.
				const {code, constraint} = error as {code?: string; constraint?: string};
				if (attempt < 5 && code === '23505' && constraint === 'keys_pkey') continue;
				throw this.failure(error);
			}
		}
	}

	private async transactOnce<T>(change: (data: StoreData, tx: {skipWrite(): void}) => T, scope: ChangeScope): Promise<T> {
		let written: StoreData | null = null;
		// BEGIN, the store row's lock and the keys the change names in one round trip: changes run one
		// at a time, each on the data all earlier ones left, and see the keys as they are under the lock.
		const client = await this.client();
		const given = Array.isArray(scope.keys) ? (scope.keys as readonly string[]) : null;
		const keysRead = given ? keysByAppKeyStatement(client, given) : null;
		const result = await this.inTransaction(client, `BEGIN; ${HEAD} FOR UPDATE${keysRead ? `; ${keysRead}` : ''}`, async opened => {
			const held = await this.refresh(client, false, opened[0]!.rows[0]);
			// The keys it names (and a role's holders): those not read with the lock are read now.
			const named = typeof scope.keys === 'function' ? scope.keys(held) : (scope.keys ?? []);
			const role = typeof scope.holding === 'function' ? scope.holding(held) : scope.holding;
			const found = [...(keysRead ? opened[1]!.rows.map(keyOf) : await keysByAppKey(client, named)), ...(role ? await keysHolding(client, role) : [])];
			const current: StoreData = {...held, keys: [...new Map(found.map(k => [k.appKey, k])).values()]};
			const draft = draftOf(current);
			let skip = false;
			const outcome = change(draft, {skipWrite: () => (skip = true)});
			if (skip) return outcome;
			draft.revision = current.revision + 1;
			// The new revision, announced in the same statement as the last writes (one round trip for most changes).
			await writeDiff(client, current, draft, {
				text: `UPDATE apikeys.store SET revision = $1, settings = $2 RETURNING pg_notify('${CHANGES_CHANNEL}', $3)`,
				values: [draft.revision, draft.settings, String(draft.revision)],
			});
			written = {...draft, keys: []};
			return outcome;
		});
		// Only a committed draft becomes the data held.
		if (written) this.data = written;
		return result;
	}

	/**
	 * Calls `onChange` for every change another connection commits, once more after a lost
	 * connection comes back, and when it is lost: a read then finds out (and says) whether the
	 * database is out of reach.
	 */
	watch(onChange: () => void): () => void {
		return listenForChanges(this.config, onChange, listening => !listening && onChange());
	}

	close(): Promise<void> {
		return closePool(this.pool);
	}

	private client(): Promise<pg.PoolClient> {
		return pooledClient(this.pool, this.path);
	}

	/** Work on a pooled connection, its failure said in one line. */
	private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		return this.attempt(async () => {
			const client = await this.client();
			try {
				return await work(client);
			} finally {
				client.release();
			}
		});
	}

	private async attempt<T>(work: () => Promise<T>): Promise<T> {
		try {
			return await work();
		} catch (error) {
			throw this.failure(error);
		}
	}

	/** Reads in one snapshot of the database (a read-only repeatable-read transaction). */
	private inSnapshot<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		return this.withClient(client => inTransaction(client, SNAPSHOT, () => work(client)));
	}

	/** Work in a transaction on `client` (a pooled connection, released after), begun with `begin`. */
	private async inTransaction<T>(client: pg.PoolClient, begin: string, work: (opened: pg.QueryResult[]) => Promise<T>): Promise<T> {
		try {
			return await inTransaction(client, begin, work);
		} finally {
			client.release();
		}
	}

	/**
	 * The data at the database's revision, from the data held plus the rows written since: without
	 * the keys, and with the log from its newest ACTIVITY_HELD entries on; or, `whole`, everything
	 * read afresh (a copy, an export), which is not held. `locked`: the store row, read under its lock.
	 */
	private async refresh(client: pg.ClientBase, whole = false, locked?: HeadRow): Promise<StoreData> {
		const row = locked ?? (await client.query<HeadRow>(HEAD)).rows[0];
		if (!row) throw storeFailure(`the store in ${this.path} has no account row: it was damaged; it was left untouched`);
		const revision = Number(row.revision);
		const held = whole ? null : this.data;
		if (held && held.revision === revision) return held;
		const since = held ? held.revision : -1;
		// One query at a time: a client runs one statement at a time (a pool would lose the transaction's snapshot).
		const keys = whole ? await client.query<KeyRow>(KEYS_SINCE, [since]) : {rows: []};
		const external = await client.query('SELECT app_key, roles, added, added_by, active FROM apikeys.external_keys WHERE revision > $1', [since]);
		const links = await client.query('SELECT id, app_key, purpose, token_digest, created, expires, sealed, used, used_by FROM apikeys.links WHERE revision > $1', [since]);
		const operators = await client.query('SELECT login, roles, added, added_by FROM apikeys.operators WHERE revision > $1', [since]);
		const roles = await client.query('SELECT name, resources, created, created_by FROM apikeys.roles WHERE revision > $1', [since]);
		const activity =
			held || whole
				? await client.query<EntryRow>(`${ACTIVITY_SELECT} WHERE revision > $1 ORDER BY id`, [since])
				: await client.query<EntryRow>(`SELECT * FROM (${ACTIVITY_SELECT} ORDER BY id DESC LIMIT $1) newest ORDER BY id`, [ACTIVITY_HELD]);
		if (!held && !whole) this.heldFrom = activity.rows[0] ? Number(activity.rows[0].id) : null;
		const removed = held ? await client.query<{kind: string; id: string}>('SELECT kind, id FROM apikeys.removed WHERE revision > $1', [since]) : {rows: []};
		const gone = new Set(removed.rows.map(r => `${r.kind}\u0000${r.id}`));
		const merge = <L extends ListName>(name: L, fresh: StoreData[L]): StoreData[L] => {
			const {kind, id} = LISTS[name] as {kind: string; id: (item: StoreData[L][number]) => string};
			const changed = new Map(fresh.map(item => [id(item), item]));
			const kept = (held?.[name] ?? []).filter(item => !gone.has(`${kind}\u0000${id(item)}`) && !changed.has(id(item)));
			return [...kept, ...changed.values()] as StoreData[L];
		};
		const data: StoreData = {
			schemaVersion: SCHEMA_VERSION,
			revision,
			account: row.account,
			created: Number(row.created),
			settings: row.settings,
			keys: merge('keys', keys.rows.map(keyOf)).sort(fileOrder),
			external: merge(
				'external',
				external.rows.map(r => ({appKey: r.app_key, roles: r.roles, added: Number(r.added), addedBy: r.added_by, active: r.active})),
			),
			links: merge(
				'links',
				links.rows.map(r => ({
					id: r.id,
					appKey: r.app_key,
					purpose: r.purpose,
					tokenDigest: r.token_digest,
					created: Number(r.created),
					expires: Number(r.expires),
					...(r.sealed === null ? {} : {sealed: r.sealed}),
					...(r.used === null ? {} : {used: Number(r.used), usedBy: r.used_by}),
				})),
			),
			operators: merge('operators', operators.rows.map(r => ({login: r.login, roles: r.roles, added: Number(r.added), addedBy: r.added_by}))),
			roles: merge('roles', roles.rows.map(r => ({name: r.name, resources: r.resources, created: Number(r.created), createdBy: r.created_by}))),
			activity: [
				...(held?.activity ?? []),
				...activity.rows.map(entryOf),
			],
		};
		// The same checks as a store file's: nothing reaches the program that the schema does not allow.
		const checked = held ? data : validateStore(this.path, data);
		if (!whole) this.data = checked;
		return checked;
	}

	/** A database error as one line; a lost connection says so. */
	private failure(error: unknown): Error {
		if (isApiKeysError(error)) return error;
		const code = (error as {code?: string}).code;
		if (code && /^(08|57P)/.test(code)) return connectionFailure(this.path, error);
		if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return connectionFailure(this.path, error);
		const message = (error as Error).message?.split('\n')[0] ?? String(error);
		return storeFailure(`the PostgreSQL store ${this.path} refused the change: ${message}; nothing was changed`);
	}
}

/** The store's own row: its account, revision and settings. */
const HEAD = 'SELECT account, created, revision, settings FROM apikeys.store';
interface HeadRow {
	account: string;
	created: string;
	revision: string;
	settings: Settings;
}

const ACTIVITY_SELECT = 'SELECT id, at, operator, action, app_key, summary FROM apikeys.activity';

interface EntryRow {
	id: string;
	at: string;
	operator: string;
	action: string;
	app_key: string | null;
	summary: string | null;
}

const entryOf = (r: EntryRow): ActivityEntry => ({
	at: Number(r.at),
	operator: r.operator,
	action: r.action,
	...(r.app_key === null ? {} : {appKey: r.app_key}),
	...(r.summary === null ? {} : {summary: r.summary}),
});

/** The same store with nothing in its lists: what a new store's first write adds everything to. */
const emptyLike = (data: StoreData): StoreData => ({...data, keys: [], external: [], links: [], operators: [], roles: [], activity: []});
