import {Worker} from 'node:worker_threads';
import pg from 'pg';
import {isApiKeysError} from '../core/errors.js';
import type {Millis} from '../core/types.js';
import {LAST_USED_RESOLUTION} from '../service.js';
import {closePool, connectionConfig, connectionFailure, newPool, pooledClient} from '../store/postgres/connection.js';
import {displayUrl} from '../store/postgres/location.js';
import {CHANGES_CHANNEL, SNAPSHOT, inTransaction, listenForChanges} from '../store/postgres/listen.js';
import {checkSchemaVersion, schemaVersion} from '../store/postgres/schema.js';
import type {KeySource} from './file-source.js';
import type {KeyMap} from './key-map.js';

/** Keys are read this many at a time: a million keys never sit in memory as rows all at once. */
const PAGE = 10_000;

/** A key as the cursor below reads it: appKey, name, roles, active, current digest, whether that token is revoked, old digest. */
type KeyRow = [string, string, string[], boolean, string | null, boolean, string | null];

/** The keys written since a revision, with their token digests (a KeyRow each, in its order): read through a cursor, a page at a time. */
const keysSince = (revision: number) => `
	DECLARE keys_since NO SCROLL CURSOR FOR
	SELECT k.app_key, k.name, k.roles, k.active, c.digest AS current, c.revoked IS NOT NULL AS revoked, o.digest AS old
	FROM apikeys.keys k
	LEFT JOIN apikeys.tokens c ON c.app_key = k.app_key AND c.state = 'current'
	LEFT JOIN apikeys.tokens o ON o.app_key = k.app_key AND o.state = 'old'
	WHERE k.revision > ${Math.trunc(revision)}`;
const FETCH_PAGE = `FETCH ${PAGE} FROM keys_since`;
const HEAD = 'SELECT revision FROM apikeys.store';
const ROLES = 'SELECT name, resources FROM apikeys.roles';

function putRows(map: KeyMap, rows: readonly KeyRow[]): void {
	for (const [appKey, name, roles, active, current, revoked, old] of rows) map.put({appKey, name, roles, active, current: revoked ? null : current, old});
}

/** The worker that reads every key the first time (pg-first-read.mjs, beside this module in the sources and in dist/chunks). */
const FIRST_READ = new URL('./pg-first-read.mjs', import.meta.url);

/** What the worker posts: a page of rows, then the revision and the roles, or a failure. */
interface FirstReadMessage {
	rows?: KeyRow[];
	done?: {revision: number; roles: Array<{name: string; resources: string[]}>};
	failure?: ConstructorParameters<typeof FirstReadFailure>[0];
}

/** A failure the worker posted, with what connectionFailure words it from. */
class FirstReadFailure extends Error {
	constructor(failure: {message: string; code?: string; host?: string; cert?: {subjectaltname?: string}}) {
		super(failure.message);
		Object.assign(this, {code: failure.code, host: failure.host, cert: failure.cert});
	}
}

/**
 * A PostgreSQL store, read straight from its tables rather than through the store (which holds
 * every key's full record): the first read pages through every key, and each later one fetches
 * only the keys written since the revision the map holds, and the ones removed since, inside one
 * snapshot. It refreshes on NOTIFY; the verifier's heartbeat also catches what a lost listening
 * connection missed.
 */
export class PgSource implements KeySource {
	private constructor(
		private readonly pool: pg.Pool,
		private readonly config: pg.ClientConfig,
		private readonly where: string,
	) {}

	static async open(location: string, env: NodeJS.ProcessEnv): Promise<PgSource> {
		const where = displayUrl(location);
		// Time limits, so a database that stops answering makes a refresh fail (and the verifier stale) rather than hang.
		const base = connectionConfig(location, env);
		// The driver itself reads PGPASSWORD from process.env only: an `env` given to openVerifier counts too.
		if (base.password === undefined && env.PGPASSWORD) base.password = env.PGPASSWORD;
		const config: pg.ClientConfig = {...base, application_name: 'apikeys verifier', keepAlive: true, query_timeout: 15_000, connectionTimeoutMillis: 5_000};
		const pool = newPool({...config, max: 2, idleTimeoutMillis: 30_000});
		const source = new PgSource(pool, config, where);
		try {
			const client = await source.client();
			try {
				checkSchemaVersion(await schemaVersion(client), where);
			} finally {
				client.release();
			}
			return source;
		} catch (error) {
			await closePool(pool);
			throw source.failure(error);
		}
	}

	async refresh(map: KeyMap): Promise<void> {
		try {
			if (map.revision < 0) return await this.readAll(map);
			const client = await this.client();
			try {
				await inTransaction(client, SNAPSHOT, () => this.readSince(client, map));
			} finally {
				client.release();
			}
		} catch (error) {
			throw this.failure(error);
		}
	}

