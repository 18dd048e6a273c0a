import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ROWS_READ_AROUND} from '../../source/core/query.js';
import {DAY} from '../../source/core/time.js';
import {mintToken, tokenRecord} from '../../source/core/token.js';
import {ApiKeysService} from '../../source/service.js';
import {PgStore} from '../../source/store/postgres/pg-store.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {hasTmux, TMUX_KEY, startTmux} from '../e2e/tmux.js';
import {freshStore, runCli, seededRandom, suiteDir} from '../helpers.js';
import {postgresReason, testDatabase} from '../pg.js';

const reason = postgresReason ?? (hasTmux ? null : 'tmux is not installed');
const COUNT = 3000;
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const nameOf = (i: number) => `${['ERP', 'Checkout', 'Pricing'][i % 3]} – Integration ${i}`;
const appKeyOf = (i: number) => `appkey-acme-${Array.from({length: 6}, (_, d) => letters[Math.floor(i / 26 ** d) % 26]).join('')}`;

/** A store of COUNT keys: every tenth inactive, token ages spread over two years, a few past due. */
function storeData() {
	const data = freshStore('acme', 'alice');
	const random = seededRandom('windowed');
	for (let i = 0; i < COUNT; i++) {
		const created = data.created - (i % 700) * DAY - i;
		data.keys.push({
			appKey: appKeyOf(i),
			name: nameOf(i),
			roles: ['OMS - Read only'],
			created,
			createdBy: 'alice',
			active: i % 10 !== 0,
			token: tokenRecord(mintToken(random(32)), created),
			...(i % 7 === 0 ? {lastUsed: data.created - i} : {}),
		});
	}
	data.revision = 1;
	return data;
}

