import {existsSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {ACTIVITY_IN_STORE_MAX} from '../../source/store/activity-archive.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {ApiKeysService} from '../../source/service.js';
import {join} from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import {describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import {mintToken, tokenRecord} from '../../source/core/token.js';
import {TOKEN_IN_TEXT, seededRandom, tempDir} from '../helpers.js';
import {fixtureData, fixtureService} from './fixtures.js';

/** Six distinct capital letters for bulk appKeys. */
const bulkSuffix = (i: number) => Array.from({length: 6}, (_, d) => String.fromCharCode(65 + (Math.floor(i / 26 ** d) % 26))).join('');
import {KEYS, renderSized} from './render.js';

const selectedRow = (frame: string) => frame.split('\n').find(line => line.startsWith('▶')) ?? '';
const flat = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

async function open(operator = 'alice') {
	const fixture = await fixtureService(operator);
	const ui = renderSized(<App service={fixture.service} />, {columns: 120, rows: 40});
	await ui.waitFor(/\d+ of 4 keys/);
	return {...fixture, ui};
}

describe('the External tab', () => {
	it('lists other accounts\' keys with their owner, searches live, and adds one validated as it is typed', async () => {
		const {ui, service} = await open();
		await ui.press(KEYS.tab);
		const tab = await ui.waitFor('1 of 1 external key');
		expect(tab).toMatch(/│ Key\/Owner\s+│ Roles\s+│ Added on\s+│ Status\s+│/);
		expect(selectedRow(tab)).toMatch(/vtexappkey-partnerco-QWERTY partnerco\s+│ OMS - Read only\s+│ \d{4}-\d{2}-\d{2} │ Active/);
		await ui.press('n');
		await ui.waitFor('Add external key');
		for (const char of 'appkey-acme-ABCDEF') await ui.press(char);
		expect(await ui.waitFor("this account's own keys (acme)")).toContain('Add');
		for (let i = 0; i < 18; i++) await ui.press(KEYS.backspace);
		for (const char of 'vtexappkey-shipco-ZZZZZZ') await ui.press(char);
		await ui.waitFor('The owner is read from the appKey.');
		await ui.press(KEYS.tab);
		await ui.waitFor('Space toggles');
		await ui.press(KEYS.space, KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor('Added external key vtexappkey-shipco-ZZZZZZ (owner shipco). · 2 of 2 external keys');
		expect((await service.listExternal()).find(k => k.appKey === 'vtexappkey-shipco-ZZZZZZ')?.roles).toEqual(['OMS - Full access']);
		await ui.press('/', 's', 'h', 'i', 'p');
		expect(await ui.waitFor('1 of 2 external keys · search: ship')).not.toContain('partnerco');
	});

	it('edits an external key\'s roles (Save) and removes it (Remove)', async () => {
		const {ui, service} = await open();
		await ui.press(KEYS.tab);
		await ui.waitFor('1 of 1 external key');
		await ui.press(KEYS.enter);
		await ui.waitFor('Edit roles');
		await ui.press(KEYS.enter);
		const editor = await ui.waitFor('Edit roles of vtexappkey-partnerco-QWERTY');
		expect(editor).not.toContain('Activate');
		expect(editor).toContain('›[ ] OMS - Full access');
		await ui.press(KEYS.space, KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor('Saved vtexappkey-partnerco-QWERTY.');
		expect((await service.listExternal())[0]!.roles).toEqual(['OMS - Full access', 'OMS - Read only']);
		await ui.press('.');
		await ui.waitFor('Remove');
		await ui.press('j', KEYS.enter);
		expect(flat(await ui.waitFor('Remove external key'))).toContain('Account partnerco loses the roles it had in this account.');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor('Removed vtexappkey-partnerco-QWERTY.');
		expect(await service.listExternal()).toEqual([]);
		expect(ui.frame()).toContain("No external keys. Press n to add another account's appKey.");
	});
});

describe('the Settings tab', () => {
	it('Apply switches the alert period, re-colouring the alerts at once, and is recorded in the activity', async () => {
		const {ui, service, keyNamed} = await open();
		const marketplace = keyNamed('Marketplace feed');
		expect(ui.frame().split('\n').find(l => l.includes(marketplace))).toMatch(/│ ! {2}appkey/);
		await ui.press(KEYS.shiftTab);
		await ui.waitFor('Enter changes the settings.');
		await ui.press(KEYS.enter);
		await ui.waitFor('(•) 3 months');
		await ui.press(KEYS.right);
		await ui.waitFor('(•) 6 months');
		await ui.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor('Settings applied.');
		expect(ui.frame()).toContain('6 months (orange past it, red 3 months later)');
		await ui.press(KEYS.tab);
		const table = await ui.waitFor('4 of 4 keys');
		expect(table.split('\n').find(l => l.includes(marketplace))).toMatch(/│ {4}appkey/);
		expect(table.split('\n').find(l => l.includes(keyNamed('Legacy bridge')))).toMatch(/│ ! {2}appkey/);
		expect((await service.activity())[0]).toMatchObject({action: 'settings', operator: 'alice', summary: 'renewalAlertMonths: 3 → 6'});
	});

	it('names the resource that changes operators and roles', async () => {
		const {ui} = await open();
		await ui.press(KEYS.shiftTab);
		const tab = await ui.waitFor('Enter changes the settings.');
		expect(flat(tab)).toContain('Operators and custom roles change with apikeys operators add|remove and apikeys roles add|remove (needs Manage operators and roles).');
		// One operator a line, each under the first.
		expect(tab).toMatch(/^Operators {10}alice \(Owner \(Admin Super\)\)\n {19}viewer \(API Keys - Read only\)$/m);
	});

	it('an operator without Edit API Keys settings cannot open the form', async () => {
		const {ui} = await open('viewer');
		await ui.press(KEYS.shiftTab);
		await ui.waitFor('Changing settings needs the resource "Edit API Keys settings".');
		await ui.press(KEYS.enter);
		await ui.waitFor('✗ Changing settings needs the resource');
		expect(ui.frame()).not.toContain('Apply');
	});
});

/** Ctrl-U: empties the export dialog's file field (it starts with a suggested name), as in readline. */
const CTRL_U = '\u0015';

describe('export from the app', () => {
	it('shows progress while exporting 10 000 keys', async () => {
		const data = fixtureData();
		const random = seededRandom('bulk-ui');
		for (let i = 0; i < 10_000; i++) {
			const created = data.created + i * 1000;
			data.keys.push({appKey: `appkey-acme-${bulkSuffix(i)}`, name: `Integration ${i}`, roles: ['OMS - Read only'], created, createdBy: 'alice', active: true, token: tokenRecord(mintToken(random(32)), created)});
		}
		const {service} = await fixtureService('alice', data);
		const ui = renderSized(<App service={service} />, {columns: 120, rows: 40});
		await ui.waitFor('of 10004 keys');
		const file = join(tempDir(), 'big.xlsx');
		await ui.press('x');
		await ui.waitFor('Export keys');
		await ui.press(CTRL_U, file);
		await ui.press(KEYS.enter);
		await ui.waitFor('Export done', 30_000);
		expect(ui.frames.some(frame => /Writing rows: \d+ of 10005/.test(frame))).toBe(true);
		const [generated] = await readXlsxFile(file);
		expect(generated!.data).toHaveLength(10_005);
	});

	it('x asks for a file name, writes the XLSX and shows where it went', async () => {
		const {ui} = await open();
		const file = join(tempDir(), 'from-the-app.xlsx');
		await ui.press('x');
		await ui.waitFor('Export keys');
		expect(ui.frame()).toMatch(/apikeys-acme-\d{4}-\d{2}-\d{2}\.xlsx/);
		await ui.press(CTRL_U, file);
		await ui.press(KEYS.enter);
		expect(await ui.waitFor('Export done')).toContain(file);
		const [generated, external] = await readXlsxFile(file);
		expect(generated!.data).toHaveLength(5);
		expect(external!.data).toHaveLength(2);
		expect(readFileSync(file).toString('latin1')).not.toMatch(TOKEN_IN_TEXT);
		await ui.press(KEYS.enter);
		await ui.waitFor(f => !f.includes('Export done'));
		rmSync(file);
	});
});

describe('an export that fails', () => {
	it('shows the failure on the progress line, in the error colour, where it stopped', async () => {
		const fixture = await fixtureService();
		const ui = renderSized(<App service={fixture.service} />, {columns: 120, rows: 40}, {colour: true});
		await ui.waitFor('4 of 4 keys');
		const file = join(tempDir(), 'missing', 'keys.xlsx');
		await ui.press('x');
		await ui.waitFor('Export keys');
		await ui.press(CTRL_U, file);
		await ui.press(KEYS.enter);
		const failed = await ui.waitFor('✗ Failed while', 30_000);
		expect(flat(failed)).toContain('its directory does not exist');
		expect(failed).toMatch(/✗ Failed while writing \[█{20}\]/);
		expect(failed).not.toContain('Writing…');
		// The progress line itself is drawn in the error colour (red), not the accent of a running export.
		expect((ui.lastFrame() ?? '').split('\n').find(line => line.includes('Failed while'))).toMatch(/\u001b\[31m/);
	});
});

describe('export from the app in a shared deployment', () => {
	it('refuses to write a file as the service account, says why, and writes nothing', async () => {
		const {path} = await fixtureService('alice');
		const reason = 'exports are not written to files here (/etc/apikeys/config.json applies): run apikeys export --output - and redirect it';
		const service = await ApiKeysService.open(path, {operator: 'alice', fileExportsRefused: reason});
		const ui = renderSized(<App service={service} />, {columns: 120, rows: 40});
		await ui.waitFor('4 of 4 keys');
		const dir = tempDir();
		const file = join(dir, 'planted.xlsx');
		await ui.press('x');
		await ui.waitFor('Export keys');
		await ui.press(CTRL_U, file);
		await ui.press(KEYS.enter);
		expect(flat(await ui.waitFor('exports are not written to files here'))).toContain(flat(reason).slice(0, 60));
		expect(readdirSync(dir)).toEqual([]);
	});
});

describe('the Activity tab', () => {
	it('lists changes newest first and filters live by operator, action or any text', async () => {
		const {ui, service, path, keyNamed} = await open();
		const bob = await (await import('../../source/service.js')).ApiKeysService.open(path, {operator: 'alice'});
		await service.addOperator({login: 'bob', roles: ['Owner (Admin Super)']});
		const asBob = await (await import('../../source/service.js')).ApiKeysService.open(path, {operator: 'bob'});
		await asBob.deactivate(keyNamed('ERP integration'));
		await bob.updateSettings({renewalAlertMonths: 6});
		await ui.press(KEYS.tab, KEYS.tab);
		const tab = await ui.waitFor('7 of 7 entries');
		const rows = tab.split('\n').filter(l => l.startsWith('│') || l.startsWith('▶'));
		expect(rows[1]).toMatch(/│ alice\s+│ settings\s+│\s+│ renewalAlertMonths: 3 → 6/);
		expect(rows[2]).toMatch(/│ bob\s+│ deactivate\s+│ appkey-acme-[A-Z]{6}\s+│ status: Active → Inactive/);
		await ui.press('/', ...'operator:bob');
		expect(await ui.waitFor('1 of 7 entries · search: operator:bob')).toContain('deactivate');
		await ui.press(KEYS.escape, '/', ...'action:sett');
		await ui.waitFor('1 of 7 entries · search: action:sett');
		await ui.press(KEYS.escape, '/', ...'marketplace');
		expect(await ui.waitFor('1 of 7 entries · search: marketplace')).toContain('name: Marketplace feed');
	});

	it('reads the older entries from the activity archive when the tab is shown, and searches them too', async () => {
		const data = fixtureData();
		const start = data.activity.at(-1)!.at;
		for (let i = 0; i < ACTIVITY_IN_STORE_MAX; i++) data.activity.push({at: start + (i + 1) * 1000, operator: 'carol', action: 'edit', summary: `change ${i}`});
		data.revision = 1;
		const path = join(tempDir(), 'store.json');
		writeFileSync(path, serializeStore(data), {mode: 0o600});
		const service = await ApiKeysService.open(path, {operator: 'alice'});
		await service.updateSettings({renewalAlertMonths: 6});
		const total = data.activity.length + 1;
		expect(existsSync(`${path}.activity`)).toBe(true);
		const ui = renderSized(<App service={await ApiKeysService.open(path, {operator: 'alice'})} />, {columns: 120, rows: 40});
		await ui.waitFor(/\d+ of 4 keys/);
		await ui.press(KEYS.tab, KEYS.tab);
		await ui.waitFor(`${total} of ${total} entries`);
		// The oldest entry of all: in the archive, not in the store.
		await ui.press('/', ...'change 0');
		const found = await ui.waitFor(new RegExp(`(?<!\\d)1 of ${total} entries · search: change 0`));
		expect(found).toMatch(/▶ [\d-]+ [\d:]+ │ carol\s+│ edit\s+│\s+│ change 0\s/);
	});
});
