// The PostgreSQL half of the bench library (bundled with lib.ts): building a store with COPY,
// and the bare baselines that run on the same server.
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import pg from 'pg';
import {from as copyFrom} from 'pg-copy-streams';
import {tokenDigest} from '../source/core/token.js';
import type {GeneratedKey, TokenRecord} from '../source/core/types.js';
import {ApiKeysService} from '../source/service.js';
import {connectionConfig} from '../source/store/postgres/connection.js';
import {DAY} from '../source/core/time.js';
import {benchActivity, benchKey, createdAt, VERIFIED} from './data.js';

/** Rows a COPY statement carries: about 1 MiB of text each. */
const BLOCK = 10_000;

/** The server's own settings for `location`, as the program connects (PG* variables, the local socket). */
export const client = async (location: string) => {
	const connection = new pg.Client(connectionConfig(location));
	await connection.connect();
	return connection;
};

/** A value in COPY's text format: \N for null, backslash, tab and line ends escaped. */
const field = (value: string | number | boolean | null | undefined): string =>
	value === null || value === undefined ? '\\N' : typeof value === 'string' ? value.replace(/[\\\t\n\r]/g, c => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\')) : String(value);
/** A text[] literal: every element quoted. */
const array = (items: readonly string[]) => `{${items.map(item => `"${item.replace(/["\\]/g, c => `\\${c}`)}"`).join(',')}}`;
const row = (...values: Array<string | number | boolean | null | undefined>) => `${values.map(field).join('\t')}\n`;
const tokenRow = (key: GeneratedKey, state: string, token: TokenRecord) => row(token.digest, key.appKey, state, token.hint, token.created, token.revoked);

async function copy(connection: pg.Client, statement: string, text: string): Promise<void> {
	await pipeline(Readable.from([text]), connection.query(copyFrom(statement)));
}

/**
 * A PostgreSQL store of `count` keys and three activity entries per key, the same data as the file
 * bench's: the schema made by the program itself (`init`), then the rows COPYed in at the next
 * revision, which the store's row is then set to, so the program reads them as committed at it.
 * Indexes other than the constraints' are dropped for the load and made again after it (what a
 * bulk load does; made from the program's own definitions, read back from the catalog).
 */
export async function buildPgStore(location: string, count: number, now = Date.now()): Promise<{names: string[]; appKeys: string[]; tokens: Map<string, string>; login: string}> {
	const service = await ApiKeysService.init(location, 'acme', {operator: 'bench'});
	const login = service.operator;
	await service.close();
	const connection = await client(location);
	try {
		const revision = Number((await connection.query('SELECT revision FROM apikeys.store')).rows[0].revision) + 1;
		await connection.query("SET maintenance_work_mem = '256MB'");
		const indexes = await connection.query<{name: string; definition: string}>(`
			SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
			FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = 'apikeys' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`);
		for (const {name} of indexes.rows) await connection.query(`DROP INDEX ${name}`);
		const names: string[] = [];
		const appKeys: string[] = [];
		const tokens = new Map<string, string>();
		for (let start = 0; start < count; start += BLOCK) {
			let keys = '';
			let tokenRows = '';
			for (let i = start; i < Math.min(count, start + BLOCK); i++) {
				const {key, token} = benchKey(i, login, now);
				keys += row(key.appKey, key.name, array(key.roles), key.created, key.createdBy, key.active, key.lastUsed, key.token.created, revision);
				tokenRows += tokenRow(key, 'current', key.token);
				if (key.oldToken) tokenRows += tokenRow(key, 'old', key.oldToken);
				names.push(key.name);
				appKeys.push(key.appKey);
				if (VERIFIED(i, key)) tokens.set(key.appKey, token);
			}
			await copy(connection, 'COPY apikeys.keys (app_key, name, roles, created, created_by, active, last_used, token_created, revision) FROM STDIN', keys);
			await copy(connection, 'COPY apikeys.tokens (digest, app_key, state, hint, created, revoked) FROM STDIN', tokenRows);
		}
		// The log in time order, as use appends it (its ids are its order): entry e is key e/3's (e % 3)th.
		const at = new Float64Array(3 * count);
		for (let e = 0; e < at.length; e++) at[e] = createdAt(Math.floor(e / 3), now) + (e % 3) * DAY;
		const order = new Uint32Array(at.length).map((_, e) => e).sort((a, b) => at[a]! - at[b]! || a - b);
		for (let start = 0; start < order.length; start += 3 * BLOCK) {
			let text = '';
			for (const e of order.subarray(start, start + 3 * BLOCK)) {
				const entry = benchActivity(Math.floor(e / 3), e % 3, login, now);
				text += row(entry.at, entry.operator, entry.action, entry.appKey, entry.summary, revision);
			}
			await copy(connection, 'COPY apikeys.activity (at, operator, action, app_key, summary, revision) FROM STDIN', text);
		}
		for (const {definition} of indexes.rows) await connection.query(definition);
		await connection.query('UPDATE apikeys.store SET revision = $1', [revision]);
		// As a store that grew through use is after autovacuum: statistics and visibility maps up to date.
		await connection.query('VACUUM (ANALYZE)');
		// The gigabyte just written is flushed now, not by the checkpointer while changes are timed
		// (their commits would wait behind it). A login without the right to (PostgreSQL 15's
		// pg_checkpoint role, or superuser) goes on without.
		await connection.query('CHECKPOINT').catch(() => undefined);
		return {names, appKeys, tokens, login};
	} finally {
		await connection.end();
	}
}

