import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tokenDigest} from '../../source/core/token.js';
import {openVerifier} from '../../source/index.js';
import {StoreVerifier} from '../../source/verify/verifier.js';
import {TOKEN_IN_TEXT, runCli} from '../helpers.js';
import {postgresReason, testDatabase} from '../pg.js';
import {everyCodeAndChange} from '../verify/changes.js';
import {call, startVerifyServer, storeWithKeys, until, verifyAs, type Keys} from '../verify/helpers.js';

describe.skipIf(postgresReason !== null)(`verification on a PostgreSQL store${postgresReason ? ` (skipped: ${postgresReason})` : ''}`, () => {
	let db: Awaited<ReturnType<typeof testDatabase>>;
	let keys: Keys;
	beforeAll(async () => {
		db = await testDatabase();
		keys = await storeWithKeys({store: db.url('alice'), env: db.env('alice')});
	});
	afterAll(async () => {
		await db?.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
		await db?.drop();
	});

	it('a login that may not read the tokens is refused in one line, by openVerifier and by verify-server, its password in neither', async () => {
		// The schema check passes; the first read of the keys (in a worker thread of its own) is refused.
		await db.query('REVOKE SELECT ON apikeys.tokens FROM apikeys_admin');
		try {
			const password = db.env('bob').PGPASSWORD!;
			const refused = await openVerifier({store: db.url('bob'), env: db.env('bob')}).then(
				() => null,
				(error: Error) => error,
			);
			expect(refused?.message).toMatch(/^could not reach the PostgreSQL store postgres:\/\/bob@127\.0\.0\.1:5432\/\w+: permission denied for table tokens$/);
			expect(refused?.message).not.toContain(password);
			const server = await runCli(['verify-server', '--port', '0'], {store: db.url('bob'), env: db.env('bob')});
			expect(server.code).toBe(1);
			expect(server.stdout).toBe('');
			expect(server.stderr).toMatch(/^apikeys: could not reach the PostgreSQL store \S+: permission denied for table tokens\n$/);
			expect(server.stderr).not.toContain(password);
		} finally {
			await db.query('GRANT SELECT ON apikeys.tokens TO apikeys_admin');
		}
	});

	it('reads a store of exactly two pages of keys (20 000) whole on open, and answers for its keys', async () => {
		const held = Number((await db.query('SELECT count(*) AS n FROM apikeys.keys')).rows[0].n);
		await db.query(
			`INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, token_created, revision)
			SELECT 'appkey-page-' || lpad(i::text, 6, '0'), 'Filler ' || i, ARRAY['OMS - Read only'], i, 'alice', true, i, 1 FROM generate_series(1, $1::int) AS i`,
			[20_000 - held],
		);
		try {
			const verifier = await StoreVerifier.open({store: db.url('bob'), env: db.env('bob')});
			try {
				expect(verifier.keyCount).toBe(20_000);
				expect(verifier.verify(keys.checkout.token, {appKey: keys.checkout.appKey})).toMatchObject({valid: true, code: 'VALID', name: 'Checkout'});
				expect(verifier.verify(keys.checkout.token, {appKey: 'appkey-page-000001'})).toEqual({valid: false, code: 'NOT_FOUND'});
			} finally {
				await verifier.close();
			}
		} finally {
			await db.query(`DELETE FROM apikeys.keys WHERE app_key LIKE 'appkey-page-%'`);
		}
	});

	it('two verify servers on one database see a deactivation within a second, and record last uses', async () => {
		const first = await startVerifyServer(db.url('bob'), [], db.env('bob'));
		const second = await startVerifyServer(db.url('carol'), [], db.env('carol'));
		try {
			const ask = (server: typeof first) => () => verifyAs(server.url, keys.gateway.token, {token: keys.checkout.token, appKey: keys.checkout.appKey});
			for (const server of [first, second]) expect((await ask(server)()).json).toMatchObject({valid: true, code: 'VALID', name: 'Checkout', tokenState: 'current'});
			expect((await runCli(['deactivate', keys.checkout.appKey, '--yes'], keys.cli)).code).toBe(0);
			await Promise.all([first, second].map(server => until(ask(server), answer => answer.json.code === 'INACTIVE', 1000, 'INACTIVE on both')));
			expect((await runCli(['activate', keys.checkout.appKey], keys.cli)).code).toBe(0);
			await Promise.all([first, second].map(server => until(ask(server), answer => answer.json.code === 'VALID', 1000, 'VALID again on both')));

			const lastUsed = async () => {
				const rows = JSON.parse((await runCli(['list', '--json'], keys.cli)).stdout) as Array<{appKey: string; lastUsed: string | null}>;
				return rows.find(row => row.appKey === keys.checkout.appKey)?.lastUsed ?? null;
			};
			await until(lastUsed, used => used !== null, 15_000, 'last used written');
			const said = first.stdout() + first.stderr() + second.stdout() + second.stderr();
			expect(said).not.toMatch(TOKEN_IN_TEXT);
			for (const token of [keys.gateway.token, keys.checkout.token]) expect(said).not.toContain(tokenDigest(token));
			expect(first.stderr() + second.stderr()).toBe('');
		} finally {
			await first.stop();
			await second.stop();
		}
	});

	it('answers from memory while the database is out of reach, then 503 past --stale-after, and again once it is back', async () => {
		const server = await startVerifyServer(db.url('bob'), ['--stale-after', '3'], db.env('bob'));
		try {
			const ask = () => verifyAs(server.url, keys.gateway.token, {token: keys.erp.token});
			const health = () => call(server.url, {path: '/healthz'});
			expect((await ask()).json).toMatchObject({code: 'VALID'});
			await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
			await db.admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
			await until(health, answer => answer.text.includes('"status":"stale"'), 3000, 'healthz says stale');
			expect((await ask()).json).toMatchObject({code: 'VALID'});
			const closed = await until(ask, answer => answer.status === 503, 10_000, '503 past the stale bound');
			expect(closed.json).toEqual({error: expect.stringContaining('out of reach')});
			expect((await health()).status).toBe(503);
			expect(server.stderr()).toMatch(/^apikeys: verify-server: the store is out of reach \(could not reach the PostgreSQL store .+\); answering from the keys read at .+ for up to 3 s, then refusing with 503\n$/);

			await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
			await until(ask, answer => answer.status === 200 && answer.json.code === 'VALID', 10_000, 'answers again');
			// What changed while it was away is read when it is back.
			expect((await runCli(['deactivate', keys.erp.appKey, '--yes'], keys.cli)).code).toBe(0);
			await until(ask, answer => answer.json.code === 'INACTIVE', 1000, 'INACTIVE after the database is back');
			expect((await runCli(['activate', keys.erp.appKey], keys.cli)).code).toBe(0);
		} finally {
			await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
			await server.stop();
		}
	});

	it('openVerifier answers every code, and sees each change to a key within a second', async () => {
		const verifier = await openVerifier({store: db.url('bob'), env: db.env('bob')});
		try {
			await everyCodeAndChange(keys, verifier);
		} finally {
			await verifier.close();
		}
	});
});
