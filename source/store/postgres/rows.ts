import type pg from 'pg';
import type {CustomRole, ExternalKey, GeneratedKey, LinkRecord, Operator, StoreData, TokenRecord} from '../../core/types.js';

// How the store's data maps to rows: reading a key back, writing what a change replaced, added or removed.

export interface KeyRow {
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

export const keyOf = (row: KeyRow): GeneratedKey => ({
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

/** The lists of a store whose items are found by one field, and the kind `removed` records them under. */
export const LISTS = {
	keys: {kind: 'key', id: (item: GeneratedKey) => item.appKey},
	external: {kind: 'external', id: (item: ExternalKey) => item.appKey},
	links: {kind: 'link', id: (item: LinkRecord) => item.id},
	operators: {kind: 'operator', id: (item: Operator) => item.login},
	roles: {kind: 'role', id: (item: CustomRole) => item.name},
} as const;
export type ListName = keyof typeof LISTS;

/** One statement and its parameters. */
export interface Statement {
	text: string;
	values: unknown[];
}

/** A statement writing one row that no other statement of the change writes: it can go in one statement with others. */
interface Write extends Statement {
	alone?: boolean;
}

/** Statements folded into one at most (a change to one key is three). */
const FOLD_STATEMENTS = 16;
const FOLD_PARAMETERS = 1000;

/**
 * Writes what `draft` replaced, added or removed relative to `current`, at draft's revision, then
 * `last` (the store row's update). The writes at the end that each touch a row of their own (a
 * key's, a log entry's) go in one statement with `last`, as WITH clauses: a change to a key is
 * then one round trip to the server, not three. Returns what `last` returned.
 */
export async function writeDiff(client: pg.ClientBase, current: StoreData, draft: StoreData, last?: Statement): Promise<pg.QueryResult | null> {
	const revision = draft.revision;
	const writes: Write[] = [];
	for (const name of Object.keys(LISTS) as ListName[]) {
		const {kind, id} = LISTS[name] as {kind: string; id: (item: object) => string};
		const before = new Map((current[name] as readonly object[]).map(item => [id(item), item]));
		const after = new Set<string>();
		for (const item of draft[name] as readonly object[]) {
			const key = id(item);
			after.add(key);
			const previous = before.get(key);
			if (previous !== item) writes.push(...upsert(name, item, revision, previous));
		}
		for (const key of before.keys()) {
			if (after.has(key)) continue;
			writes.push({text: DELETES[name], values: [key], alone: true});
			writes.push({text: 'INSERT INTO apikeys.removed (kind, id, revision) VALUES ($1, $2, $3) ON CONFLICT (kind, id) DO UPDATE SET revision = $3', values: [kind, key, revision], alone: true});
		}
	}
	for (const entry of draft.activity.slice(current.activity.length)) {
		writes.push({
			text: 'INSERT INTO apikeys.activity (at, operator, action, app_key, summary, revision) VALUES ($1, $2, $3, $4, $5, $6)',
			values: [entry.at, entry.operator, entry.action, entry.appKey ?? null, entry.summary ?? null, revision],
		});
	}
	if (!last) {
		for (const write of writes) await client.query(write.text, write.values);
		return null;
	}
	let folded = writes.length;
	let parameters = last.values.length;
	while (folded > 0 && writes.length - folded < FOLD_STATEMENTS && !writes[folded - 1]!.alone && parameters + writes[folded - 1]!.values.length <= FOLD_PARAMETERS) {
		folded--;
		parameters += writes[folded]!.values.length;
	}
	for (const write of writes.slice(0, folded)) await client.query(write.text, write.values);
	const tail = writes.slice(folded);
	return client.query(fold([...tail, last]));
}

/** Statements as one: each but the last in a WITH clause, their parameters numbered on. */
function fold(statements: Statement[]): Statement {
	const values: unknown[] = [];
	const texts = statements.map(statement => {
		const offset = values.length;
		values.push(...statement.values);
		return statement.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
	});
	const main = texts.pop()!;
	return {text: texts.length ? `WITH ${texts.map((text, i) => `w${i} AS (${text})`).join(', ')} ${main}` : main, values};
}

function upsert(name: ListName, item: object, revision: number, previous?: object): Write[] {
	switch (name) {
		case 'keys': {
			const key = item as GeneratedKey;
			const was = previous as GeneratedKey | undefined;
			// A new key is inserted, never upserted: a random appKey that another key already has (the change
			// did not see it) fails on the primary key, and the change is tried again with a new one.
			const row: Write = {
				text: `INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, last_used, token_created, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)${
					was ? ' ON CONFLICT (app_key) DO UPDATE SET name = $2, roles = $3, created = $4, created_by = $5, active = $6, last_used = $7, token_created = $8, revision = $9' : ''
				}`,
				values: [key.appKey, key.name, key.roles, key.created, key.createdBy, key.active, key.lastUsed ?? null, key.token.created, revision],
			};
			// A change to a key's name, roles or status leaves its tokens as they were (the same records): not rewritten.
			if (was && was.token === key.token && was.oldToken === key.oldToken) return [row];
			// The tokens follow their key's row, in order.
			const token = (state: string, record: TokenRecord): Write => ({
				text: 'INSERT INTO apikeys.tokens (digest, app_key, state, hint, created, revoked) VALUES ($1, $2, $3, $4, $5, $6)',
				values: [record.digest, key.appKey, state, record.hint, record.created, record.revoked ?? null],
				alone: true,
			});
			return [
				{...row, alone: true},
				...(was ? [{text: 'DELETE FROM apikeys.tokens WHERE app_key = $1', values: [key.appKey], alone: true}] : []),
				token('current', key.token),
				...(key.oldToken ? [token('old', key.oldToken)] : []),
			];
		}
		case 'external': {
			const key = item as ExternalKey;
			return [
				{
					text: `INSERT INTO apikeys.external_keys (app_key, roles, added, added_by, active, revision) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (app_key) DO UPDATE SET roles = $2, added = $3, added_by = $4, active = $5, revision = $6`,
					values: [key.appKey, key.roles, key.added, key.addedBy, key.active, revision],
				},
			];
		}
		case 'links': {
			const link = item as LinkRecord;
			return [
				{
					text: `INSERT INTO apikeys.links (id, app_key, purpose, token_digest, created, expires, sealed, used, used_by, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (id) DO UPDATE SET sealed = $7, used = $8, used_by = $9, revision = $10`,
					values: [link.id, link.appKey, link.purpose, link.tokenDigest, link.created, link.expires, link.sealed ?? null, link.used ?? null, link.usedBy ?? null, revision],
				},
			];
		}
		case 'operators': {
			const operator = item as Operator;
			return [
				{
					text: `INSERT INTO apikeys.operators (login, roles, added, added_by, revision) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (login) DO UPDATE SET roles = $2, added = $3, added_by = $4, revision = $5`,
					values: [operator.login, operator.roles, operator.added, operator.addedBy, revision],
				},
			];
		}
		case 'roles': {
			const role = item as CustomRole;
			return [
				{
					text: `INSERT INTO apikeys.roles (name, resources, created, created_by, revision) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (name) DO UPDATE SET resources = $2, created = $3, created_by = $4, revision = $5`,
					values: [role.name, role.resources, role.created, role.createdBy, revision],
				},
			];
		}
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
export async function insertInBulk(client: pg.ClientBase, data: StoreData): Promise<void> {
	for (let at = 0; at < data.keys.length; at += BATCH) {
		const keys = data.keys.slice(at, at + BATCH);
		await client.query(
			`INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, last_used, token_created, revision)
			SELECT app_key, name, roles, created, created_by, active, last_used, token_created, $2 FROM jsonb_to_recordset($1::jsonb)
			AS r(app_key text, name text, roles text[], created bigint, created_by text, active boolean, last_used bigint, token_created bigint)`,
			[
				JSON.stringify(
					keys.map(k => ({app_key: k.appKey, name: k.name, roles: k.roles, created: k.created, created_by: k.createdBy, active: k.active, last_used: k.lastUsed ?? null, token_created: k.token.created})),
				),
				data.revision,
			],
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
