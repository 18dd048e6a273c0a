import {appendFileSync, chmodSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import type {ActivityEntry, StoreData} from '../../source/core/types.js';
import {ApiKeysService} from '../../source/service.js';
import {ACTIVITY_IN_STORE_MAX, ACTIVITY_KEPT} from '../../source/store/activity-archive.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {T0, freshStore, runCli, tempDir} from '../helpers.js';

/** A store whose log holds `count` entries (one per minute from T0, numbered in their summaries), as years of use leave it. */
function storeWithLog(count: number): {path: string; data: StoreData} {
	const data = freshStore();
	data.activity = Array.from({length: count}, (_, i): ActivityEntry => ({at: T0 + i * 60_000, operator: 'alice', action: 'edit', appKey: 'appkey-acme-AAAAAA', summary: `change ${i}`}));
	data.revision = 1;
	const path = join(tempDir(), 'store.json');
	writeFileSync(path, serializeStore(data), {mode: 0o600});
	return {path, data};
}

/** As if `count` more changes had been made since: entries added to the store's log, the file written as the program writes it. */
function addToLog(path: string, count: number, label: string): void {
	const data = JSON.parse(readFileSync(path, 'utf8')) as StoreData & {integrity?: string; keyCount?: number};
	delete data.integrity;
	delete data.keyCount;
	const last = data.activity.at(-1)!.at;
	for (let i = 0; i < count; i++) data.activity.push({at: last + (i + 1) * 60_000, operator: 'bob', action: 'edit', summary: `${label} ${i}`});
	data.revision++;
	writeFileSync(path, serializeStore(data), {mode: 0o600});
}

const open = (path: string, clock = () => T0 + 10 ** 9) => ApiKeysService.open(path, {operator: 'alice', clock});
const summaries = (entries: readonly ActivityEntry[]) => entries.map(e => e.summary ?? e.action);

describe('the activity archive beside the store', () => {
	it('takes the older entries once the log passes its bound, and the log still reads whole, newest first', async () => {
		const {path} = storeWithLog(ACTIVITY_IN_STORE_MAX);
		const before = statSync(path).size;
		const service = await open(path);
		await service.updateSettings({renewalAlertMonths: 6});
		const archive = `${path}.activity`;
		expect(statSync(archive).mode & 0o777).toBe(0o600);
		const stored = JSON.parse(readFileSync(path, 'utf8')) as StoreData;
		expect(stored.activity).toHaveLength(ACTIVITY_KEPT);
		expect(stored.archive).toMatchObject({entries: ACTIVITY_IN_STORE_MAX + 1 - ACTIVITY_KEPT, bytes: statSync(archive).size});
		expect(statSync(path).size).toBeLessThan(before / 1.5);
		const log = await (await open(path)).activity();
		expect(log).toHaveLength(ACTIVITY_IN_STORE_MAX + 1);
		expect(summaries(log).slice(0, 2)).toEqual(['renewalAlertMonths: 3 → 6', `change ${ACTIVITY_IN_STORE_MAX - 1}`]);
		expect(summaries(log).at(-1)).toBe('change 0');
		expect(new Set(summaries(log)).size).toBe(log.length);
	});

	it('appends to the archive each time the bound is passed again, and `audit` reads across both', async () => {
		const {path} = storeWithLog(ACTIVITY_IN_STORE_MAX);
		const service = await open(path);
		await service.updateSettings({renewalAlertMonths: 6});
		const firstArchive = readFileSync(`${path}.activity`);
		// Enough changes to pass the bound a second time.
		addToLog(path, ACTIVITY_IN_STORE_MAX - ACTIVITY_KEPT, 'later');
		await service.updateSettings({renewalAlertMonths: 3});
		const archive = readFileSync(`${path}.activity`);
		expect(archive.subarray(0, firstArchive.length).equals(firstArchive)).toBe(true);
		expect(archive.length).toBeGreaterThan(firstArchive.length);
		const audit = await runCli(['audit', '--json'], {store: path});
		expect(audit.code).toBe(0);
		const entries = JSON.parse(audit.stdout) as ActivityEntry[];
		expect(entries).toHaveLength(2 * ACTIVITY_IN_STORE_MAX - ACTIVITY_KEPT + 2);
		expect(entries.at(-1)!.summary).toBe('change 0');
		expect(entries.filter(e => e.summary === 'change 0')).toHaveLength(1);
		const recent = await runCli(['audit', '--since', '2026-01-01', '--search', 'change 1234', '--json'], {store: path});
		expect((JSON.parse(recent.stdout) as ActivityEntry[]).map(e => e.summary)).toEqual(['change 1234']);
	});

	it('ignores an append a crash left past the committed part, and the next append replaces it', async () => {
		const {path} = storeWithLog(ACTIVITY_IN_STORE_MAX);
		const service = await open(path);
		await service.updateSettings({renewalAlertMonths: 6});
		const archive = `${path}.activity`;
		appendFileSync(archive, '{"at":1,"operator":"mallory","action":"edit","summary":"never committed"}\n');
		const log = await (await open(path)).activity();
		expect(summaries(log)).not.toContain('never committed');
		expect(log).toHaveLength(ACTIVITY_IN_STORE_MAX + 1);
		addToLog(path, ACTIVITY_IN_STORE_MAX - ACTIVITY_KEPT, 'later');
		await service.updateSettings({renewalAlertMonths: 3});
		expect(readFileSync(archive, 'latin1')).not.toContain('never committed');
		expect(await (await open(path)).activity()).toHaveLength(2 * ACTIVITY_IN_STORE_MAX - ACTIVITY_KEPT + 2);
	});

	it('a damaged, missing, linked or group-writable archive is said in one line, and changes still keep every entry', async () => {
		const {path} = storeWithLog(ACTIVITY_IN_STORE_MAX);
		await (await open(path)).updateSettings({renewalAlertMonths: 6});
		const archive = `${path}.activity`;
		const bytes = readFileSync(archive);
		bytes[100] = bytes[100] === 0x31 ? 0x32 : 0x31;
		writeFileSync(archive, bytes);
		const audit = await runCli(['audit'], {store: path});
		expect(audit).toMatchObject({code: 1, stdout: ''});
		expect(audit.stderr).toMatch(new RegExp(`^apikeys: the activity archive ${archive} fails its integrity check \\(CRC32 of the first \\d+ bytes\\): it was damaged or edited by hand; it was left untouched\\n$`));

		renameSync(archive, `${archive}.moved`);
		expect((await runCli(['audit'], {store: path})).stderr).toBe(`apikeys: the activity archive ${archive} is missing: the store's older activity is in it; restore it from a backup\n`);
		// The store goes on taking changes; the entries the archive cannot take stay in the store.
		const service = await open(path);
		addToLog(path, ACTIVITY_IN_STORE_MAX - ACTIVITY_KEPT, 'later');
		await service.updateSettings({renewalAlertMonths: 3});
		expect((JSON.parse(readFileSync(path, 'utf8')) as StoreData).activity).toHaveLength(ACTIVITY_IN_STORE_MAX + 1);

		symlinkSync(`${archive}.moved`, archive);
		expect((await runCli(['audit'], {store: path})).stderr).toMatch(/^apikeys: could not read the activity archive .*: ELOOP\n$/);
	});

	it('a group-writable archive is refused with the chmod that fixes it', async () => {
		const {path} = storeWithLog(ACTIVITY_IN_STORE_MAX);
		await (await open(path)).updateSettings({renewalAlertMonths: 6});
		const archive = `${path}.activity`;
		chmodSync(archive, 0o620);
		expect((await runCli(['audit'], {store: path})).stderr).toBe(
			`apikeys: activity archive ${archive} is writable by its group (mode 0620): run "chmod 600 ${archive}"; it was left untouched\n`,
		);
		chmodSync(archive, 0o600);
		expect((await runCli(['audit'], {store: path})).code).toBe(0);
	});

	it('a new store is not started beside an earlier store’s archive', async () => {
		const {path} = storeWithLog(ACTIVITY_IN_STORE_MAX);
		await (await open(path)).updateSettings({renewalAlertMonths: 6});
		renameSync(path, `${path}.old`);
		const init = await runCli(['init', '--account', 'acme'], {store: path});
		expect(init).toMatchObject({code: 1, stderr: `apikeys: the activity archive of an earlier store is at ${path}.activity: move it away first\n`});
	});
});