/** The store's size on disk (tables and indexes of the apikeys schema), in MiB. */
export async function pgStoreMiB(location: string): Promise<number> {
	const connection = await client(location);
	try {
		const result = await connection.query(`SELECT sum(pg_total_relation_size(c.oid))::float8 AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'apikeys' AND c.relkind = 'r'`);
		return result.rows[0].bytes / 2 ** 20;
	} finally {
		await connection.end();
	}
}

export const openPgService = (location: string) => ApiKeysService.open(location, {operator: 'bench'});

/**
 * The baseline for persisting: a bare transaction of one single-row UPDATE and one INSERT in the
 * log (what a change is at least), on a key the service's loop does not touch.
 */
export async function barePersistOnce(connection: pg.Client, appKey: string, active: boolean, revision: number): Promise<number> {
	const start = performance.now();
	await connection.query('BEGIN');
	await connection.query('UPDATE apikeys.keys SET active = $2 WHERE app_key = $1', [appKey, active]);
	await connection.query('INSERT INTO apikeys.activity (at, operator, action, app_key, summary, revision) VALUES ($1, current_user, $2, $3, $4, $5)', [
		Date.now(),
		active ? 'activate' : 'deactivate',
		appKey,
		'bench baseline',
		revision,
	]);
	await connection.query('COMMIT');
	return performance.now() - start;
}

/** How many of `iterations` checks one loop did, and in what time; it stops at `deadline` (performance.now()). */
export interface LoopTime {
	done: number;
	ms: number;
}

/** service.verify, one token after another, until `iterations` or `deadline`. */
export async function pgServiceVerifyLoop(service: ApiKeysService, pairs: Array<[string, string]>, iterations: number, deadline: number): Promise<LoopTime> {
	const start = performance.now();
	let done = 0;
	for (; done < iterations && performance.now() < deadline; done++) {
		const [appKey, token] = pairs[done % pairs.length]!;
		if (!(await service.verify(appKey, token)).valid) throw new Error(`verify mismatch for ${appKey}`);
	}
	return {done, ms: performance.now() - start};
}

/** The bare baseline: SHA-256 of the token, then SELECT … WHERE digest = $1, one after another on one connection. */
export async function bareSelectVerifyLoop(connection: pg.Client, pairs: Array<[string, string]>, iterations: number, deadline: number): Promise<LoopTime> {
	const start = performance.now();
	let done = 0;
	for (; done < iterations && performance.now() < deadline; done++) {
		const [appKey, token] = pairs[done % pairs.length]!;
		const found = await connection.query('SELECT app_key, state, revoked FROM apikeys.tokens WHERE digest = $1', [tokenDigest(token)]);
		if (found.rows[0]?.app_key !== appKey) throw new Error(`bare lookup mismatch for ${appKey}`);
	}
	return {done, ms: performance.now() - start};
}
