import type pg from 'pg';
import type {KeyQuery, SortColumn} from '../../core/query.js';
import type {GeneratedKey} from '../../core/types.js';
import type {KeyColumnsRow} from '../../core/key-columns.js';
import {SNAPSHOT, inTransaction} from './listen.js';
import {keyOf, type KeyRow} from './rows.js';

// The keys are not held in memory in a PostgreSQL store: these are the queries that find them,
// by appKey, by token digest, by role, and in a table's order for a search (streamed).

const KEY_SELECT = `
	SELECT k.app_key, k.name, k.roles, k.created, k.created_by, k.active, k.last_used,
		c.digest AS current_digest, c.hint AS current_hint, c.created AS current_created, c.revoked AS current_revoked,
		o.digest AS old_digest, o.hint AS old_hint, o.created AS old_created
	FROM apikeys.keys k
	JOIN apikeys.tokens c ON c.app_key = k.app_key AND c.state = 'current'
	LEFT JOIN apikeys.tokens o ON o.app_key = k.app_key AND o.state = 'old'`;

/** Every key written after a revision (a whole read starts at -1). */
export const KEYS_SINCE = `${KEY_SELECT} WHERE k.revision > $1`;

/** An appKey that reads the same inside a quoted array literal: letters, digits and . _ - only. */
const PLAIN_APP_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * The keys with these appKeys as a statement without parameters, to go in one round trip with
 * the BEGIN before it; null when one of them is not a plain appKey (then keysByAppKey asks).
 */
export function keysByAppKeyStatement(client: pg.ClientBase, appKeys: readonly string[]): string | null {
	if (appKeys.length === 0 || appKeys.length > 100 || !appKeys.every(appKey => PLAIN_APP_KEY.test(appKey))) return null;
	return `${KEY_SELECT} WHERE k.app_key = ANY(${client.escapeLiteral(`{${appKeys.join(',')}}`)}::text[])`;
}

export async function keysByAppKey(client: pg.ClientBase | pg.Pool, appKeys: readonly string[]): Promise<GeneratedKey[]> {
	if (appKeys.length === 0) return [];
	const result = await client.query<KeyRow>(`${KEY_SELECT} WHERE k.app_key = ANY($1::text[])`, [appKeys]);
	return result.rows.map(keyOf);
}

export async function keysHolding(client: pg.ClientBase, role: string): Promise<GeneratedKey[]> {
	const result = await client.query<KeyRow>(`${KEY_SELECT} WHERE $1 = ANY(k.roles)`, [role]);
	return result.rows.map(keyOf);
}

/** The table's sort orders in SQL; ties fall to the appKey, as in the app (core/query.ts buildKeyIndex). */
const ORDER: Record<SortColumn, {expression: string; descending: boolean}> = {
	created: {expression: 'k.created', descending: false},
	name: {expression: 'k.name COLLATE "und-x-icu"', descending: false},
	appKey: {expression: 'k.app_key COLLATE "C"', descending: false},
	tokenAge: {expression: 'k.token_created', descending: true},
	status: {expression: 'k.active', descending: true},
	lastUsed: {expression: 'coalesce(k.last_used, 0)', descending: false},
};

/** LIKE's own characters in a search, taken literally. */
const likePattern = (needle: string) => `%${needle.replace(/[\\%_]/g, c => `\\${c}`)}%`;

/** The WHERE and ORDER BY of a key query, with its parameters: the search goes through the trigram index. */
function keyFilter(query: KeyQuery): {where: string; order: string; params: unknown[]} {
	const params: unknown[] = [];
	const conditions: string[] = [];
	const needle = (query.search ?? '').trim().toLowerCase();
	if (needle) {
		params.push(likePattern(needle));
		// The same text the index holds (name, a line break, appKey): a search cannot match across the two.
		conditions.push(`lower(k.name || chr(10) || k.app_key) LIKE $${params.length}`);
		if (needle.includes('\n')) conditions.push('false');
	}
	if (query.status === 'active') conditions.push('k.active');
	if (query.status === 'inactive') conditions.push('NOT k.active');
	const sort = query.sort ?? 'created';
	const {expression, descending} = ORDER[sort];
	const reverse = (query.descending ?? sort === 'created') !== descending;
	const direction = reverse ? 'DESC' : 'ASC';
	return {
		where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '',
		order: `ORDER BY ${expression} ${direction}, k.app_key COLLATE "C"`,
		params,
	};
}

export async function countKeys(client: pg.ClientBase | pg.Pool, query: KeyQuery = {}): Promise<number> {
	const {where, params} = keyFilter({...query, sort: 'created'});
	const result = await client.query<{count: string}>(`SELECT count(*) AS count FROM apikeys.keys k ${where}`, params);
	return Number(result.rows[0]!.count);
}

const BATCH = 2000;

/**
 * Runs `sql` through a cursor in one read-only snapshot, handing `each` a batch of `size` rows at
 * a time until it is done or `each` returns false: memory holds one batch, whatever the table's size.
 */
export async function readCursor<R>(
	client: pg.ClientBase,
	query: {text: string; values?: unknown[]; size: number},
	each: (rows: R[]) => boolean | void | Promise<boolean | void>,
): Promise<void> {
	await inTransaction(client, SNAPSHOT, async () => {
		await client.query(`DECLARE batches NO SCROLL CURSOR FOR ${query.text}`, query.values);
		for (;;) {
			const batch = await client.query<R & pg.QueryResultRow>(`FETCH ${query.size} FROM batches`);
			if (batch.rows.length === 0 || (await each(batch.rows)) === false) break;
		}
	});
}

