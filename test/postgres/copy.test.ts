import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {StoreData} from '../../source/core/types.js';
import {ACTIVITY_IN_STORE_MAX} from '../../source/store/activity-archive.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';
import {postgresReason, testDatabase} from '../pg.js';

const LINK_IN_TEXT = /https?:\/\/\S+\/credentials\/\S+/;
/** A list's JSON without the ages, which move with the clock while the test runs. */
const timeless = (json: string) => JSON.stringify(JSON.parse(json), (field, value: unknown) => (field === 'age' ? undefined : value));

describe.skipIf(postgresReason !== null)(`apikeys store copy${postgresReason ? ` (skipped: ${postgresReason})` : ''}`, () => {
	let db: Awaited<ReturnType<typeof testDatabase>>;
	beforeAll(async () => {
		db = await testDatabase();
	});
	afterAll(async () => {
		await db?.drop();
	});

	it('copies a file store with its whole history into PostgreSQL and back, and a token issued before verifies after', async () => {
		const file = join(tempDir(), 'store.json');
		const cli = (args: string[], input?: string) => runCli(args, {store: file, input});
		expect((await cli(['init', '--account', 'acme'])).code).toBe(0);
		const erp = await cli(['generate', '--name', 'ERP integration', '--role', 'OMS - Full access']);
		const erpKey = /appkey-acme-[A-Z]{6}/.exec(erp.stdout)![0];
		const token = TOKEN_IN_TEXT.exec((await cli(['redeem'], LINK_IN_TEXT.exec(erp.stdout)![0])).stdout)![0];
		const feed = await cli(['generate', '--name', 'Marketplace feed']);
		const feedKey = /appkey-acme-[A-Z]{6}/.exec(feed.stdout)![0];
		const oldFeedToken = TOKEN_IN_TEXT.exec((await cli(['redeem'], LINK_IN_TEXT.exec(feed.stdout)![0])).stdout)![0];
		expect((await cli(['renew', feedKey, '--delete-old', 'later'])).code).toBe(0);
		expect((await cli(['external', 'add', 'vtexappkey-partnerco-QWERTY', '--role', 'OMS - Read only'])).code).toBe(0);
		expect((await cli(['roles', 'add', 'Key auditor', '--resource', 'View API Keys'])).code).toBe(0);
		expect((await cli(['operators', 'add', 'bob', '--role', 'Key auditor'])).code).toBe(0);
		expect((await cli(['settings', '--renewal-alert', '6'])).code).toBe(0);
		// Years of use: a log long enough that its older part lives in the archive.
		const data = JSON.parse(readFileSync(file, 'utf8')) as StoreData & {integrity?: string; keyCount?: number};
		delete data.integrity;
		delete data.keyCount;
		const old = Array.from({length: ACTIVITY_IN_STORE_MAX}, (_, i) => ({at: data.created + i, operator: 'alice', action: 'edit', summary: `old change ${i}`}));
		data.activity = [...old, ...data.activity];
		data.revision++;
		writeFileSync(file, serializeStore(data), {mode: 0o600});
		expect((await cli(['deactivate', erpKey, '--yes'])).code).toBe(0);
		expect((await cli(['activate', erpKey])).code).toBe(0);
		const entries = (JSON.parse((await cli(['audit', '--json'])).stdout) as unknown[]).length;
		const listed = timeless((await cli(['list', '--json'])).stdout);

		const pgUrl = db.url('alice');
		const copied = await runCli(['store', 'copy', '--from', file, '--to', pgUrl], {env: db.env('alice')});
		expect(copied).toMatchObject({code: 0, stderr: ''});
		expect(copied.stdout).toBe(
			`Copied 2 keys (1 pending renewal, 1 unused link), 1 external key, 2 operators, 1 custom role, the settings and ${(entries + 1).toLocaleString('en')} activity entries from ${file} to ${pgUrl}.\n` +
				'The source still works: its keys, tokens and unused links are live in both stores until you retire it (move the file away).\n',
		);
		// Analyzed as it was filled: the planner counts its keys (the app's progress shows that count) and its log.
		const estimates = await db.query("SELECT relname, reltuples FROM pg_class WHERE oid IN ('apikeys.keys'::regclass, 'apikeys.activity'::regclass) ORDER BY relname");
		expect(estimates.rows.map(row => [row.relname, Number(row.reltuples)])).toEqual([
			['activity', entries + 1],
			['keys', 2],
		]);
		const onPg = (args: string[], input?: string) => runCli(args, {store: pgUrl, env: db.env('alice'), input});
		expect(timeless((await onPg(['list', '--json'])).stdout)).toBe(listed);
		expect((await onPg(['verify', '--key', erpKey], token)).stdout).toMatch(/valid/);
		expect((await onPg(['verify', '--key', feedKey], oldFeedToken)).stdout).toMatch(/valid/);
		const pgLog = JSON.parse((await onPg(['audit', '--json'])).stdout) as Array<{action: string; summary?: string}>;
		expect(pgLog).toHaveLength(entries + 1);
		expect(pgLog[0]).toMatchObject({action: 'copy store', summary: `from ${file}`});
		expect(pgLog.at(-1)).toMatchObject({summary: 'old change 0'});
		expect((await onPg(['settings', '--json'])).stdout).toContain('"renewalAlertMonths": 6');

		// A target with a store in it is never written over.
		const again = await runCli(['store', 'copy', '--from', file, '--to', pgUrl], {env: db.env('alice')});
		expect(again).toMatchObject({code: 1, stdout: '', stderr: `apikeys: a store already exists in ${pgUrl}\n`});

		const listedOnPg = timeless((await onPg(['list', '--json'])).stdout);
		const back = join(tempDir(), 'back.json');
		const returned = await runCli(['store', 'copy', '--from', pgUrl, '--to', back], {env: db.env('alice')});
		expect(returned).toMatchObject({code: 0, stderr: ''});
		const onBack = (args: string[], input?: string) => runCli(args, {store: back, input});
		expect(timeless((await onBack(['list', '--json'])).stdout)).toBe(listedOnPg);
		expect((await onBack(['verify', '--key', erpKey], token)).stdout).toMatch(/valid/);
		expect(JSON.parse((await onBack(['audit', '--json'])).stdout)).toHaveLength(entries + 2);
	});

	it('needs Manage operators and roles on the source, and takes no password on the command line', async () => {
		const file = join(tempDir(), 'store.json');
		expect((await runCli(['init', '--account', 'acme'], {store: file})).code).toBe(0);
		expect((await runCli(['operators', 'add', 'viewer', '--role', 'API Keys - Read only'], {store: file})).code).toBe(0);
		const refused = await runCli(['store', 'copy', '--from', file, '--to', join(tempDir(), 'copy.json')], {operator: 'viewer'});
		expect(refused).toMatchObject({code: 1, stderr: expect.stringContaining('it needs the resource "Manage operators and roles"')});
		const secret = await runCli(['store', 'copy', '--from', file, '--to', `postgres://alice:s3cret-pw@127.0.0.1/${db.name}`]);
		expect(secret).toMatchObject({code: 2, stdout: ''});
		expect(secret.stderr).not.toContain('s3cret-pw');
	});
});
