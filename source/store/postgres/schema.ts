import type pg from 'pg';
import {storeFailure} from '../../core/errors.js';

/** The schema every table lives in. */
export const SCHEMA = 'apikeys';

/**
 * The database schema, one migration per version, applied in order inside one transaction by
 * `init` (and by later versions on their first start). Every row carries the store revision that
 * last wrote it, so a reader fetches only what changed since the revision it holds; a removed row
 * leaves a row in `removed` for the same reason.
 */
export const MIGRATIONS: readonly string[] = [
	`
	CREATE EXTENSION IF NOT EXISTS pg_trgm;
	CREATE TABLE apikeys.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
	CREATE TABLE apikeys.store (
		singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
		account text NOT NULL,
		created bigint NOT NULL,
		revision bigint NOT NULL,
		settings jsonb NOT NULL
	);
	CREATE TABLE apikeys.keys (
		app_key text PRIMARY KEY,
		name text NOT NULL,
		roles text[] NOT NULL,
		created bigint NOT NULL,
		created_by text NOT NULL,
		active boolean NOT NULL,
		last_used bigint,
		-- The current token's creation, also in tokens: the app's columns read every key without a join.
		token_created bigint NOT NULL,
		revision bigint NOT NULL
	-- Room on each page for a key's next version: the verifiers' batches of last uses (the most
	-- frequent write) then stay on the key's page and touch no index (HOT updates). Full pages
	-- made each one a new entry in all five indexes, the trigram one included.
	) WITH (fillfactor = 85);
	CREATE INDEX keys_newest ON apikeys.keys (created DESC, app_key COLLATE "C");
	CREATE INDEX keys_name ON apikeys.keys (name COLLATE "und-x-icu", app_key COLLATE "C");
	CREATE INDEX keys_search ON apikeys.keys USING gin (lower(name || chr(10) || app_key) gin_trgm_ops);
	CREATE INDEX keys_revision ON apikeys.keys (revision);
	CREATE TABLE apikeys.tokens (
		digest text PRIMARY KEY,
		app_key text NOT NULL REFERENCES apikeys.keys ON DELETE CASCADE,
		state text NOT NULL CHECK (state IN ('current', 'old')),
		hint text NOT NULL,
		created bigint NOT NULL,
		revoked bigint,
		UNIQUE (app_key, state)
	);
	CREATE TABLE apikeys.links (
		id text PRIMARY KEY,
		app_key text NOT NULL,
		purpose text NOT NULL CHECK (purpose IN ('generate', 'renew')),
		token_digest text NOT NULL,
		created bigint NOT NULL,
		expires bigint NOT NULL,
		sealed text,
		used bigint,
		used_by text,
		revision bigint NOT NULL
	);
	CREATE INDEX links_revision ON apikeys.links (revision);
	CREATE TABLE apikeys.external_keys (
		app_key text PRIMARY KEY,
		roles text[] NOT NULL,
		added bigint NOT NULL,
		added_by text NOT NULL,
		active boolean NOT NULL,
		revision bigint NOT NULL
	);
	CREATE TABLE apikeys.operators (
		login text PRIMARY KEY,
		roles text[] NOT NULL,
		added bigint NOT NULL,
		added_by text NOT NULL,
		revision bigint NOT NULL
	);
	CREATE TABLE apikeys.roles (
		name text PRIMARY KEY,
		resources text[] NOT NULL,
		created bigint NOT NULL,
		created_by text NOT NULL,
		revision bigint NOT NULL
	);
	CREATE TABLE apikeys.activity (
		id bigserial PRIMARY KEY,
		at bigint NOT NULL,
		operator text NOT NULL,
		action text NOT NULL,
		app_key text,
		summary text,
		revision bigint NOT NULL
	);
	CREATE INDEX activity_at ON apikeys.activity (at);
	CREATE TABLE apikeys.removed (
		kind text NOT NULL,
		id text NOT NULL,
		revision bigint NOT NULL,
		PRIMARY KEY (kind, id)
	);
	CREATE INDEX removed_revision ON apikeys.removed (revision);
	-- The log is written once: not even the tables' owner updates or deletes an entry through the app.
	CREATE FUNCTION apikeys.activity_is_append_only() RETURNS trigger LANGUAGE plpgsql AS
		$$ BEGIN RAISE EXCEPTION 'the activity log is append-only'; END $$;
	CREATE TRIGGER activity_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON apikeys.activity
		FOR EACH STATEMENT EXECUTE FUNCTION apikeys.activity_is_append_only();
	-- Admins are members of this role: they may change keys, and only add to the log.
	DO $$ BEGIN
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'apikeys_admin') THEN
			IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
				CREATE ROLE apikeys_admin NOLOGIN;
			ELSE
				RAISE EXCEPTION 'the role apikeys_admin does not exist: a database administrator creates it first (CREATE ROLE apikeys_admin NOLOGIN)';
			END IF;
		END IF;
	END $$;
	GRANT USAGE ON SCHEMA apikeys TO apikeys_admin;
	GRANT SELECT ON apikeys.schema_version TO apikeys_admin;
	GRANT SELECT, UPDATE ON apikeys.store TO apikeys_admin;
	GRANT SELECT, INSERT, UPDATE, DELETE ON apikeys.keys, apikeys.tokens, apikeys.links, apikeys.external_keys, apikeys.operators, apikeys.roles, apikeys.removed TO apikeys_admin;
	GRANT SELECT, INSERT ON apikeys.activity TO apikeys_admin;
	GRANT USAGE ON SEQUENCE apikeys.activity_id_seq TO apikeys_admin;
	`,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** The schema version of the database, or null when it has no apikeys schema. */
export async function schemaVersion(client: pg.ClientBase): Promise<number | null> {
	const exists = await client.query<{found: boolean}>(`SELECT to_regclass('apikeys.schema_version') IS NOT NULL AS found`);
	if (!exists.rows[0]?.found) return null;
	const result = await client.query<{version: number | null}>('SELECT max(version) AS version FROM apikeys.schema_version');
	return result.rows[0]?.version ?? 0;
}

/** Refuses a database whose schema is newer than this program knows, as with a store file. */
export function checkSchemaVersion(version: number | null, where: string): void {
	if (version === null) throw storeFailure(`no store in ${where}: create one with "apikeys init --account NAME --store ${where}"`);
	if (version > PG_SCHEMA_VERSION) {
		throw storeFailure(`the store in ${where} was made by a newer apikeys (schema version ${version}; this one knows up to ${PG_SCHEMA_VERSION}): upgrade apikeys; it was left untouched`);
	}
}

/** Creates the schema and its tables at the newest version (inside the caller's transaction). */
export async function createSchema(client: pg.ClientBase): Promise<void> {
	await client.query(`CREATE SCHEMA ${SCHEMA}`);
	for (let version = 1; version <= MIGRATIONS.length; version++) {
		await client.query(MIGRATIONS[version - 1]!);
		await client.query('INSERT INTO apikeys.schema_version (version) VALUES ($1)', [version]);
	}
}
