import pg from 'pg';
import {isApiKeysError, refused, storeFailure} from '../../core/errors.js';
import type {ActivityEntry, CustomRole, ExternalKey, GeneratedKey, LinkRecord, Operator, Settings, StoreData, TokenRecord} from '../../core/types.js';
import {SCHEMA_VERSION} from '../../core/types.js';
import {draftOf} from '../draft.js';
import {fileOrder} from '../line-layout.js';
import {validateStore} from '../parse-store.js';
import {connectionConfig, connectionFailure} from './connection.js';
import {displayUrl} from './location.js';
import {checkSchemaVersion, createSchema, schemaVersion} from './schema.js';

/** The channel every change is announced on, with its revision. */
export const CHANGES_CHANNEL = 'apikeys_changes';

const num = (value: string | number | null): number | undefined => (value === null ? undefined : Number(value));

interface KeyRow {
	app_key: string;
	name: string;
	roles: string[];
	created: string;
	created_by: string;
	active: boolean;
	last_used: string | null;
	current_digest: string;
	current_hint: string;
	current_created: string;
	current_revoked: string | null;
	old_digest: string | null;
	old_hint: string | null;
	old_created: string | null;
}

const keyOf = (row: KeyRow): GeneratedKey => ({
	appKey: row.app_key,
	name: row.name,
	roles: row.roles,
	created: Number(row.created),
	createdBy: row.created_by,
	active: row.active,
	token: {digest: row.current_digest, hint: row.current_hint, created: Number(row.current_created), ...(row.current_revoked === null ? {} : {revoked: Number(row.current_revoked)})},
	...(row.old_digest ? {oldToken: {digest: row.old_digest, hint: row.old_hint!, created: Number(row.old_created)}} : {}),
	...(row.last_used === null ? {} : {lastUsed: Number(row.last_used)}),
});

const KEYS_SINCE = `
	SELECT k.app_key, k.name, k.roles, k.created, k.created_by, k.active, k.last_used,
		c.digest AS current_digest, c.hint AS current_hint, c.created AS current_created, c.revoked AS current_revoked,
		o.digest AS old_digest, o.hint AS old_hint, o.created AS old_created
	FROM apikeys.keys k
	JOIN apikeys.tokens c ON c.app_key = k.app_key AND c.state = 'current'
	LEFT JOIN apikeys.tokens o ON o.app_key = k.app_key AND o.state = 'old'
	WHERE k.revision > $1`;

