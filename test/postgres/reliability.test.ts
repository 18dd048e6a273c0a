import {spawn, type ChildProcess} from 'node:child_process';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {bundleScript} from '../bundle.js';
import {hasTmux, startTmux} from '../e2e/tmux.js';
import {runCli} from '../helpers.js';
import {privateServerReason, startPrivateServer, type PrivateServer} from '../pg-server.js';
import type {Login} from '../pg.js';

const reason = privateServerReason;
const UNREACHABLE = '✗ the store is out of reach; the keys shown are the last read, retrying (could not reach the PostgreSQL store';

/** A writer process (test/reliability/worker.ts): its acknowledged changes, one line each, and its end. */
function writer(worker: string, location: string, env: Record<string, string>, count: number, label: string) {
	const child: ChildProcess = spawn(process.execPath, [worker, 'write', location, String(count), label], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
	const acks: Array<{appKey: string; revision: number}> = [];
	let buffer = '';
	let stderr = '';
	child.stdout!.on('data', chunk => {
		buffer += chunk;
		const lines = buffer.split('\n');
		buffer = lines.pop()!;
		for (const line of lines) {
			const [, appKey, revision] = line.split(' ');
			acks.push({appKey: appKey!, revision: Number(revision)});
		}
	});
	child.stderr!.on('data', chunk => (stderr += chunk));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.on('close', (code, signal) => resolve({code, signal})));
	return {child, acks, exited, stderr: () => stderr};
}