	/**
	 * The first read, of every key, in a worker thread of its own: the same query and snapshot as a
	 * later read, its pages posted to this thread. Read here, a hundred thousand keys' worth of
	 * database traffic passes through Node's stream code before the first request does, and a verify
	 * server then answered 10–15 % fewer requests a second for as long as it ran (docs/performance.md,
	 * "verify-server on PostgreSQL, the first read"); later reads, of what changed, stay here.
	 */
	private readAll(map: KeyMap): Promise<void> {
		const statements = {begin: SNAPSHOT, head: HEAD, declare: keysSince(-1), fetch: FETCH_PAGE, pageSize: PAGE, roles: ROLES};
		return new Promise((resolve, reject) => {
			const worker = new Worker(FIRST_READ, {workerData: {config: this.config, statements}});
			let settled = false;
			// Once settled the worker is left to close its connection, keeping nothing alive.
			const settle = (error?: unknown) => {
				if (settled) return;
				settled = true;
				worker.unref();
				if (error === undefined) resolve();
				else reject(error);
			};
			worker.on('message', (message: FirstReadMessage) => {
				if (settled) return;
				try {
					if (message.rows) {
						putRows(map, message.rows);
						return worker.postMessage('taken');
					}
					if (message.failure) return settle(new FirstReadFailure(message.failure));
					map.setCustomRoles(message.done!.roles);
					map.revision = message.done!.revision;
					settle();
				} catch (error) {
					void worker.terminate();
					settle(error);
				}
			});
			worker.on('error', error => settle(error));
			worker.on('exit', code => settle(new Error(`the first read of the keys stopped (worker exit code ${code})`)));
		});
	}

	/** The keys written and removed since the revision the map holds. */
	private async readSince(client: pg.PoolClient, map: KeyMap): Promise<void> {
		const head = await client.query<{revision: string}>(HEAD);
		const revision = Number(head.rows[0]?.revision ?? 0);
		if (revision === map.revision) return;
		const since = map.revision;
		// Removals first: a key written again since then is read back below.
		const removed = await client.query<{id: string}>("SELECT id FROM apikeys.removed WHERE kind = 'key' AND revision > $1", [since]);
		for (const {id} of removed.rows) map.remove(id);
		// One query, fetched a page at a time: a million rows never sit in memory at once.
		await client.query(keysSince(since));
		for (;;) {
			const page = await client.query<KeyRow>({text: FETCH_PAGE, rowMode: 'array'});
			putRows(map, page.rows);
			if (page.rows.length < PAGE) break;
		}
		await client.query('CLOSE keys_since');
		const roles = await client.query<{name: string; resources: string[]}>(ROLES);
		map.setCustomRoles(roles.rows);
		map.revision = revision;
	}

	/**
	 * Writes last uses as the store writes a change: under the store row's lock, at the next
	 * revision, announced with NOTIFY, so every reader sees them; only keys whose last use is a
	 * minute older or more are written, whichever verifier got there first.
	 */
	async recordUses(uses: ReadonlyMap<string, Millis>): Promise<void> {
		try {
			const client = await this.client();
			try {
				// Nothing written (another verifier got there first) commits nothing and announces nothing.
				await inTransaction(client, 'BEGIN', async () => {
					const head = await client.query<{revision: string}>('SELECT revision FROM apikeys.store FOR UPDATE');
					const next = Number(head.rows[0]!.revision) + 1;
					const written = await client.query(
						// The keys' own revision stays: the apps' columns of every key (ui/hooks/use-key-columns.ts)
						// re-read what changed since theirs, and a busy verifier's uses would have them re-read a
						// million keys every batch; the store's revision and NOTIFY still bring the rows on screen up to date.
						`UPDATE apikeys.keys k SET last_used = u.at
						FROM unnest($1::text[], $2::bigint[]) AS u(app_key, at)
						WHERE k.app_key = u.app_key AND (k.last_used IS NULL OR u.at - k.last_used >= $3)`,
						[[...uses.keys()], [...uses.values()], LAST_USED_RESOLUTION],
					);
					if (!written.rowCount) return;
					await client.query(`UPDATE apikeys.store SET revision = $1 RETURNING pg_notify('${CHANGES_CHANNEL}', $2)`, [next, String(next)]);
				});
			} finally {
				client.release();
			}
		} catch (error) {
			throw this.failure(error);
		}
	}

	/** Follows the database's changes (see listenForChanges); `onListening` says when it listens and when it stopped. */
	watch(onChange: () => void, onListening: (listening: boolean) => void): () => void {
		return listenForChanges(this.config, onChange, onListening);
	}

	close(): Promise<void> {
		return closePool(this.pool);
	}

	private client(): Promise<pg.PoolClient> {
		return pooledClient(this.pool, this.where);
	}

	/** A database error as one line (its message only: no query parameter, so no digest, reaches it). */
	private failure(error: unknown): Error {
		return isApiKeysError(error) ? error : connectionFailure(this.where, error);
	}
}
