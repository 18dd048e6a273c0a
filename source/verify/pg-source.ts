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

interface KeyRow {
	app_key: string;
	name: string;
	roles: string[];
	active: boolean;
	current: string | null;
	revoked: boolean;
	old: string | null;
}

/** The keys written since a revision, with their token digests: read through a cursor, a page at a time. */
const keysSince = (revision: number) => `
	DECLARE keys_since NO SCROLL CURSOR FOR
	SELECT k.app_key, k.name, k.roles, k.active, c.digest AS current, c.revoked IS NOT NULL AS revoked, o.digest AS old
	FROM apikeys.keys k
	LEFT JOIN apikeys.tokens c ON c.app_key = k.app_key AND c.state = 'current'
	LEFT JOIN apikeys.tokens o ON o.app_key = k.app_key AND o.state = 'old'
	WHERE k.revision > ${Math.trunc(revision)}`;

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

	private async readSince(client: pg.PoolClient, map: KeyMap): Promise<void> {
		const head = await client.query<{revision: string}>('SELECT revision FROM apikeys.store');
		const revision = Number(head.rows[0]?.revision ?? 0);
		if (revision === map.revision) return;
		const since = map.revision;
		if (since >= 0) {
			// Removals first: a key written again since then is read back below.
			const removed = await client.query<{id: string}>("SELECT id FROM apikeys.removed WHERE kind = 'key' AND revision > $1", [since]);
			for (const {id} of removed.rows) map.remove(id);
		}
		// One query, fetched a page at a time: a million rows never sit in memory at once.
		await client.query(keysSince(since));
		for (;;) {
			const page = await client.query<KeyRow>(`FETCH ${PAGE} FROM keys_since`);
			for (const row of page.rows) {
				map.put({appKey: row.app_key, name: row.name, roles: row.roles, active: row.active, current: row.revoked ? null : row.current, old: row.old});
			}
			if (page.rows.length < PAGE) break;
		}
		await client.query('CLOSE keys_since');
		const roles = await client.query<{name: string; resources: string[]}>('SELECT name, resources FROM apikeys.roles');
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