/** The lists of a store whose items are found by one field, and the kind `removed` records them under. */
const LISTS = {
	keys: {kind: 'key', id: (item: GeneratedKey) => item.appKey},
	external: {kind: 'external', id: (item: ExternalKey) => item.appKey},
	links: {kind: 'link', id: (item: LinkRecord) => item.id},
	operators: {kind: 'operator', id: (item: Operator) => item.login},
	roles: {kind: 'role', id: (item: CustomRole) => item.name},
} as const;
type ListName = keyof typeof LISTS;

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
		const pool = new pg.Pool({...config, max: 4, idleTimeoutMillis: 10_000});
		// A connection that drops while idle is replaced on the next query; nothing to report here.
		pool.on('error', () => undefined);
		try {
			const result = await pool.query<{login: string}>('SELECT current_user AS login');
			return {pool, config, login: result.rows[0]!.login};
		} catch (error) {
			await pool.end().catch(() => undefined);
			throw connectionFailure(displayUrl(location), error);
		}
	}

	static async open(location: string, env: NodeJS.ProcessEnv = process.env): Promise<PgStore> {
		const {pool, config, login} = await PgStore.connect(location, env);
		const store = new PgStore(pool, config, location, login);
		try {
			const client = await store.client();
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
			await store.inTransaction(async client => {
				if ((await schemaVersion(client)) !== null) throw refused(`a store already exists in ${store.path}`);
				await createSchema(client);
				await client.query('INSERT INTO apikeys.store (account, created, revision, settings) VALUES ($1, $2, $3, $4)', [data.account, data.created, data.revision, data.settings]);
				// The long lists go in batches (a copied store can hold 100 000 keys); the rest row by row.
				await insertInBulk(client, data);
				await store.writeDiff(client, {...emptyLike(data), keys: data.keys, activity: data.activity}, data);
			});
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

	/** The whole log is in the database: nothing is archived beside it. */
	async archivedActivity(): Promise<readonly ActivityEntry[]> {
		return [];
	}

	/** The data as of the database's last commit: only rows written since the revision held are fetched. */
	async read(): Promise<StoreData> {
		try {
			const client = await this.client();
			try {
				await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
				const data = await this.refresh(client);
				await client.query('COMMIT');
				return data;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => undefined);
				throw error;
			} finally {
				client.release();
			}
		} catch (error) {
			throw this.failure(error);
		}
	}

	async transact<T>(change: (data: StoreData, tx: {skipWrite(): void}) => T): Promise<T> {
		let written: StoreData | null = null;
		let result: T;
		try {
			result = await this.inTransaction(async client => {
				// Every change takes this row's lock first: changes run one at a time, each on the data all earlier ones left.
				await client.query('SELECT revision FROM apikeys.store FOR UPDATE');
				const current = await this.refresh(client);
				const draft = draftOf(current);
				let skip = false;
				const outcome = change(draft, {skipWrite: () => (skip = true)});
				if (skip) return outcome;
				draft.revision = current.revision + 1;
				await this.writeDiff(client, current, draft);
				await client.query('UPDATE apikeys.store SET revision = $1, settings = $2', [draft.revision, draft.settings]);
				await client.query(`SELECT pg_notify('${CHANGES_CHANNEL}', $1)`, [String(draft.revision)]);
				written = draft;
				return outcome;
			});
		} catch (error) {
			throw this.failure(error);
		}
		// Only a committed draft becomes the data held.
		if (written) this.data = written;
		return result;
	}

	/**
	 * Calls `onChange` for every change another connection commits (LISTEN on the changes
	 * channel), and once more after a lost connection comes back, so the caller catches up with
	 * what it missed. The listening connection is its own, reopened with a growing pause (up to 5 s).
	 */
	watch(onChange: () => void): () => void {
		let stopped = false;
		let listener: pg.Client | null = null;
		let pause = 250;
		let timer: NodeJS.Timeout | null = null;
		const listen = async () => {
			const client = new pg.Client(this.config);
			client.on('error', () => undefined);
			client.on('notification', () => onChange());
			client.on('end', () => {
				if (stopped || listener !== client) return;
				listener = null;
				// A read now finds out (and says) whether the database is out of reach.
				onChange();
				timer = setTimeout(() => void listen(), pause);
				pause = Math.min(pause * 2, 5000);
			});
			try {
				await client.connect();
				await client.query(`LISTEN ${CHANGES_CHANNEL}`);
				if (stopped) return void client.end().catch(() => undefined);
				listener = client;
				pause = 250;
				// Whatever was committed while nobody listened.
				onChange();
			} catch {
				await client.end().catch(() => undefined);
				if (!stopped) timer = setTimeout(() => void listen(), pause);
				pause = Math.min(pause * 2, 5000);
			}
		};
		void listen();
		return () => {
			stopped = true;
			if (timer) clearTimeout(timer);
			void listener?.end().catch(() => undefined);
			listener = null;
		};
	}

	async close(): Promise<void> {
		await this.pool.end().catch(() => undefined);
	}

	private async client(): Promise<pg.PoolClient> {
		try {
			return await this.pool.connect();
		} catch (error) {
			throw connectionFailure(this.path, error);
		}
	}

	private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
		const client = await this.client();
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			client.release();
		}
	}

	/** The data at the database's revision, from the data held plus the rows written since. */
	private async refresh(client: pg.ClientBase): Promise<StoreData> {
		const head = await client.query<{account: string; created: string; revision: string; settings: Settings}>('SELECT account, created, revision, settings FROM apikeys.store');
		const row = head.rows[0];
		if (!row) throw storeFailure(`the store in ${this.path} has no account row: it was damaged; it was left untouched`);
		const revision = Number(row.revision);
		const held = this.data;
		if (held && held.revision === revision) return held;
		const since = held ? held.revision : -1;
		// One query at a time: a client runs one statement at a time (a pool would lose the transaction's snapshot).
		const keys = await client.query<KeyRow>(KEYS_SINCE, [since]);
		const external = await client.query('SELECT app_key, roles, added, added_by, active FROM apikeys.external_keys WHERE revision > $1', [since]);
		const links = await client.query('SELECT id, app_key, purpose, token_digest, created, expires, sealed, used, used_by FROM apikeys.links WHERE revision > $1', [since]);
		const operators = await client.query('SELECT login, roles, added, added_by FROM apikeys.operators WHERE revision > $1', [since]);
		const roles = await client.query('SELECT name, resources, created, created_by FROM apikeys.roles WHERE revision > $1', [since]);
		const activity = await client.query('SELECT at, operator, action, app_key, summary FROM apikeys.activity WHERE revision > $1 ORDER BY id', [since]);
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
				...activity.rows.map(r => ({
					at: Number(r.at),
					operator: r.operator,
					action: r.action,
					...(r.app_key === null ? {} : {appKey: r.app_key}),
					...(r.summary === null ? {} : {summary: r.summary}),
				})),
			],
		};
		// The same checks as a store file's: nothing reaches the program that the schema does not allow.
		const checked = held ? data : validateStore(this.path, data);
		this.data = checked;
		return checked;
	}

	/** Writes what `draft` replaced, added or removed relative to `current`, at draft's revision. */
	private async writeDiff(client: pg.ClientBase, current: StoreData, draft: StoreData): Promise<void> {
		const revision = draft.revision;
		for (const name of Object.keys(LISTS) as ListName[]) {
			const {kind, id} = LISTS[name] as {kind: string; id: (item: object) => string};
			const before = new Map((current[name] as readonly object[]).map(item => [id(item), item]));
			const after = new Set<string>();
			for (const item of draft[name] as readonly object[]) {
				const key = id(item);
				after.add(key);
				if (before.get(key) !== item) await this.upsert(client, name, item, revision);
			}
			for (const key of before.keys()) {
				if (after.has(key)) continue;
				await client.query(DELETES[name], [key]);
				await client.query('INSERT INTO apikeys.removed (kind, id, revision) VALUES ($1, $2, $3) ON CONFLICT (kind, id) DO UPDATE SET revision = $3', [kind, key, revision]);
			}
		}
		const added = draft.activity.slice(current.activity.length);
		for (const entry of added) {
			await client.query('INSERT INTO apikeys.activity (at, operator, action, app_key, summary, revision) VALUES ($1, $2, $3, $4, $5, $6)', [
				entry.at,
				entry.operator,
				entry.action,
				entry.appKey ?? null,
				entry.summary ?? null,
				revision,
			]);
		}
	}

	private async upsert(client: pg.ClientBase, name: ListName, item: object, revision: number): Promise<void> {
		switch (name) {
			case 'keys': {
				const key = item as GeneratedKey;
				await client.query(
					`INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, last_used, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
					ON CONFLICT (app_key) DO UPDATE SET name = $2, roles = $3, created = $4, created_by = $5, active = $6, last_used = $7, revision = $8`,
					[key.appKey, key.name, key.roles, key.created, key.createdBy, key.active, key.lastUsed ?? null, revision],
				);
				await client.query('DELETE FROM apikeys.tokens WHERE app_key = $1', [key.appKey]);
				const token = (state: string, record: TokenRecord) =>
					client.query('INSERT INTO apikeys.tokens (digest, app_key, state, hint, created, revoked) VALUES ($1, $2, $3, $4, $5, $6)', [record.digest, key.appKey, state, record.hint, record.created, record.revoked ?? null]);
				await token('current', key.token);
				if (key.oldToken) await token('old', key.oldToken);
				break;
			}
			case 'external': {
				const key = item as ExternalKey;
				await client.query(
					`INSERT INTO apikeys.external_keys (app_key, roles, added, added_by, active, revision) VALUES ($1, $2, $3, $4, $5, $6)
					ON CONFLICT (app_key) DO UPDATE SET roles = $2, added = $3, added_by = $4, active = $5, revision = $6`,
					[key.appKey, key.roles, key.added, key.addedBy, key.active, revision],
				);
				break;
			}
			case 'links': {
				const link = item as LinkRecord;
				await client.query(
					`INSERT INTO apikeys.links (id, app_key, purpose, token_digest, created, expires, sealed, used, used_by, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
					ON CONFLICT (id) DO UPDATE SET sealed = $7, used = $8, used_by = $9, revision = $10`,
					[link.id, link.appKey, link.purpose, link.tokenDigest, link.created, link.expires, link.sealed ?? null, link.used ?? null, link.usedBy ?? null, revision],
				);
				break;
			}
			case 'operators': {
				const operator = item as Operator;
				await client.query(
					`INSERT INTO apikeys.operators (login, roles, added, added_by, revision) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (login) DO UPDATE SET roles = $2, added = $3, added_by = $4, revision = $5`,
					[operator.login, operator.roles, operator.added, operator.addedBy, revision],
				);
				break;
			}
			case 'roles': {
				const role = item as CustomRole;
				await client.query(
					`INSERT INTO apikeys.roles (name, resources, created, created_by, revision) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (name) DO UPDATE SET resources = $2, created = $3, created_by = $4, revision = $5`,
					[role.name, role.resources, role.created, role.createdBy, revision],
				);
				break;
			}
		}
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

const DELETES: Record<ListName, string> = {
	keys: 'DELETE FROM apikeys.keys WHERE app_key = $1',
	external: 'DELETE FROM apikeys.external_keys WHERE app_key = $1',
	links: 'DELETE FROM apikeys.links WHERE id = $1',
	operators: 'DELETE FROM apikeys.operators WHERE login = $1',
	roles: 'DELETE FROM apikeys.roles WHERE name = $1',
};

const BATCH = 5000;

/** Inserts every key, token and activity entry of a new store, BATCH rows a statement. */
async function insertInBulk(client: pg.ClientBase, data: StoreData): Promise<void> {
	for (let at = 0; at < data.keys.length; at += BATCH) {
		const keys = data.keys.slice(at, at + BATCH);
		await client.query(
			`INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, last_used, revision)
			SELECT app_key, name, roles, created, created_by, active, last_used, $2 FROM jsonb_to_recordset($1::jsonb)
			AS r(app_key text, name text, roles text[], created bigint, created_by text, active boolean, last_used bigint)`,
			[JSON.stringify(keys.map(k => ({app_key: k.appKey, name: k.name, roles: k.roles, created: k.created, created_by: k.createdBy, active: k.active, last_used: k.lastUsed ?? null}))), data.revision],
		);
		const tokens = keys.flatMap(k => [
			{digest: k.token.digest, app_key: k.appKey, state: 'current', hint: k.token.hint, created: k.token.created, revoked: k.token.revoked ?? null},
			...(k.oldToken ? [{digest: k.oldToken.digest, app_key: k.appKey, state: 'old', hint: k.oldToken.hint, created: k.oldToken.created}] : []),
		]);
		await client.query(
			`INSERT INTO apikeys.tokens (digest, app_key, state, hint, created, revoked)
			SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(digest text, app_key text, state text, hint text, created bigint, revoked bigint)`,
			[JSON.stringify(tokens)],
		);
	}
	for (let at = 0; at < data.activity.length; at += BATCH) {
		const entries = data.activity.slice(at, at + BATCH).map(e => ({at: e.at, operator: e.operator, action: e.action, app_key: e.appKey ?? null, summary: e.summary ?? null}));
		await client.query(
			`INSERT INTO apikeys.activity (at, operator, action, app_key, summary, revision)
			SELECT at, operator, action, app_key, summary, $2
			FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (at bigint, operator text, action text, app_key text, summary text)) WITH ORDINALITY
			AS r(at, operator, action, app_key, summary, n) ORDER BY n`,
			[JSON.stringify(entries), data.revision],
		);
	}
}

/** The same store with nothing in its lists: what a new store's first write adds everything to. */
const emptyLike = (data: StoreData): StoreData => ({...data, keys: [], external: [], links: [], operators: [], roles: [], activity: []});
