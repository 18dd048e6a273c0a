import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {hasTmux, startTmux} from '../e2e/tmux.js';
import {runCli} from '../helpers.js';
import {postgresReason, testDatabase} from '../pg.js';

const reason = postgresReason ?? (hasTmux ? null : 'tmux is not installed');

describe.skipIf(reason !== null)(`the app on a PostgreSQL store${reason ? ` (skipped: ${reason})` : ''}`, () => {
	let db: Awaited<ReturnType<typeof testDatabase>>;
	beforeAll(async () => {
		db = await testDatabase();
		expect((await runCli(['init', '--account', 'acme'], {store: db.url('alice'), env: db.env('alice')})).code).toBe(0);
		expect((await runCli(['operators', 'add', 'bob', '--role', 'Owner (Admin Super)'], {store: db.url('alice'), env: db.env('alice')})).code).toBe(0);
		expect((await runCli(['generate', '--name', 'ERP integration'], {store: db.url('alice'), env: db.env('alice')})).code).toBe(0);
	});
	afterAll(async () => {
		await db?.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
		await db?.drop();
	});

	it("shows another host's change within a second, and says so when the database goes away, keeping the keys on screen until it is back", async () => {
		const app = startTmux([], {columns: 120, rows: 40, env: {APIKEYS_STORE: db.url('alice'), ...db.env('alice')}});
		try {
			await app.waitFor('1 of 1 key ');
			expect(app.screen()).toContain('operator alice');
			// Another admin, another connection: the app reads it on its own.
			expect((await runCli(['generate', '--name', 'Marketplace feed'], {store: db.url('bob'), env: db.env('bob')})).code).toBe(0);
			// The new key's row, its name read from the store, above the other; no row stands for another key meanwhile.
			const rowsOf = (screen: string) => screen.split('\n').filter(line => /^[│▶] .*appkey-acme-/.test(line));
			const seen: string[] = [];
			const shown = await app.waitFor(screen => {
				seen.push(screen);
				return screen.includes('2 of 2 keys') && /Marketplace feed/.test(rowsOf(screen)[0] ?? '');
			}, 3000);
			expect(rowsOf(shown)[1]).toContain('ERP integration');
			for (const screen of seen) {
				const appKeys = rowsOf(screen).map(line => /appkey-acme-[A-Z]{6}/.exec(line)![0]);
				expect(new Set(appKeys).size, screen).toBe(appKeys.length);
			}

			await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
			await db.admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
			const away = await app.waitFor('✗ the store is out of reach; the keys shown are the last read, retrying (could not reach the PostgreSQL store', 10_000);
			expect(away).toContain('Marketplace feed');
			expect(away).toContain('ERP integration');

			await db.admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
			expect((await runCli(['generate', '--name', 'Checkout'], {store: db.url('bob'), env: db.env('bob')})).code).toBe(0);
			// The count first, the new row's name as it is read a moment later.
			const back = await app.waitFor(screen => screen.includes('3 of 3 keys') && /Checkout/.test(rowsOf(screen)[0] ?? ''), 10_000);
			expect(back).not.toContain('retrying');
		} finally {
			app.close();
		}
	});
});
