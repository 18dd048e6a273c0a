import {randomBytes} from 'node:crypto';
import {userInfo} from 'node:os';
import pg from 'pg';

/** The server the PostgreSQL tests use: the local socket as the user running them (a superuser role, as .ci/run makes). */
const ADMIN = {host: process.env.APIKEYS_TEST_PGHOST ?? '/var/run/postgresql', database: 'postgres', user: userInfo().username};

/** Whether a PostgreSQL server answers here; the PostgreSQL tests say why they skip when none does. */
export const postgresReason: string | null = await (async () => {
	const client = new pg.Client({...ADMIN, connectionTimeoutMillis: 3000});
	try {
		await client.connect();
		await client.query('SELECT 1');
		return null;
	} catch (error) {
		return `no PostgreSQL server for the tests (${(error as Error).message}): .ci/run installs and starts one`;
	} finally {
		await client.end().catch(() => undefined);
	}
})();

export const LOGINS = ['alice', 'bob', 'carol'] as const;
export type Login = (typeof LOGINS)[number];

/**
 * A database of its own for one test file, and the admins' database roles (alice, bob, carol:
 * logins with passwords, members of apikeys_admin), reached over TCP as another host would.
 */
export async function testDatabase(): Promise<{
	name: string;
	url(login?: Login): string;
	env(login: Login): Record<string, string>;
	query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
	/** As the server's superuser, from the postgres database (to turn this database's connections away). */
	admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
	drop(): Promise<void>;
}> {
	const name = `apikeys_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client(ADMIN);
	await admin.connect();
	const tolerate = async (sql: string) => {
		try {
			await admin.query(sql);
		} catch (error) {
			// Roles are the server's, shared by every test file: another file may have made one first.
			if (!['42710', '23505'].includes((error as {code?: string}).code ?? '')) throw error;
		}
	};
	// Test files set the shared roles up one at a time (two at once fail with "tuple concurrently updated").
	await admin.query('SELECT pg_advisory_lock(4711)');
	try {
		await tolerate('CREATE ROLE apikeys_admin NOLOGIN');
		for (const login of LOGINS) {
			await tolerate(`CREATE ROLE ${login} LOGIN IN ROLE apikeys_admin`);
			await admin.query(`ALTER ROLE ${login} PASSWORD '${passwordOf(login)}'`);
		}
	} finally {
		await admin.query('SELECT pg_advisory_unlock(4711)');
	}
	await admin.query(`CREATE DATABASE ${name}`);
	await admin.query(`GRANT CREATE ON DATABASE ${name} TO alice`);
	const db = new pg.Client({...ADMIN, database: name});
	// This database's connections may be cut on purpose (a test of an unreachable store).
	db.on('error', () => undefined);
	await db.connect();
	return {
		name,
		url: login => `postgres://${login ? `${login}@` : ''}127.0.0.1:5432/${name}`,
		env: login => ({PGPASSWORD: passwordOf(login), APIKEYS_OPERATOR: login}),
		query: (sql, params) => db.query(sql, params),
		admin: (sql, params) => admin.query(sql, params),
		async drop() {
			await db.end().catch(() => undefined);
			await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin.end();
		},
	};
}

const passwordOf = (login: string) => `test-password-of-${login}`;