/** The keys a query finds, in its order, BATCH at a time. */
export function streamKeys(client: pg.ClientBase, query: KeyQuery, each: (keys: GeneratedKey[]) => void | Promise<void>): Promise<void> {
	const {where, order, params} = keyFilter(query);
	return readCursor<KeyRow>(client, {text: `${KEY_SELECT} ${where} ${order}`, values: params, size: BATCH}, rows => each(rows.map(keyOf)));
}


/** The columns of a key for the app's table (core/key-columns.ts). */
const COLUMNS_SELECT = 'SELECT k.app_key, k.name, k.active, k.token_created FROM apikeys.keys k';
const columnsRow = ([appKey, name, active, created]: [string, string, boolean, string]): KeyColumnsRow => ({appKey, name, active, tokenCreated: Number(created)});
/** The store's revision, and the planner's estimate of the key count, which costs nothing (a count of a million rows is a scan): for progress and room. */
const HEAD_ESTIMATE = `SELECT revision, (SELECT reltuples::float8 FROM pg_class WHERE oid = 'apikeys.keys'::regclass) AS estimate FROM apikeys.store`;
/** The app's first frame shows this many columns while the rest is read. */
const FIRST_BATCH = 200;

/**
 * Every key's appKey, name, status and token age in a table's order, for the app's columns
 * (core/key-columns.ts): about how many there are and at which revision first, then batch by batch,
 * each row an array (no object per key); `each` returning false stops the scan. `first` asks for
 * the first keys in that order whole, from the same snapshot (the rows the app's first frame
 * shows). All up to the first batch is one round trip: none of it takes a parameter.
 */
export async function scanKeyColumns(
	client: pg.ClientBase,
	order: Pick<KeyQuery, 'sort' | 'descending'>,
	start: (count: number, revision: number) => void,
	each: (rows: KeyColumnsRow[]) => boolean | Promise<boolean>,
	first?: FirstKeys,
): Promise<void> {
	const {order: orderBy} = keyFilter(order);
	const statements = [
		SNAPSHOT,
		// The planner's cost of a scan of a million keys passes jit_above_cost: compiling it took
		// longer (about 100 ms) than the first batch it is for.
		'SET LOCAL jit = off',
		HEAD_ESTIMATE,
		...(first ? [`${KEY_SELECT} ${orderBy} LIMIT ${Math.max(0, Math.trunc(first.limit))}`] : []),
		`DECLARE batches NO SCROLL CURSOR FOR ${COLUMNS_SELECT} ${orderBy}`,
		`FETCH ${FIRST_BATCH} FROM batches`,
	];
	await inTransaction(client, statements.join(';\n'), async opened => {
		const head = opened[1]!.rows[0] as {revision: string; estimate: number} | undefined;
		const revision = Number(head?.revision ?? 0);
		start(Math.max(0, Number(head?.estimate ?? 0)), revision);
		if (first) first.read((opened[2]!.rows as KeyRow[]).map(keyOf), revision);
		const batch = opened.at(-1)!.rows as Array<{app_key: string; name: string; active: boolean; token_created: string}>;
		if (batch.length === 0 || (await each(batch.map(r => columnsRow([r.app_key, r.name, r.active, r.token_created])))) === false) return;
		for (;;) {
			const more = await client.query<[string, string, boolean, string]>({text: 'FETCH 10000 FROM batches', rowMode: 'array'});
			if (more.rows.length === 0 || (await each(more.rows.map(columnsRow))) === false) break;
		}
	});
}

/** The first keys of a scan whole: how many, and where they go (with the store's revision they are as of). */
export interface FirstKeys {
	limit: number;
	read: (keys: GeneratedKey[], revision: number) => void;
}

/** The keys changed and removed since a revision, as the columns take them, up to `limit` changed (null: more than that). */
export async function keyColumnsSince(
	client: pg.ClientBase,
	revision: number,
	limit: number,
): Promise<{revision: number; changed: KeyColumnsRow[]; removed: string[]} | null> {
	const head = await client.query<{revision: string}>('SELECT revision FROM apikeys.store');
	const changed = await client.query<[string, string, boolean, string]>({
		text: `${COLUMNS_SELECT} WHERE k.revision > $1 LIMIT $2`,
		values: [revision, limit + 1],
		rowMode: 'array',
	});
	if (changed.rows.length > limit) return null;
	const removed = await client.query<{id: string}>(`SELECT id FROM apikeys.removed WHERE kind = 'key' AND revision > $1`, [revision]);
	return {
		revision: Number(head.rows[0]?.revision ?? 0),
		changed: changed.rows.map(columnsRow),
		removed: removed.rows.map(r => r.id),
	};
}

/** What verifying a token needs of the key one of whose tokens has this digest: one lookup by the digest's primary key. */
export async function tokenOwner(client: pg.ClientBase | pg.Pool, digest: string): Promise<TokenOwner | null> {
	// A named statement: each connection parses and plans it once, not on every verification.
	const result = await client.query<{app_key: string; state: 'current' | 'old'; revoked: string | null; active: boolean; roles: string[]; last_used: string | null}>({
		name: 'apikeys-token-owner',
		text: 'SELECT t.app_key, t.state, t.revoked, k.active, k.roles, k.last_used FROM apikeys.tokens t JOIN apikeys.keys k ON k.app_key = t.app_key WHERE t.digest = $1',
		values: [digest],
	});
	const row = result.rows[0];
	if (!row) return null;
	return {appKey: row.app_key, state: row.state, revoked: row.revoked !== null, active: row.active, roles: row.roles, ...(row.last_used === null ? {} : {lastUsed: Number(row.last_used)})};
}

export interface TokenOwner {
	appKey: string;
	state: 'current' | 'old';
	revoked: boolean;
	active: boolean;
	roles: string[];
	lastUsed?: number;
}