describe.skipIf(reason !== null)(`PostgreSQL under faults, on a private server${reason ? ` (skipped: ${reason})` : ''}`, () => {
	let server: PrivateServer;
	let worker: {file: string; remove(): void};
	let databases = 0;
	beforeAll(async () => {
		server = await startPrivateServer();
		worker = await bundleScript(join(import.meta.dirname, '..', 'reliability', 'worker.ts'));
	});
	afterAll(async () => {
		worker?.remove();
		await server?.remove();
	});

	/** A new database on the private server with a store in it: alice its Owner, bob a User Administrator. */
	async function store() {
		const name = `apikeys_${++databases}`;
		await server.createDatabase(name);
		const as = (login: Login, args: string[], via: 'tcp' | 'socket' = 'tcp') =>
			runCli(args, {store: via === 'tcp' ? server.tcpUrl(login, name) : server.socketUrl(login, name), operator: login, env: server.env(login)});
		expect(await as('alice', ['init', '--account', 'acme'])).toMatchObject({code: 0, stderr: ''});
		expect(await as('alice', ['operators', 'add', 'bob', '--role', 'User Administrator - RESTRICTED'])).toMatchObject({code: 0, stderr: ''});
		const query = (sql: string, params?: unknown[]) => server.admin(sql, params, name);
		const count = async (sql: string, params?: unknown[]) => Number((await query(sql, params)).rows[0].n);
		return {name, as, query, count};
	}

	it('8 processes × 200 changes from two hosts (4 over TCP as alice, 4 over the Unix socket as bob) lose nothing', async () => {
		const {name, count, query} = await store();
		const writers = Array.from({length: 8}, (_, i) =>
			i % 2 === 0
				? writer(worker.file, server.tcpUrl('alice', name), server.env('alice'), 200, `tcp${i}`)
				: writer(worker.file, server.socketUrl('bob', name), server.env('bob'), 200, `socket${i}`),
		);
		const ends = await Promise.all(writers.map(w => w.exited));
		for (const [i, end] of ends.entries()) expect(end, writers[i]!.stderr()).toEqual({code: 0, signal: null});
		const acks = writers.flatMap(w => w.acks);
		expect(acks).toHaveLength(1600);
		// Each change was its own transaction: every acknowledgement names a revision no other has.
		expect(new Set(acks.map(a => a.revision)).size).toBe(1600);
		const stored = new Set((await query('SELECT app_key FROM apikeys.keys')).rows.map(r => r.app_key as string));
		expect(stored.size).toBe(1600);
		expect(acks.filter(a => !stored.has(a.appKey))).toEqual([]);
		expect(await count("SELECT count(*) AS n FROM apikeys.activity WHERE action = 'generate' AND operator = 'alice'")).toBe(800);
		expect(await count("SELECT count(*) AS n FROM apikeys.activity WHERE action = 'generate' AND operator = 'bob'")).toBe(800);
		// init, operators add, then one revision per change.
		expect(await count('SELECT revision AS n FROM apikeys.store')).toBe(2 + 1600);
	});

	it('kill -9 of a writer in the middle of its transaction loses nothing acknowledged, and the store takes the next change', async () => {
		const {name, as, count} = await store();
		// Where the writer is held when killed: before its first write, and after writing its key but before its log entry.
		const holds = [
			{at: 'waiting for the store lock', lock: 'SELECT revision FROM apikeys.store FOR UPDATE'},
			{at: 'after writing its key, before its activity entry', lock: 'LOCK TABLE apikeys.activity IN EXCLUSIVE MODE'},
		];
		let acknowledged = 0;
		for (const hold of holds) {
			const w = writer(worker.file, server.tcpUrl('alice', name), server.env('alice'), 100_000, hold.at.split(' ')[0]!);
			await vi.waitFor(() => expect(w.acks.length).toBeGreaterThanOrEqual(10), {timeout: 30_000, interval: 20});
			const holder = new (await import('pg')).default.Client({host: server.socketDir, port: server.port, database: name, user: 'alice', password: server.env('alice').PGPASSWORD});
			await holder.connect();
			try {
				await holder.query('BEGIN');
				await holder.query(hold.lock);
				// The writer's backend waits on the lock inside its open transaction.
				const waiting = await vi.waitFor(
					async () => {
						// A writer that stopped (it should not) says why, rather than leaving nothing to wait for.
						expect(w.child.exitCode, `the writer exited: ${w.stderr()}`).toBeNull();
						// pg_stat_activity is read once per transaction: without this, a first look taken
						// before the writer waits is all the holder's open transaction would ever see.
						await holder.query('SELECT pg_stat_clear_snapshot()');
						const {rows} = await holder.query(
							"SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'apikeys' AND wait_event_type = 'Lock' AND xact_start IS NOT NULL",
							[name],
						);
						expect(rows).toHaveLength(1);
						return rows[0].pid as number;
					},
					{timeout: 30_000, interval: 20},
				);
				if (hold.lock.startsWith('LOCK')) {
					// Its key is written, uncommitted: the transaction holds the keys table for writing.
					const {rows} = await holder.query("SELECT 1 FROM pg_locks WHERE pid = $1 AND relation = 'apikeys.keys'::regclass AND mode = 'RowExclusiveLock' AND granted", [waiting]);
					expect(rows).toHaveLength(1);
				}
				w.child.kill('SIGKILL');
				expect(await w.exited).toEqual({code: null, signal: 'SIGKILL'});
				await holder.query('ROLLBACK');
				// The server sees the client gone and rolls its transaction back.
				await vi.waitFor(
					async () => expect((await holder.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [waiting])).rows).toHaveLength(0),
					{timeout: 30_000, interval: 20},
				);
			} finally {
				await holder.end();
			}
			acknowledged += w.acks.length;
			const stored = new Set((await server.admin('SELECT app_key FROM apikeys.keys', [], name)).rows.map(r => r.app_key as string));
			expect(w.acks.filter(a => !stored.has(a.appKey))).toEqual([]);
			// Nothing half-written either: exactly the acknowledged keys, each with its log entry.
			expect(stored.size).toBe(acknowledged);
			expect(await count("SELECT count(*) AS n FROM apikeys.activity WHERE action = 'generate'")).toBe(acknowledged);
			expect(await count('SELECT revision AS n FROM apikeys.store')).toBe(2 + acknowledged);
		}
		expect(await as('bob', ['generate', '--name', 'After the crash'], 'socket')).toMatchObject({code: 0, stderr: ''});
		expect(JSON.parse((await as('alice', ['list', '--json'])).stdout)).toHaveLength(acknowledged + 1);
	});

	it.skipIf(!hasTmux)(`the app, while its server restarts, says so, comes back by itself and shows what changed meanwhile${hasTmux ? '' : ' (skipped: tmux is not installed)'}`, async () => {
		const {name, as} = await store();
		expect((await as('alice', ['generate', '--name', 'ERP integration'])).code).toBe(0);
		const app = startTmux([], {columns: 120, rows: 40, env: {APIKEYS_STORE: server.tcpUrl('alice', name), ...server.env('alice')}});
		try {
			await app.waitFor('1 of 1 key ', 20_000);
			server.stop();
			const away = await app.waitFor(UNREACHABLE, 20_000);
			expect(away).toContain('ERP integration');
			// Back on the socket only: another admin changes the store while the app still cannot reach it.
			server.start({tcp: false});
			expect(await as('bob', ['generate', '--name', 'Made meanwhile'], 'socket')).toMatchObject({code: 0, stderr: ''});
			expect(app.screen()).toContain(UNREACHABLE);
			server.stop();
			server.start();
			// The count comes with the index; each row's name a moment later, read for the screen.
			const back = await app.waitFor(screen => screen.includes('2 of 2 keys') && screen.includes('Made meanwhile') && !screen.includes('retrying'), 20_000);
			expect(back).toContain('Made meanwhile');
			expect(back).toContain('ERP integration');
			// And it listens again: the next change from another host shows up by itself.
			expect(await as('bob', ['generate', '--name', 'After the restart'])).toMatchObject({code: 0, stderr: ''});
			await app.waitFor(screen => screen.includes('3 of 3 keys') && screen.includes('After the restart'), 3_000);
		} finally {
			app.close();
		}
	});
});
