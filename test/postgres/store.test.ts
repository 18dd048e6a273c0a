import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bundleScript} from '../bundle.js';
import {ApiKeysService} from '../../source/service.js';
import {closePool, connectionConfig, newPool, pooledClient} from '../../source/store/postgres/connection.js';
import {PgSource} from '../../source/verify/pg-source.js';
import {TOKEN_IN_TEXT, runCli, seededRandom} from '../helpers.js';
import {postgresReason, testDatabase} from '../pg.js';

const LINK_IN_TEXT = /https?:\/\/\S+\/credentials\/\S+/;

describe.skipIf(postgresReason !== null)(`the PostgreSQL store${postgresReason ? ` (skipped: ${postgresReason})` : ''}`, () => {
	let db: Awaited<ReturnType<typeof testDatabase>>;
	let worker: {file: string; remove(): void};
	beforeAll(async () => {
		db = await testDatabase();
		worker = await bundleScript(join(import.meta.dirname, '..', 'reliability', 'worker.ts'));
		const init = await runCli(['init', '--account', 'acme'], {store: db.url('alice'), env: db.env('alice')});
		expect(init).toMatchObject({code: 0, stderr: ''});
		expect(init.stdout).toBe(`Created store ${db.url('alice')} for account acme; alice is its Owner (Admin Super).\n`);
	});
	afterAll(async () => {
		worker?.remove();
		await db?.drop();
	});

	const as = (login: 'alice' | 'bob' | 'carol', args: string[], input?: string) => runCli(args, {store: db.url(login), env: db.env(login), input});

	it('a connection the server cuts while the program holds it fails its next statement, and the process goes on', async () => {
		const pool = newPool(connectionConfig(db.url('bob'), db.env('bob')));
		try {
			const client = await pooledClient(pool, 'the test store');
			const {rows} = await client.query<{pid: number}>('SELECT pg_backend_pid() AS pid');
			const ended = new Promise(resolve => client.once('end', resolve));
			// Cut between two statements, as an administrator (or a failover) does: the driver raises an 'error' event then.
			await db.admin('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
			await ended;
			await expect(client.query('SELECT 1')).rejects.toThrow();
			client.release(true);
			// The pool opens a new connection for the next statement.
			expect((await pool.query<{one: number}>('SELECT 1 AS one')).rows).toEqual([{one: 1}]);
		} finally {
			await closePool(pool);
		}
	});

	it('keeps keys, tokens, links and the log in rows of their own, never a token', async () => {
		const generated = await as('alice', ['generate', '--name', 'ERP integration', '--role', 'OMS - Full access']);
		expect(generated.code).toBe(0);
		const appKey = /appkey-acme-[A-Z]{6}/.exec(generated.stdout)![0];
		const link = LINK_IN_TEXT.exec(generated.stdout)![0];
		const redeemed = await as('alice', ['redeem'], link);
		const token = TOKEN_IN_TEXT.exec(redeemed.stdout)![0];
		expect((await as('alice', ['verify', '--key', appKey], token)).stdout).toContain('valid');
		const keys = await db.query('SELECT app_key, name, roles, active FROM apikeys.keys');
		expect(keys.rows).toEqual([{app_key: appKey, name: 'ERP integration', roles: ['OMS - Full access'], active: true}]);
		expect((await db.query('SELECT state FROM apikeys.tokens WHERE app_key = $1', [appKey])).rows).toEqual([{state: 'current'}]);
		const log = await db.query('SELECT operator, action, app_key FROM apikeys.activity ORDER BY id');
		expect(log.rows.map(r => `${r.operator} ${r.action}`)).toEqual(['alice create store', 'alice generate', 'alice redeem link']);
		// Nothing in the database holds the token or the link's secret.
		const dump = await db.query(
			`SELECT string_agg(t::text, ' ') AS all FROM (SELECT k::text FROM apikeys.keys k UNION ALL SELECT t::text FROM apikeys.tokens t UNION ALL SELECT l::text FROM apikeys.links l UNION ALL SELECT a::text FROM apikeys.activity a) t`,
		);
		expect(dump.rows[0].all).not.toContain(token);
		expect(dump.rows[0].all).not.toContain(link.split('/').at(-1));
	});

	it('makes the database login the operator: no environment variable claims another', async () => {
		expect(await as('bob', ['list'])).toMatchObject({code: 1, stderr: 'apikeys: operator "bob" is not in this store: ask alice to run "apikeys operators add bob --role ROLE"\n'});
		const claimed = await runCli(['list'], {store: db.url('bob'), env: {...db.env('bob'), APIKEYS_OPERATOR: 'alice'}});
		expect(claimed).toMatchObject({code: 1, stdout: ''});
		expect(claimed.stderr).toBe(`apikeys: in the PostgreSQL store ${db.url('bob')} you act as your database login "bob", not "alice": unset APIKEYS_OPERATOR, or log in as that role\n`);
		expect((await as('alice', ['operators', 'add', 'bob', '--role', 'API Keys - Read only'])).code).toBe(0);
		expect((await as('bob', ['list'])).stdout).toContain('ERP integration');
		expect((await as('bob', ['generate', '--name', 'Nope'])).stderr).toContain('it needs the resource "Edit API Keys"');
	});

	it('refuses a password in a --store URL without printing it, and names an unreachable server in one line', async () => {
		const withPassword = await runCli(['list', '--store', `postgres://alice:hunter2-secret@127.0.0.1/${db.name}`], {env: db.env('alice')});
		expect(withPassword).toMatchObject({code: 2, stdout: ''});
		expect(withPassword.stderr).not.toContain('hunter2-secret');
		expect(withPassword.stderr).toContain('a password in a store URL on the command line is readable by every user of this machine');
		// Without a host (the local socket) its password is refused just the same.
		const socketWithPassword = await runCli(['list', '--store', `postgres://alice:hunter2-secret@/${db.name}`], {env: db.env('alice')});
		expect(socketWithPassword).toMatchObject({code: 2, stdout: ''});
		expect(socketWithPassword.stderr).not.toContain('hunter2-secret');
		expect(socketWithPassword.stderr).toContain('a password in a store URL on the command line is readable by every user of this machine');
		// As a parameter too, and wherever a store URL is given on the command line.
		for (const args of [['list', '--store', `postgres://alice@127.0.0.1/${db.name}?password=hunter2-secret`], ['store', 'copy', '--from', `postgres://alice@127.0.0.1/${db.name}?sslmode=disable&password=hunter2-secret`, '--to', join(tmpdir(), 'never.json')]]) {
			const refused = await runCli(args, {env: db.env('alice')});
			expect(refused).toMatchObject({code: 2, stdout: ''});
			expect(refused.stderr).toBe('apikeys: a password in a store URL on the command line is readable by every user of this machine: leave it out and use PGPASSWORD, ~/.pgpass or PGSERVICE\n');
		}
		// In APIKEYS_STORE, which only its user can read, a password is used and never shown: not in a message, not in the title of a store.
		const {PGPASSWORD: password, ...withoutPassword} = db.env('alice');
		const nope = `${db.name}_nope`;
		for (const [store, shown] of [
			[`postgres://alice:${password}@/${nope}?host=127.0.0.1`, `postgres:///${nope}?host=127.0.0.1&user=alice`],
			[`postgres://alice@127.0.0.1/${nope}?password=${password}`, `postgres://alice@127.0.0.1/${nope}`],
		]) {
			const listed = await runCli(['list'], {env: {...withoutPassword, APIKEYS_STORE: store!.replace(nope, db.name)}});
			expect(listed).toMatchObject({code: 0, stderr: ''});
			expect(listed.stdout).toContain('ERP integration');
			const missing = await runCli(['list'], {env: {...withoutPassword, APIKEYS_STORE: store!}});
			expect(missing).toMatchObject({code: 1, stdout: '', stderr: `apikeys: could not reach the PostgreSQL store ${shown}: database "${nope}" does not exist\n`});
		}
		// A parameter the program does not connect with is refused rather than ignored: a misspelt sslmode must not mean no TLS.
		const misspelt = await runCli(['list', '--store', `postgres://alice@127.0.0.1/${db.name}?sslmod=verify-full`], {env: db.env('alice')});
		expect(misspelt).toMatchObject({code: 2, stdout: '', stderr: expect.stringMatching(/^apikeys: the PostgreSQL URL gives the parameter "sslmod", which apikeys does not support/)});
		// A user and no host is the local socket, or PGHOST, as libpq takes it (here PGHOST, since the socket authenticates by peer).
		const hostless = await runCli(['list', '--store', `postgres://alice@/${db.name}`], {env: {...db.env('alice'), PGHOST: '127.0.0.1'}});
		expect(hostless).toMatchObject({code: 0, stderr: ''});
		expect(hostless.stdout).toContain('ERP integration');
		const away = await runCli(['list'], {store: `postgres://alice@127.0.0.1:1/${db.name}`, env: db.env('alice')});
		expect(away).toMatchObject({code: 1, stdout: ''});
		expect(away.stderr).toMatch(/^apikeys: could not reach the PostgreSQL store postgres:\/\/alice@127\.0\.0\.1:1\/\w+: the server refused the connection \(is PostgreSQL running there\?\)\n$/);
		// No PGPASSWORD, and a home without ~/.pgpass: the driver's own words were "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string".
		const home = mkdtempSync(join(tmpdir(), 'apikeys-nopass-'));
		try {
			const unasked = await runCli(['list'], {store: db.url('alice'), env: {HOME: home, APIKEYS_OPERATOR: 'alice'}});
			expect(unasked).toMatchObject({code: 1, stdout: ''});
			expect(unasked.stderr).toBe(
				`apikeys: could not reach the PostgreSQL store ${db.url('alice')}: the server asks for a password and none was given: set PGPASSWORD, or put it in ~/.pgpass or a PGSERVICE entry\n`,
			);
		} finally {
			rmSync(home, {recursive: true, force: true});
		}
	});

	it('keeps the log append-only for every admin, its owner included', async () => {
		for (const login of ['alice', 'bob'] as const) {
			const {Client} = (await import('pg')).default;
			const client = new Client({host: '127.0.0.1', database: db.name, user: login, password: db.env(login).PGPASSWORD});
			await client.connect();
			try {
				await expect(client.query("UPDATE apikeys.activity SET summary = 'rewritten'")).rejects.toThrow(/append-only|permission denied/);
				await expect(client.query('DELETE FROM apikeys.activity')).rejects.toThrow(/append-only|permission denied/);
			} finally {
				await client.end();
			}
		}
		expect((await db.query("SELECT count(*)::int AS n FROM apikeys.activity WHERE summary = 'rewritten'")).rows[0].n).toBe(0);
	});

	it('lets exactly one of 50 redeemers in two processes have the token', async () => {
		const generated = await as('alice', ['generate', '--name', 'Race']);
		const link = LINK_IN_TEXT.exec(generated.stdout)![0];
		const run = () =>
			new Promise<string>((resolve, reject) => {
				const child = spawn(process.execPath, [worker.file, 'redeem', db.url('alice'), '25'], {env: {...process.env, ...db.env('alice')}, stdio: ['pipe', 'pipe', 'pipe']});
				let out = '';
				let err = '';
				child.stdout.on('data', chunk => (out += chunk));
				child.stderr.on('data', chunk => (err += chunk));
				child.on('error', reject);
				child.on('close', code => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
				child.stdin.end(link);
			});
		const lines = (await Promise.all([run(), run()])).join('').trim().split('\n');
		expect(lines).toHaveLength(50);
		expect(lines.filter(line => line.startsWith('won '))).toHaveLength(1);
		expect(lines.filter(line => line.startsWith('lost this link was already used'))).toHaveLength(49);
		expect((await db.query("SELECT count(*)::int AS n FROM apikeys.activity WHERE action = 'redeem link'")).rows[0].n).toBe(2);
	});

	it('loses no change from two processes writing at once', async () => {
		const run = (label: string) =>
			new Promise<string[]>((resolve, reject) => {
				const child = spawn(process.execPath, [worker.file, 'write', db.url('alice'), '30', label], {env: {...process.env, ...db.env('alice')}, stdio: ['ignore', 'pipe', 'pipe']});
				let out = '';
				child.stdout.on('data', chunk => (out += chunk));
				child.on('error', reject);
				child.on('close', code => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`worker exited ${code}`))));
			});
		const acks = (await Promise.all([run('left'), run('right')])).flat();
		expect(acks).toHaveLength(60);
		const names = await db.query("SELECT name FROM apikeys.keys WHERE name LIKE 'left-%' OR name LIKE 'right-%'");
		expect(names.rows).toHaveLength(60);
		const logged = await db.query("SELECT count(*)::int AS n FROM apikeys.activity WHERE action = 'generate' AND summary LIKE 'name: left-%' OR summary LIKE 'name: right-%'");
		expect(logged.rows[0].n).toBe(60);
		const listed = await as('alice', ['list', '--search', 'left-', '--json']);
		expect(JSON.parse(listed.stdout)).toHaveLength(30);
	});

	it('gives a new key another appKey when its random one is taken, never writing over the key that has it', async () => {
		// Two admins whose random draws are the same: the second's first appKey is the first's new key's.
		const url = db.url('alice').replace('alice@', `alice:${db.env('alice').PGPASSWORD}@`);
		const first = await ApiKeysService.open(url, {operator: 'alice', random: seededRandom('same draws')});
		const second = await ApiKeysService.open(url, {operator: 'alice', random: seededRandom('same draws')});
		try {
			const {row: mine} = await first.generate({name: 'Mine', roles: []});
			const before = await db.query('SELECT k.name, t.digest FROM apikeys.keys k JOIN apikeys.tokens t USING (app_key) WHERE app_key = $1', [mine.appKey]);
			const {row: theirs} = await second.generate({name: 'Theirs', roles: []});
			expect(theirs.appKey).not.toBe(mine.appKey);
			expect((await db.query('SELECT k.name, t.digest FROM apikeys.keys k JOIN apikeys.tokens t USING (app_key) WHERE app_key = $1', [mine.appKey])).rows).toEqual(before.rows);
			expect((await db.query('SELECT name FROM apikeys.keys WHERE app_key = $1', [theirs.appKey])).rows).toEqual([{name: 'Theirs'}]);
		} finally {
			await first.close();
			await second.close();
		}
	});

	it("writes a batch of last uses on the keys' own pages, adding nothing to any index", async () => {
		// 400 keys over several pages, as a store fills them; a verifier then writes the last uses of a tenth of them.
		await db.query(`INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, token_created, revision)
			SELECT 'appkey-fill-' || lpad(i::text, 6, '0'), 'Integration ' || i, ARRAY['OMS - Read only'], i, 'alice', true, i, 1 FROM generate_series(1, 400) AS i`);
		try {
			const pages = async () =>
				(await db.query(`SELECT app_key, (ctid::text::point)[0] AS page FROM apikeys.keys WHERE app_key LIKE 'appkey-fill-%' ORDER BY app_key`)).rows as Array<{app_key: string; page: number}>;
			const before = await pages();
			expect(new Set(before.map(row => row.page)).size).toBeGreaterThanOrEqual(5);
			const used = before.filter((_, i) => i % 10 === 0).map(row => row.app_key);
			const source = await PgSource.open(db.url('bob'), db.env('bob'));
			try {
				await source.recordUses(new Map(used.map(appKey => [appKey, Date.now()])));
			} finally {
				await source.close();
			}
			const written = await db.query(`SELECT app_key FROM apikeys.keys WHERE app_key LIKE 'appkey-fill-%' AND last_used IS NOT NULL ORDER BY app_key`);
			expect(written.rows.map(row => (row as {app_key: string}).app_key)).toEqual(used);
			// A key whose page had no room would have moved to another (and every index would hold a new entry for it).
			expect(await pages()).toEqual(before);
		} finally {
			await db.query(`DELETE FROM apikeys.keys WHERE app_key LIKE 'appkey-fill-%'`);
		}
	});

	it('refuses a schema newer than this program knows, as with a file', async () => {
		await db.query('INSERT INTO apikeys.schema_version (version) VALUES (99)');
		try {
			const list = await as('alice', ['list']);
			expect(list).toMatchObject({code: 1, stdout: ''});
			expect(list.stderr).toContain('was made by a newer apikeys (schema version 99; this one knows up to 1)');
		} finally {
			await db.query('DELETE FROM apikeys.schema_version WHERE version = 99');
		}
	});
});
