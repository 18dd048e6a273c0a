import {readFileSync, writeFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import stringWidth from 'string-width';
import {ApiKeysService} from '../../source/service.js';
import {App} from '../../source/ui/app.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {TOKEN_IN_TEXT} from '../helpers.js';
import {fixtureData, fixtureService} from './fixtures.js';
import {KEYS, renderSized} from './render.js';

// The app as outside tmux, wherever the tests run: inside it, copying asks tmux (test/tmux/clipboard.test.ts).
beforeEach(() => void vi.stubEnv('TMUX', ''));
afterEach(() => void vi.unstubAllEnvs());

const rowOf = (frame: string, text: string) => frame.split('\n').find(line => line.includes(text)) ?? '';
/** The frame's text with box borders and line breaks folded, for sentences that wrap inside a dialog. */
const flat = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
const selectedRow = (frame: string) => frame.split('\n').find(line => line.startsWith('▶')) ?? '';

async function open(size = {columns: 120, rows: 40}, operator = 'alice') {
	const fixture = await fixtureService(operator);
	const ui = renderSized(<App service={fixture.service} />, size);
	await ui.waitFor(/\d+ of 4 keys/);
	return {...fixture, ui};
}

describe('the Generated tab', () => {
	it('shows header, tabs, the boxed table with every column, and the count', async () => {
		const {ui, path, keyNamed} = await open();
		const frame = ui.frame();
		expect(frame).toContain(`apikeys · account acme · operator alice · ${path}`);
		expect(frame).toMatch(/Generated\s+External\s+Activity\s+Settings/);
		expect(frame).toMatch(/│ Key\/Name\s+│ Token duration\s+│ Roles\s+│ Created\s+│ Status\s+│ Last used\s+│/);
		expect(frame).toContain('4 of 4 keys · 2 past due · status: all · sort: created ↓');
		expect(selectedRow(frame)).toContain(keyNamed('ERP integration'));
		expect(rowOf(frame, keyNamed('Marketplace feed'))).toMatch(/│ ! {2}appkey-acme-[A-Z]{6} Marketplace f.*│ 4 months/);
		expect(rowOf(frame, keyNamed('Legacy bridge'))).toMatch(/│ !! appkey-acme-[A-Z]{6} Legacy bridge.*│ 8 months.*│ Inactive/);
		expect(rowOf(frame, keyNamed('Payments webhook'))).toMatch(/\[pending dele.*│ 2 days · old 7 months/);
		await ui.press('j', 'j');
		const details = (await ui.waitFor(f => selectedRow(f).includes(keyNamed('Payments webhook')))).split('\n').find(l => l.startsWith(keyNamed('Payments webhook')));
		expect(details).toMatch(/Payments webhook · pending deletion – old token \(7 months\) · token apikt_\w{4}… 2 days · roles Paymen/);
		expect(frame).toMatch(/↑\/k up {2}↓\/j down .* \? help {2}q\/Ctrl-C quit/);
	});

	it('cuts a long store path at its start in the title bar, so the file name stays', async () => {
		const {ui, path} = await open({columns: 60, rows: 20});
		const head = 'apikeys · account acme · operator alice · ';
		// The 60 columns leave 17 cells for the path, less than any temporary store's path.
		expect(path.length).toBeGreaterThan(60 - 8 - (head.length - 'apikeys'.length));
		const title = ui.frame().split('\n')[0]!;
		expect(title.startsWith(`${head}…`)).toBe(true);
		expect(path.endsWith(title.slice(head.length + 1))).toBe(true);
		expect(title).toMatch(/store\.json$/);
	});

	it('lays out in display cells: every line of the frame is exactly as wide as the table', async () => {
		const {ui} = await open({columns: 100, rows: 30});
		const tableLines = ui.frame().split('\n').filter(l => /^[┌│├└▶]/.test(l));
		expect(tableLines.length).toBeGreaterThan(8);
		for (const line of tableLines) expect(stringWidth(line)).toBe(100);
	});

	it('drops low-priority columns on a narrow terminal and says when it is too small', async () => {
		const {ui} = await open({columns: 60, rows: 20});
		const frame = ui.frame();
		expect(frame).toMatch(/│ Key\/Name\s+│ Token duration\s+│ Status\s+│/);
		expect(frame).not.toContain('Last used');
		expect(frame).not.toContain('Roles');
		ui.resize(40, 10);
		expect(await ui.waitFor('Terminal too small')).toContain('40×10; apikeys needs at least 54×17.');
		ui.resize(120, 40);
		expect(await ui.waitFor('Last used')).toContain('4 of 4 keys');
	});

	it('moves with j/k, arrows, G/g and PgDn/PgUp', async () => {
		const {ui, keyNamed} = await open();
		await ui.press('j');
		const moved = await ui.waitFor(f => selectedRow(f).includes(keyNamed('Marketplace feed')));
		// The details line under the table follows the selection.
		expect(moved.split('\n').find(line => line.startsWith(keyNamed('Marketplace feed')))).toContain('Marketplace feed · token');
		await ui.press('G');
		await ui.waitFor(f => selectedRow(f).includes(keyNamed('Legacy bridge')));
		await ui.press('k', KEYS.up);
		await ui.waitFor(f => selectedRow(f).includes(keyNamed('Marketplace feed')));
		await ui.press('g');
		await ui.waitFor(f => selectedRow(f).includes(keyNamed('ERP integration')));
		await ui.press(KEYS.pageDown);
		await ui.waitFor(f => selectedRow(f).includes(keyNamed('Legacy bridge')));
	});

	it('searches live by name or appKey, highlights, keeps the filter on Enter and clears it on Esc', async () => {
		const {ui, keyNamed} = await open();
		await ui.press('/');
		await ui.waitFor('Enter keep filter');
		await ui.press('f', 'E', 'e');
		const found = await ui.waitFor('search: fEe');
		expect(found).toContain('1 of 4 keys');
		expect(found).toContain('Marketplace feed');
		expect(found).not.toContain('ERP integration');
		await ui.press(KEYS.enter);
		await ui.waitFor('/ to change');
		// Letters are commands again once the filter is kept: f cycles the status filter.
		await ui.press('f');
		await ui.waitFor('status: active');
		await ui.press('/');
		await ui.waitFor('Enter keep filter');
		await ui.press(KEYS.escape);
		await ui.waitFor('3 of 4 keys · 2 past due · status: active');
		await ui.press('/');
		await ui.waitFor('Enter keep filter');
		const suffix = keyNamed('Legacy bridge').slice(-6).toLowerCase();
		await ui.press(...suffix);
		const none = await ui.waitFor(`search: ${suffix}`);
		expect(none).toContain('0 of 4 keys');
		expect(none).toContain('No key matches');
	});

	it('highlights the match in colour', async () => {
		const fixture = await fixtureService();
		const ui = renderSized(<App service={fixture.service} />, {columns: 120, rows: 40}, {colour: true});
		await ui.waitFor('4 of 4 keys');
		await ui.press('/', 'f', 'e', 'e', 'd');
		await ui.waitFor('1 of 4 keys · 2 past due · status: all · sort: created ↓ · search: feed');
		expect(ui.lastFrame()).toMatch(/\u001b\[4m[^\u001b]*(\u001b\[[0-9;]*m)*feed/);
	});

	it('cycles the status filter and the sort', async () => {
		const {ui, keyNamed} = await open();
		await ui.press('f');
		await ui.waitFor('3 of 4 keys · 2 past due · status: active');
		await ui.press('f');
		const inactive = await ui.waitFor('1 of 4 keys · 2 past due · status: inactive');
		expect(inactive).toContain('Legacy bridge');
		await ui.press('f');
		expect(await ui.waitFor('0 of 4 keys · 2 past due · status: due soon')).toContain('No key matches');
		await ui.press('f');
		const pastDue = await ui.waitFor('2 of 4 keys · 2 past due · status: past due');
		expect(pastDue).toContain(keyNamed('Legacy bridge'));
		expect(pastDue).toContain(keyNamed('Marketplace feed'));
		expect(pastDue).not.toContain(keyNamed('ERP integration'));
		await ui.press('f');
		await ui.waitFor('4 of 4 keys · 2 past due · status: all');
		await ui.press('s');
		const byName = await ui.waitFor('sort: name');
		const order = ['ERP integration', 'Legacy bridge', 'Marketplace feed', 'Payments webhook'].map(n => byName.indexOf(keyNamed(n)));
		expect(order).not.toContain(-1);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('Tab and Shift-Tab go through External, Activity and Settings', async () => {
		const {ui} = await open();
		await ui.press(KEYS.tab);
		expect(await ui.waitFor('vtexappkey-partnerco-QWERTY')).toMatch(/partnerco\s+│ OMS - Read only/);
		await ui.press(KEYS.tab);
		expect(await ui.waitFor('What changed')).toMatch(/│ alice\s+│ generate\s+│ appkey-acme-[A-Z]{6}\s+│ name: ERP integration/);
		await ui.press(KEYS.tab);
		expect(await ui.waitFor('Renewal alert')).toContain('3 months (orange past it, red 3 months later)');
		await ui.press(KEYS.shiftTab, KEYS.shiftTab, KEYS.shiftTab);
		await ui.waitFor('4 of 4 keys');
	});

	it('? shows every binding of the keymap, and Esc closes it', async () => {
		const {ui} = await open();
		await ui.press('?');
		const help = await ui.waitFor('Keys');
		for (const text of ['down', 'search', 'actions', 'generate', 'filter status', 'next tab', 'quit', 'keep filter', 'clear search', 'toggle', 'copy']) {
			expect(help).toContain(text);
		}
		await ui.press(KEYS.escape);
		await ui.waitFor(f => f.includes('Key/Name') && !f.includes('Keys'));
	});
});

describe('the action menu and its dialogs', () => {
	it('offers Delete Old Token and Undo Renewal only while a renewal is pending', async () => {
		const {ui} = await open();
		await ui.press(KEYS.enter);
		const plainMenu = await ui.waitFor('Delete Key');
		expect(plainMenu).toMatch(/Edit\s+[\s│]*Deactivate\s+[\s│]*Renew Token/);
		expect(plainMenu).not.toContain('Undo Renewal');
		await ui.press(KEYS.escape, 'j', 'j', '.');
		const pending = await ui.waitFor('Delete Old Token');
		expect(pending).toContain('Delete Key');
		expect(pending).toContain('Undo Renewal');
	});

	it('End and Home go to the last and first entries', async () => {
		const {ui} = await open();
		await ui.press(KEYS.enter);
		await ui.waitFor('› Edit');
		await ui.press(KEYS.end);
		expect(await ui.waitFor('› Delete Key')).toContain('  Edit');
		await ui.press(KEYS.home);
		expect(await ui.waitFor('› Edit')).toContain('  Delete Key');
	});

	it('dims what the operator may not do, naming the missing resource, and refuses it', async () => {
		const {ui} = await open({columns: 120, rows: 40}, 'viewer');
		await ui.press(KEYS.enter);
		const menu = await ui.waitFor('Delete Key');
		expect(menu).toContain('Edit — needs Edit API Keys');
		expect(menu).toContain('Renew Token — needs Renew API token');
		await ui.press(KEYS.enter);
		expect(await ui.waitFor('✗')).toContain('Edit needs the resource "Edit API Keys"');
		await ui.press(KEYS.escape);
		await ui.waitFor(f => !f.includes('Delete Key'));
		await ui.press('n');
		expect(await ui.waitFor('Generating keys needs')).toContain('the resource "Edit API Keys"');
	});

	it('generate: validates the name as it is typed, then reveals a link once', async () => {
		const {ui, path} = await open();
		await ui.press('n');
		await ui.waitFor('Key identification (required)');
		await ui.press(' ', KEYS.backspace);
		await ui.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.enter);
		expect(await ui.waitFor('✗ a key name is required')).toContain('Generate key');
		for (const char of 'CRM sync') await ui.press(char);
		await ui.waitFor('8/100 characters');
		await ui.press(KEYS.tab);
		await ui.waitFor('Space toggles');
		await ui.press(KEYS.space, KEYS.tab, KEYS.tab);
		await ui.waitFor('[ Generate ]');
		await ui.press(KEYS.enter);
		const reveal = await ui.waitFor('Key generated');
		expect(reveal).toMatch(/http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}/);
		expect(reveal).toContain('This link will not be shown again');
		expect(reveal).not.toContain('It spans');
		expect(readFileSync(path, 'utf8')).toContain('"name":"CRM sync"');
		await ui.press(KEYS.enter);
		const table = await ui.waitFor('✓ Generated appkey-acme-');
		expect(table).toContain('5 of 5 keys');
		expect(selectedRow(table)).toContain('CRM sync');
	});

	it('reveal at 60 columns: the link spans two rows, and the dialog says to press c or widen the terminal', async () => {
		const {ui} = await open({columns: 60, rows: 20});
		await ui.press('n');
		await ui.waitFor('Key identification (required)');
		for (const char of 'CRM') await ui.press(char);
		await ui.press(KEYS.tab, KEYS.tab, KEYS.tab);
		await ui.waitFor('[ Generate ]');
		await ui.press(KEYS.enter);
		const reveal = (await ui.waitFor('Key generated')).replace(/\u001b\[\d*m|│/g, '').replace(/\s+/g, ' ');
		expect(reveal).toContain('It spans 2 rows here: press c, or widen the terminal to 77 columns to select it.');
	});

	it('text fields edit by character: Backspace after an emoji takes the whole emoji', async () => {
		const {ui} = await open();
		await ui.press('n');
		await ui.waitFor('Key identification (required)');
		await ui.press('a', 'b', '🔑');
		await ui.waitFor('3/100 characters');
		await ui.press(KEYS.backspace);
		const frame = await ui.waitFor('2/100 characters');
		expect(frame).toMatch(/│ ab  *│/);
		expect(frame).not.toMatch(/\\u\{d8/);
	});

	it('with reveal direct, generate shows the token itself once and copies it with OSC 52', async () => {
		const data = fixtureData();
		data.settings.reveal = 'direct';
		const {service, path} = await fixtureService('alice', data);
		const ui = renderSized(<App service={service} />, {columns: 120, rows: 40});
		await ui.waitFor('4 of 4 keys');
		await ui.press('n');
		await ui.waitFor('Key identification');
		for (const char of 'Direct') await ui.press(char);
		await ui.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.enter);
		const reveal = await ui.waitFor('The token:');
		const token = reveal.match(TOKEN_IN_TEXT)![0];
		expect(reveal).toContain('This token will not be shown again');
		await ui.press('c');
		await ui.waitFor("Sent to the terminal's clipboard (OSC 52)");
		expect(ui.stdout.frames.join('')).toContain(`\u001b]52;c;${Buffer.from(token).toString('base64')}\u0007`);
		expect(readFileSync(path, 'utf8')).not.toContain(token);
	});

	it('o opens a pasted link and reveals its token once; the link is dead afterwards', async () => {
		const {ui, service, path} = await open();
		const {row, reveal} = await service.generate({name: 'Shared by link', roles: []});
		if (reveal.kind !== 'link') throw new Error('expected a link');
		await ui.waitFor('5 of 5 keys');
		await ui.press('o');
		await ui.waitFor('Open a single-access link');
		await ui.press(reveal.url, KEYS.enter);
		const shown = await ui.waitFor(`Token of ${row.appKey}`);
		const token = shown.match(TOKEN_IN_TEXT)![0];
		expect((await service.verify(row.appKey, token)).valid).toBe(true);
		expect(readFileSync(path, 'utf8')).not.toContain(token);
		await ui.press('c');
		await ui.waitFor("Sent to the terminal's clipboard");
		await ui.press(KEYS.enter);
		await ui.waitFor(`The link for ${row.appKey} is used up.`);
		await ui.press('o');
		await ui.waitFor('Open a single-access link');
		await ui.press(reveal.url, KEYS.enter);
		expect(await ui.waitFor('✗')).toMatch(/this link was already used at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
	});

	it('the footer offers Space only in a dialog with a box or a choice to toggle', async () => {
		const {ui} = await open();
		const footer = (frame: string) => frame.trimEnd().split('\n').at(-1)!.trim();
		await ui.press('?');
		expect(footer(await ui.waitFor('Keys · Esc'))).toBe('Esc cancel');
		await ui.press(KEYS.escape);
		await ui.waitFor(f => !f.includes('Keys · Esc'));
		await ui.press(KEYS.enter);
		expect(footer(await ui.waitFor('Delete Key'))).toBe('↑/k up  ↓/j down  Enter choose  Esc cancel');
		await ui.press('j', KEYS.enter);
		expect(footer(await ui.waitFor('Deactivate key'))).toBe('Tab/↓/→ next field  Enter choose  Esc cancel');
		await ui.press(KEYS.escape);
		await ui.waitFor(f => !f.includes('Deactivate key'));
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press(KEYS.end, KEYS.enter);
		// Delete asks for a box to be ticked first.
		expect(footer(await ui.waitFor('cannot be undone'))).toBe('Tab/↓/→ next field  Space toggle  Enter choose  Esc cancel');
		await ui.press(KEYS.escape);
		await ui.waitFor(f => !f.includes('cannot be undone'));
		await ui.press('n');
		expect(footer(await ui.waitFor('Key identification'))).toBe('Tab/↓/→ next field  Space toggle  Enter choose  Esc cancel');
	});

	it('the help scrolls where its columns would not fit uncut: every description whole, every binding reachable', async () => {
		const {ui} = await open({columns: 60, rows: 20});
		await ui.press('?');
		const first = await ui.waitFor(/Keys 1–\d+ of \d+ · ↑↓ scroll · Esc closes/);
		const boxLines = (frame: string) => frame.split('\n').filter(line => line.startsWith(' │'));
		expect(boxLines(first).length).toBeGreaterThan(8);
		expect(boxLines(first).join('\n')).not.toContain('…');
		expect(first).not.toMatch(/ c +copy/);
		await ui.press(KEYS.pageDown, KEYS.pageDown, KEYS.pageDown);
		const end = await ui.waitFor(/ c +copy/);
		expect(boxLines(end).join('\n')).not.toContain('…');
		expect(end).not.toMatch(/Keys 1–/);
		await ui.press(KEYS.pageUp, KEYS.pageUp, KEYS.pageUp);
		await ui.waitFor(/Keys 1–/);
		await ui.press(KEYS.escape);
		await ui.waitFor(f => !f.includes('Keys 1–'));
	});

	it('deactivate asks twice, starting on Cancel each time; activate warns', async () => {
		const {ui, service, keyNamed} = await open();
		const erp = keyNamed('ERP integration');
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press('j', KEYS.enter);
		expect(await ui.waitFor('Deactivate key')).toContain('[ Cancel ]');
		await ui.press(KEYS.tab, KEYS.enter);
		const second = await ui.waitFor('confirm again');
		expect(second).toContain('[ Cancel ]');
		expect((await service.getKey(erp)).status).toBe('Active');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor(`Deactivated ${erp}.`);
		expect((await service.getKey(erp)).status).toBe('Inactive');
		await ui.press(KEYS.enter);
		await ui.waitFor('Activate');
		await ui.press('j', KEYS.enter);
		expect(await ui.waitFor('Activate key')).toContain('Only reactivate a key you are sure was not compromised');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor(`Activated ${erp}.`);
		expect((await service.getKey(erp)).status).toBe('Active');
	});

	it('delete key stays disabled until the checkbox is ticked', async () => {
		const {ui, service, keyNamed} = await open();
		const erp = keyNamed('ERP integration');
		await ui.press('.');
		await ui.waitFor('Delete Key');
		await ui.press('j', 'j', 'j', KEYS.enter);
		const dialog = await ui.waitFor('I understand that this action cannot be undone');
		expect(dialog).toContain('[ ] I understand');
		await ui.press(KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor(f => f.includes('[ ] I understand'));
		expect((await service.listKeys()).total).toBe(4);
		await ui.press(KEYS.shiftTab, KEYS.shiftTab, KEYS.space);
		await ui.waitFor('[x] I understand');
		await ui.press(KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor(`Deleted ${erp}.`);
		expect((await service.listKeys()).rows.map(r => r.appKey)).not.toContain(erp);
	});

	it('renew asks Later or Now first, then reveals the new link; Now is one renewal, recorded as the command line records it', async () => {
		const {ui, service, keyNamed} = await open();
		const erp = keyNamed('ERP integration');
		const entries = (await service.activity()).length;
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press('j', 'j', KEYS.enter);
		const choice = await ui.waitFor('Renew token');
		expect(choice).toContain('(•) Later');
		await ui.press(KEYS.space);
		await ui.waitFor('(•) Now');
		await ui.press(KEYS.enter);
		await ui.waitFor('[ Renew ]');
		await ui.press(KEYS.enter);
		const reveal = await ui.waitFor('Token renewed');
		expect(reveal).toContain('Old token: deleted (Now)');
		expect((await service.getKey(erp)).oldToken).toBeUndefined();
		await ui.press(KEYS.enter);
		await ui.waitFor(`Renewed ${erp}: the old token was deleted.`);
		const activity = await service.activity();
		expect(activity.length).toBe(entries + 1);
		expect(activity[0]).toMatchObject({action: 'renew token', appKey: erp, summary: 'delete old token: Now (old token deleted)'});
	});

	it('Esc in the renew dialog renews nothing; Later keeps both tokens and both durations show', async () => {
		const {ui, service, keyNamed} = await open();
		const erp = keyNamed('ERP integration');
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press('j', 'j', KEYS.enter);
		await ui.waitFor('Renew token');
		await ui.press(KEYS.escape);
		await ui.waitFor(f => !f.includes('Renew token'));
		expect((await service.getKey(erp)).oldToken).toBeUndefined();
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press('j', 'j', KEYS.enter);
		await ui.waitFor('Renew token');
		await ui.press(KEYS.enter);
		await ui.waitFor('[ Renew ]');
		await ui.press(KEYS.enter);
		expect(await ui.waitFor('Token renewed')).toContain('Old token: still valid (Later)');
		await ui.press(KEYS.escape);
		const table = await ui.waitFor(`Renewed ${erp}: both tokens are valid`);
		expect(rowOf(table, erp)).toMatch(/\[pending dele.*│ just now · old 5 days/);
		expect(table).toContain('ERP integration · pending deletion – old token (5 days)');
	});

	it('delete old token and undo renewal each confirm, then act', async () => {
		const {ui, service, keyNamed} = await open();
		const payments = keyNamed('Payments webhook');
		await ui.press('j', 'j', KEYS.enter);
		await ui.waitFor('Undo Renewal');
		await ui.press('j', 'j', 'j', 'j', KEYS.enter);
		expect(flat(await ui.waitFor('Undo renewal'))).toContain('The new token and its link are destroyed and the old token is current again.');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor(`Undid the renewal of ${payments}`);
		expect((await service.getKey(payments)).token.age).toBe('7 months');
		expect(await service.getKey(payments)).not.toHaveProperty('oldToken');
	});

	it('edit changes roles and the Activate checkbox, then Save', async () => {
		const {ui, service, keyNamed} = await open();
		const erp = keyNamed('ERP integration');
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press(KEYS.enter);
		// The picker lists integration roles first: the cursor starts on the key's own OMS - Full access.
		expect(await ui.waitFor(`Edit ${erp}`)).toContain('›[x] OMS - Full access');
		await ui.press(KEYS.space, KEYS.tab, KEYS.space);
		await ui.waitFor('[ ] Activate');
		await ui.press(KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor(`Saved ${erp}.`);
		const row = await service.getKey(erp);
		expect(row.status).toBe('Inactive');
		expect(row.roles).toEqual([]);
	});
});

describe('live refresh and hostile data', () => {
	it("shows another process's change within a second and keeps the selection", async () => {
		const {ui, path, keyNamed} = await open();
		await ui.press('j');
		await ui.waitFor(f => selectedRow(f).includes(keyNamed('Marketplace feed')));
		const other = await ApiKeysService.open(path, {operator: 'alice'});
		const {row} = await other.generate({name: 'Added elsewhere', roles: []});
		const frame = await ui.waitFor('5 of 5 keys', 1500);
		expect(rowOf(frame, row.appKey)).toContain('Added elsewhe');
		expect(selectedRow(frame)).toContain(keyNamed('Marketplace feed'));
	});

	it('keeps the selection of a freshly opened app on its key when a key is added above it', async () => {
		const {ui, path} = await open();
		const first = selectedRow(await ui.waitFor('4 of 4 keys'));
		const appKey = /appkey-\S+/.exec(first)![0];
		const other = await ApiKeysService.open(path, {operator: 'alice'});
		const {row} = await other.generate({name: 'Added elsewhere', roles: []});
		const frame = await ui.waitFor('5 of 5 keys', 1500);
		// The new key is the newest, so it is the top row now; the selection did not slide onto it.
		const rows = frame.split('\n').filter(line => /appkey-/.test(line));
		expect(rows[0]).toContain(row.appKey);
		expect(selectedRow(frame)).toContain(appKey);
	});

	it('a dialog whose key was deleted elsewhere says so', async () => {
		const {ui, path, keyNamed} = await open();
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		const other = await ApiKeysService.open(path, {operator: 'alice'});
		await other.deleteKey(keyNamed('ERP integration'));
		const notice = await ui.waitFor('Key no longer exists', 1500);
		expect(notice).toContain('was deleted by another operator');
		// One way to close it: a single Close button (Enter or Esc), no Cancel beside it.
		expect(notice).toContain('[ Close ]');
		expect(notice).not.toContain('Cancel');
		await ui.press(KEYS.enter);
		await ui.waitFor(f => f.includes('3 of 3 keys') && !f.includes('Key no longer exists'));
	});

	it('renders names full of escape, OSC and bidi bytes escaped, with the columns aligned', async () => {
		const data = fixtureData();
		data.keys[0] = {...data.keys[0]!, name: 'evil\u001b]52;c;aGk=\u0007\u001b[2J\u202eexe.txt\u200b', roles: ['\u001b[31mred']};
		const {service} = await fixtureService('alice', data);
		const ui = renderSized(<App service={service} />, {columns: 120, rows: 40}, {colour: true});
		await ui.waitFor('4 of 4 keys');
		const raw = ui.lastFrame() ?? '';
		expect(raw).not.toMatch(/\u001b\]|\u0007|\u202e|\u200b|\u001b\[2J/);
		const frame = ui.frame();
		expect(frame).toContain('evil\\e]52;c;aGk=\\x07\\e[2J\\u{202e}exe.txt\\u{200b} · token');
		for (const line of frame.split('\n').filter(l => /^[┌│├└▶]/.test(l))) expect(stringWidth(line)).toBe(120);
	});

	it('renders names and roles with fillers, tags, private-use characters and mark stacks escaped, with the frame intact', async () => {
		const data = fixtureData();
		data.keys[0] = {...data.keys[0]!, name: `half\uffa0cho\u115fbraille\u2800tag\u{e0001}pua\u{f0000}zalgo e${'\u0301'.repeat(40)}`, roles: ['Ops\uffa0\u3164']};
		const {service} = await fixtureService('alice', data);
		const ui = renderSized(<App service={service} />, {columns: 120, rows: 40}, {colour: true});
		await ui.waitFor('4 of 4 keys');
		expect(ui.lastFrame() ?? '').not.toMatch(/[\uffa0\u115f\u2800\u3164\u{e0001}\u{f0000}]|\u0301{5}/u);
		const frame = ui.frame();
		expect(frame).toContain(`half\\u{ffa0}cho\\u{115f}braille\\u{2800}tag\\u{e0001}pua\\u{f0000}zalgo e${'\u0301'.repeat(4)}\\u{301}`);
		for (const line of frame.split('\n').filter(l => /^[┌│├└▶]/.test(l))) expect(stringWidth(line)).toBe(120);
	});

	it("an older store's hostile appKey is escaped in the details line, the dialogs and the flash message", async () => {
		const data = fixtureData();
		const erp = data.keys.findIndex(k => k.name === 'ERP integration');
		data.keys[erp] = {...data.keys[erp]!, appKey: 'appkey-acme-ERP\u001b]0;T\u0007\uffa0'};
		const shown = 'appkey-acme-ERP\\e]0;T\\x07\\u{ffa0}';
		const {service} = await fixtureService('alice', data);
		const ui = renderSized(<App service={service} />, {columns: 120, rows: 40});
		const hostile = /\u001b\]|\u0007|\uffa0/;
		expect(await ui.waitFor(f => selectedRow(f).includes(shown))).toContain(`${shown} ERP integration · token`);
		await ui.press(KEYS.enter);
		expect(await ui.waitFor('Delete Key')).toContain(`⋮ ${shown}`);
		await ui.press('j', KEYS.enter);
		expect(flat(await ui.waitFor('Deactivate key'))).toContain(`Deactivate ${shown} (ERP integration)?`);
		await ui.press(KEYS.tab, KEYS.enter);
		expect(flat(await ui.waitFor('confirm again'))).toContain(`Are you sure? ${shown} will fail`);
		expect(ui.frames.join('')).not.toMatch(hostile);
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor(`✓ Deactivated ${shown}.`);
		expect(ui.lastFrame() ?? '').not.toMatch(hostile);
	});

	it('without colour the selection is still visible and no colour codes are sent', async () => {
		const {ui} = await open();
		const raw = ui.lastFrame() ?? '';
		expect(raw).not.toMatch(/\u001b\[(3[0-7]|9[0-7]|38;)/);
		expect(selectedRow(ui.frame())).toMatch(/^▶.*◀$/);
	});

	it('a store that cannot be shown is reported in one line inside the app', async () => {
		const {ui, path} = await open();
		writeFileSync(path, '{"schemaVersion":1,"revision":9,');
		expect(await ui.waitFor('✗ store', 1500)).toMatch(/is not valid JSON at line 1, column 33/);
		const data = fixtureData();
		data.revision = 10;
		writeFileSync(path, serializeStore(data));
		await ui.waitFor('4 of 4 keys', 1500);
		expect(readFileSync(path, 'utf8')).not.toMatch(TOKEN_IN_TEXT);
	});
});