describe.skipIf(reason !== null)(`a PostgreSQL store read in windows${reason ? ` (skipped: ${reason})` : ''}`, () => {
	let db: Awaited<ReturnType<typeof testDatabase>>;
	let file: string;
	beforeAll(async () => {
		db = await testDatabase();
		const data = storeData();
		file = join(suiteDir(), 'store.json');
		writeFileSync(file, serializeStore(data), {mode: 0o600});
		const store = await PgStore.create(db.url('alice'), () => data, {...process.env, ...db.env('alice')});
		await store.close();
		expect((await runCli(['operators', 'add', 'bob', '--role', 'Owner (Admin Super)'], {store: db.url('alice'), env: db.env('alice')})).code).toBe(0);
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('the Activity tab reads the log a page at a time as it is scrolled, down to its first entry', async () => {
		// 2 500 older entries than the store's own: more than the app holds of the newest, and more than a page.
		await db.query(
			`INSERT INTO apikeys.activity (at, operator, action, app_key, summary, revision)
			SELECT 1700000000000 + n, 'alice', 'edit', 'appkey-acme-AAAAAA', 'roles: entry ' || n, 1 FROM generate_series(1, 2500) n ORDER BY n`,
		);
		const total = Number((await db.query('SELECT count(*) AS n FROM apikeys.activity')).rows[0].n);
		const app = startTmux([], {columns: 100, rows: 30, env: {APIKEYS_STORE: db.url('alice'), ...db.env('alice')}});
		try {
			await app.waitFor(`${COUNT} of ${COUNT} keys`, 20_000);
			app.press(TMUX_KEY.tab, TMUX_KEY.tab);
			await app.waitFor(new RegExp(`\\d+ of ${total} entries`));
			const readCount = (screen: string) => Number(/(\d+) of \d+ entries/.exec(screen)?.[1] ?? 0);
			expect(readCount(app.screen())).toBeLessThan(total);
			// Each End goes to the last entry read, and the next page arrives.
			for (let page = 0; page < 10 && readCount(app.screen()) < total; page++) {
				const before = readCount(app.screen());
				app.type('G');
				await app.waitFor(screen => readCount(screen) > before, 10_000);
			}
			app.type('G');
			const screen = await app.waitFor(/▶.*operator add.*bob/);
			expect(screen).toContain(`${total} of ${total} entries`);
		} finally {
			app.close();
		}
		// The command line's audit streams the same log through a cursor, newest first.
		const audit = await runCli(['audit', '--json'], {store: db.url('alice'), env: db.env('alice')});
		const entries = JSON.parse(audit.stdout) as {summary?: string}[];
		expect(entries).toHaveLength(total);
		expect([entries[0]!.summary, entries.at(-1)!.summary]).toEqual(['roles: entry 2500', 'bob: Owner (Admin Super)']);
		const found = await runCli(['audit', '--search', 'entry 1234'], {store: db.url('alice'), env: db.env('alice')});
		expect(found.stdout.trimEnd().split('\n').slice(1)).toEqual([expect.stringContaining('roles: entry 1234'), '1 entry']);
	});

	it('holds no key in memory: a change reads only its key, and the log only its newest entries', async () => {
		const store = await PgStore.open(db.url('alice'), {...process.env, ...db.env('alice')});
		try {
			expect(store.peek()!.keys).toEqual([]);
			const seen = await store.transact(data => data.keys.map(k => k.appKey), {keys: [appKeyOf(5)]});
			expect(seen).toEqual([appKeyOf(5)]);
			expect(store.peek()!.keys).toEqual([]);
			expect(await store.finder.count({search: 'integration 299'})).toBe(11);
			expect((await store.finder.byAppKey([appKeyOf(7), 'appkey-acme-NOSUCH'])).map(k => k.name)).toEqual([nameOf(7)]);
		} finally {
			await store.close();
		}
	});

	it('lists (streamed, in batches) exactly what the same store in a file lists, in every sort order', async () => {
		const filters = [[], ['--search', 'checkout – integration 1'], ['--status', 'inactive'], ['--alert']];
		for (const [n, sort] of ['created', 'name', 'appKey', 'tokenAge', 'status', 'lastUsed'].entries()) {
			for (const extra of [filters[n % filters.length]!, ...(n === 0 ? filters.slice(1) : [])]) {
				const args = ['list', '--json', '--sort', sort, ...extra];
				const fromFile = await runCli(args, {store: file, env: {APIKEYS_OPERATOR: 'alice'}});
				const fromDatabase = await runCli(args, {store: db.url('alice'), env: db.env('alice')});
				expect(fromFile.stderr).toBe('');
				expect(fromDatabase.code).toBe(0);
				expect(JSON.parse(fromDatabase.stdout).length).toBeGreaterThan(0);
				expect(fromDatabase.stdout, `list ${args.join(' ')}`).toBe(fromFile.stdout);
			}
		}
		const table = await runCli(['list'], {store: db.url('alice'), env: db.env('alice')});
		expect(table.stdout.trimEnd().split('\n').at(-1)).toBe(`${COUNT} of ${COUNT} keys`);
		expect(table.stdout.split('\n').filter(line => line.startsWith('KEY ')).length).toBe(1);
	});

	it('a scan of the columns begun at opening is taken over by the first scan in its order, with the first keys whole from its snapshot; another order reads afresh', async () => {
		const url = db.url('alice').replace('alice@', `alice:${db.env('alice').PGPASSWORD}@`);
		const scan = async (service: ApiKeysService, sort: 'created' | 'name') => {
			const appKeys: string[] = [];
			let counted = 0;
			await service.scanKeyColumns({sort}, count => (counted = count), rows => (appKeys.push(...rows.map(row => row.appKey)), true));
			return {appKeys, counted};
		};
		const plain = await ApiKeysService.open(url, {operator: 'alice'});
		const early = await ApiKeysService.open(url, {operator: 'alice'});
		const dropped = await ApiKeysService.open(url, {operator: 'alice'});
		try {
			early.beginColumnsScan({sort: 'created'});
			dropped.beginColumnsScan({sort: 'created'});
			// The early scan has its first rows read and waits, its transaction open.
			await vi.waitFor(async () => expect((await db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%FETCH % FROM batches'")).rows.length).toBe(2));
			const byCreated = await scan(plain, 'created');
			expect(byCreated.appKeys).toHaveLength(COUNT);
			// A key among the first is deactivated after the early scan read them, before the app takes it over.
			const first = byCreated.appKeys.slice(0, ROWS_READ_AROUND);
			const before = await plain.keysByAppKey(first);
			const changed = before.find(key => key.active)!;
			await plain.deactivate(changed.appKey);
			expect(await scan(early, 'created')).toEqual(byCreated);
			// The app's first rows are the first keys whole as its columns were read (the change comes with the next read), in one snapshot.
			const shown = await early.keysByAppKey(first);
			expect(shown.map(key => key.appKey)).toEqual(first);
			expect(shown).toEqual(first.map(appKey => before.find(key => key.appKey === appKey)));
			// Used once: what the app asks next is read afresh.
			expect((await early.keysByAppKey([changed.appKey]))[0]!.active).toBe(false);
			await plain.activate(changed.appKey);
			// Taken once: the next scan reads afresh, as does one in another order.
			expect(await scan(early, 'created')).toEqual(byCreated);
			expect((await scan(dropped, 'name')).appKeys).toEqual((await scan(plain, 'name')).appKeys);
			early.beginColumnsScan({sort: 'created'});
		} finally {
			await Promise.all([plain.close(), early.close(), dropped.close()]);
		}
		// Closing lets an untaken scan go: no transaction is left open.
		expect((await db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%FETCH % FROM batches'")).rows).toEqual([]);
	});

	it('the first keys read with the columns are not used once the app has read a later change', async () => {
		const url = db.url('alice').replace('alice@', `alice:${db.env('alice').PGPASSWORD}@`);
		const app = await ApiKeysService.open(url, {operator: 'alice'});
		const other = await ApiKeysService.open(url, {operator: 'alice'});
		try {
			app.beginColumnsScan({sort: 'created'});
			const appKeys: string[] = [];
			await app.scanKeyColumns({sort: 'created'}, () => undefined, rows => (appKeys.push(...rows.map(row => row.appKey)), true));
			const first = appKeys.slice(0, ROWS_READ_AROUND);
			const changed = (await other.keysByAppKey(first)).find(key => key.active)!;
			await other.deactivate(changed.appKey);
			// The app reads the store again (as it does when told of a change): its rows must be as of then.
			await app.snapshot();
			const shown = await app.keysByAppKey(first);
			expect(shown.map(key => key.appKey).sort()).toEqual([...first].sort());
			expect(shown.find(key => key.appKey === changed.appKey)!.active).toBe(false);
			await other.activate(changed.appKey);
		} finally {
			await Promise.all([app.close(), other.close()]);
		}
	});

	it('the app searches, filters, sorts and scrolls, and follows another host adding, changing and removing keys', async () => {
		const app = startTmux([], {columns: 120, rows: 40, env: {APIKEYS_STORE: db.url('alice'), ...db.env('alice')}});
		try {
			await app.waitFor(`${COUNT} of ${COUNT} keys`, 20_000);
			app.type('/');
			app.type('integration 2999');
			let screen = await app.waitFor(`${appKeyOf(2999)} ${nameOf(2999)}`);
			expect(screen).toContain('1 of 3000 keys');
			app.press(TMUX_KEY.escape);
			await app.waitFor(screen => !screen.includes('search:'));
			app.type('f');
			await app.waitFor(/2700 of 3000 keys .*status: active/);
			app.type('f');
			await app.waitFor(/300 of 3000 keys .*status: inactive/);
			app.type('fff');
			await app.waitFor(/3000 of 3000 keys .*status: all/);
			// The oldest row, far from those read first, is read when it comes into view.
			app.press(TMUX_KEY.end);
			screen = await app.waitFor(new RegExp(`▶.*${appKeyOf(2799)}`));
			// The row's name arrives with the row, read from the store; the line under the table shows it whole.
			await app.waitFor(`${appKeyOf(2799)} ${nameOf(2799)} · token`);
			app.press(TMUX_KEY.home);
			await app.waitFor(new RegExp(`▶.*${appKeyOf(0)}`));
			app.type('s');
			screen = await app.waitFor('sort: name', 10_000);
			// The selection stays on its key through the new order, and the rows around it are read: the
			// first "ERP" name now has the last "Checkout" name above it. The first by name is "Checkout – Integration 1".
			await app.waitFor(screen => {
				const lines = screen.split('\n');
				const at = lines.findIndex(line => new RegExp(`▶.*${appKeyOf(0)} ${nameOf(0)}`).test(line));
				return at > 0 && / appkey-acme-\w+ Checkout – Integr/.test(lines[at - 1]!);
			}, 10_000);
			app.press(TMUX_KEY.home);
			await app.waitFor(new RegExp(`▶.*${appKeyOf(1)}`), 10_000);

			// Another admin, another connection: a change, a removal and a new key all show within seconds.
			app.type('s'.repeat(5));
			await app.waitFor(/sort: created ↓/);
			await app.waitFor(new RegExp(`▶.*${appKeyOf(1)}`), 10_000);
			const bob = {store: db.url('bob'), env: db.env('bob')};
			expect((await runCli(['deactivate', appKeyOf(1), '--yes'], bob)).code).toBe(0);
			await app.waitFor(new RegExp(`${appKeyOf(1)} .*Inactive`), 5000);
			expect((await runCli(['delete', appKeyOf(2), '--yes'], bob)).code).toBe(0);
			screen = await app.waitFor('2999 of 2999 keys', 5000);
			expect(screen).not.toContain(appKeyOf(2));
			expect((await runCli(['generate', '--name', 'Brand new feed'], bob)).code).toBe(0);
			screen = await app.waitFor('3000 of 3000 keys', 10_000);
			// The newest key is first, above the rows in view.
			app.press(TMUX_KEY.home);
			await app.waitFor(/▶.*Brand new feed/, 5000);
		} finally {
			app.close();
		}
	});

	it("a dialog whose key another host deletes says so, wherever the key's row is", async () => {
		const app = startTmux([], {columns: 80, rows: 24, env: {APIKEYS_STORE: db.url('alice'), ...db.env('alice')}});
		try {
			await app.waitFor(/\d+ of \d+ keys/, 20_000);
			app.type('/');
			app.type('integration 2998');
			await app.waitFor(new RegExp(`▶.*${appKeyOf(2998)}`));
			app.press(TMUX_KEY.enter);
			await app.waitFor('(/ to change');
			app.type('.');
			await app.waitFor(`⋮ ${appKeyOf(2998)}`);
			app.press(TMUX_KEY.end, TMUX_KEY.enter);
			await app.waitFor(`Delete ${appKeyOf(2998)}`);
			expect((await runCli(['delete', appKeyOf(2998), '--yes'], {store: db.url('bob'), env: db.env('bob')})).code).toBe(0);
			const screen = await app.waitFor('Key no longer exists', 5000);
			expect(screen.replace(/[│\s]+/g, ' ')).toContain(`${appKeyOf(2998)} was deleted by another operator while this dialog was open. Nothing was changed.`);
		} finally {
			app.close();
		}
	});
});
