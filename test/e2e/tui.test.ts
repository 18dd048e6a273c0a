import {join} from 'node:path';
import {readdirSync, writeFileSync} from 'node:fs';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {serializeStore} from '../../source/store/line-writer.js';
import {TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';
import {fixtureData} from '../ui/fixtures.js';
import {KEY, startTui} from './pty.js';

const ENTER_ALTERNATE = '\u001b[?1049h';
const LEAVE_ALTERNATE = '\u001b[?1049l';
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';

const selectedRow = (screen: string) => screen.split('\n').find(line => line.startsWith('▶')) ?? '';

/** The link inside the reveal dialog, which may wrap over several rows of the box. */
function linkOn(screen: string): string {
	const lines = screen.split('\n');
	const start = lines.findIndex(l => l.includes('http://'));
	let link = '';
	for (let i = start; i < lines.length && !lines[i]!.includes('⚠'); i++) link += lines[i]!.replace(/[│\s]/g, '');
	return link.slice(link.indexOf('http://'));
}

async function newStore() {
	const store = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
	return store;
}

describe.each([
	{columns: 120, rows: 40},
	{columns: 60, rows: 20},
])('the full-screen app at $columns×$rows', size => {
	it('walks generate → reveal → search → renew Later → delete old token → deactivate twice → activate → delete', async () => {
		const store = await newStore();
		const app = startTui(['--store', store], size);
		await app.waitFor('0 of 0 keys');
		expect(app.screen()).toContain('No keys yet. Press n to generate');

		await app.type('n');
		await app.waitFor('Key identification');
		await app.type(...'E2E key');
		await app.type(KEY.tab);
		await app.waitFor('Space toggles');
		await app.type(KEY.space, KEY.tab, KEY.tab);
		await app.waitFor('[ Generate ]');
		await app.type(KEY.enter);
		const reveal = await app.waitFor('will not be shown again');
		const link = linkOn(reveal);
		expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}$/);
		await app.type(KEY.enter);
		await app.waitFor(/Generated appkey-acme-[A-Z]{6}\. · 1 of 1 key/);
		const appKey = selectedRow(app.screen()).match(/appkey-acme-[A-Z]{6}/)![0];
		const redeemed = await runCli(['redeem'], {store, input: link});
		const token = redeemed.stdout.match(TOKEN_IN_TEXT)![0];

		await app.type('/', ...'e2e');
		await app.waitFor('search: e2e');
		await app.type(KEY.enter);
		await app.waitFor('/ to change');
		expect(selectedRow(app.screen())).toContain(appKey);

		await app.type(KEY.enter);
		// The app sees the redeem within half a second: until then Renew Token is dimmed, its link unused.
		await app.waitFor(/Renew Token(?! —)/);
		await app.type('j', 'j', KEY.enter);
		await app.waitFor('(•) Later');
		await app.type(KEY.enter);
		await app.waitFor('[ Renew ]');
		await app.type(KEY.enter);
		await app.waitFor('Old token: still valid');
		await app.type(KEY.escape);
		const renewed = await app.waitFor('both tokens are valid');
		expect(selectedRow(renewed)).toMatch(/just now · old/);
		expect((await runCli(['verify', '--key', appKey], {store, input: token})).stdout).toContain('the old token of a pending renewal');

		await app.type('.');
		await app.waitFor('Delete Old Token');
		await app.type('j', 'j', 'j', KEY.enter);
		await app.waitFor('[ Cancel ]');
		await app.type(KEY.tab, KEY.enter);
		await app.waitFor('Deleted the old token');
		expect((await runCli(['verify', '--key', appKey], {store, input: token})).code).toBe(1);

		await app.type('.');
		await app.waitFor('Deactivate');
		await app.type('j', KEY.enter);
		await app.waitFor('Deactivate key');
		await app.type(KEY.tab, KEY.enter);
		await app.waitFor('confirm again');
		await app.type(KEY.tab, KEY.enter);
		await app.waitFor(`Deactivated ${appKey}`);
		expect(selectedRow(app.screen())).toContain('Inactive');

		await app.type('.');
		await app.waitFor('Activate');
		await app.type('j', KEY.enter);
		await app.waitFor('Activate key');
		await app.type(KEY.tab, KEY.enter);
		await app.waitFor(`Activated ${appKey}`);

		await app.type('.');
		await app.waitFor('Delete Key');
		// The renewal's link was never opened, so Revoke Link stands before Delete Key.
		await app.type('j', 'j', 'j', 'j', KEY.enter);
		await app.waitFor('I understand');
		await app.type(KEY.space);
		await app.waitFor('[x] I understand');
		await app.type(KEY.tab, KEY.tab, KEY.enter);
		await app.waitFor(`Deleted ${appKey}`);
		expect(app.screen()).toContain('0 of 0 keys');

		await app.type('q');
		expect((await app.exited()).code).toBe(0);
		expect(app.raw().startsWith(ENTER_ALTERNATE)).toBe(true);
		expect(app.raw()).toContain(LEAVE_ALTERNATE);
		expect(app.raw()).not.toMatch(TOKEN_IN_TEXT);
	});

	/** The fixture store with the first keys renamed, open in the app; its screen and table lines once shown. */
	async function withNames(...names: string[]) {
		const data = fixtureData();
		for (const [i, name] of names.entries()) data.keys[i] = {...data.keys[i]!, name};
		data.revision = 1;
		const store = join(tempDir(), 'store.json');
		writeFileSync(store, serializeStore(data), {mode: 0o600});
		const app = startTui(['--store', store], size);
		const screen = await app.waitFor('4 of 4 keys');
		const tableLines = screen.split('\n').filter(l => /^[┌│├└▶]/.test(l));
		for (const line of tableLines) expect(stringWidth(line)).toBe(size.columns);
		return {app, screen, tableLines};
	}

	it('renders a hostile name escaped, sends none of its bytes, and keeps the columns aligned', async () => {
		const {app, screen} = await withNames('x\u001b]52;c;aGk=\u0007\u001b[2J\u202eevil\u200b');
		expect(app.raw()).not.toContain('\u001b]52');
		expect(app.raw()).not.toContain('\u202e');
		expect(app.raw()).not.toContain('\u200b');
		expect(screen).toContain('x\\e]52;c;aGk=');
		await app.type(KEY.ctrlC);
		expect((await app.exited()).code).toBe(0);
		expect(app.raw()).toContain(LEAVE_ALTERNATE);
	});

	it('fits wide and combined characters into their columns, cutting a long name between graphemes', async () => {
		const {app, screen, tableLines} = await withNames('日本語の鍵 🔑 とても長い名前のキーです、本当に長い', 'Café́ 🇧🇷 e\u0301');
		expect(screen).toContain('日本語の鍵');
		// The long name is cut with …, never through a character (at 60 columns, before it starts).
		if (size.columns === 120) expect(tableLines.find(l => l.includes('日本語の鍵'))).toContain('…');
		expect(tableLines.some(l => l.includes('…'))).toBe(true);
		expect(screen).not.toContain('\ufffd');
		await app.type(KEY.ctrlC);
		expect((await app.exited()).code).toBe(0);
	});
});

describe('colour', () => {
	it.each([
		['NO_COLOR=1', {NO_COLOR: '1'}, []],
		['--no-color', {}, ['--no-color']],
	])('%s sends no colour, and the selection stays visible', async (_, env, flags) => {
		const store = await newStore();
		await runCli(['generate', '--name', 'First'], {store});
		await runCli(['generate', '--name', 'Second'], {store});
		const app = startTui(['--store', store, ...flags], {columns: 80, rows: 24, env});
		const screen = await app.waitFor('2 of 2 keys');
		expect(app.raw()).not.toMatch(/\u001b\[(3[0-7]|9[0-7]|38;|4[0-7]|48;)[0-9;]*m/);
		expect(selectedRow(screen)).toMatch(/^▶ .*Second.*◀$/);
		await app.type('q');
		await app.exited();
	});

	it('colour is on by default', async () => {
		const store = await newStore();
		const app = startTui(['--store', store], {columns: 80, rows: 24});
		await app.waitFor('0 of 0 keys');
		expect(app.raw()).toMatch(/\u001b\[(3[0-7]|9[0-7]|38;)[0-9;]*m/);
		await app.type('q');
		await app.exited();
	});
});

describe('a large store', () => {
	it('draws its first frame from the newest keys, holds keys typed meanwhile, then searches all of them', async () => {
		const data = fixtureData();
		const base = data.keys[0]!;
		// 6 000 keys (about 1.5 MiB): large enough to be opened from a preview.
		const bulk = 6000;
		for (let i = 0; i < bulk; i++) {
			const created = base.created - (((i * 7919) % bulk) + 1) * 60_000;
			data.keys.push({...base, appKey: `appkey-acme-${String.fromCharCode(65 + (i % 26), 65 + (Math.floor(i / 26) % 26), 65 + Math.floor(i / 676))}BULK`, name: `bulk key ${i}${i % 10 === 7 ? ' needle' : ''}`, created, token: {...base.token, created}});
		}
		data.revision = 1;
		const store = join(tempDir(), 'store.json');
		writeFileSync(store, serializeStore(data), {mode: 0o600});
		const newest = [...data.keys].sort((a, b) => b.created - a.created)[0]!;
		const app = startTui(['--store', store], {columns: 120, rows: 40});
		// Typed at once, before the whole store is read: nothing may act on part of it.
		app.type('/', ...'needle');
		const screen = await app.waitFor(`${bulk / 10} of ${data.keys.length} keys · 2 past due · status: all · sort: created ↓ · search: needle`);
		expect(screen.split('\n').filter(line => /^[│▶]/.test(line) && line.includes(' needle'))).toHaveLength(29);
		// No frame ever counted the search over part of the store.
		const counts = [...app.raw().matchAll(/(\d+) of \d+ keys(?: · 2 past due)? · status: all · sort: created ↓ · search: needle/g)].map(m => m[1]);
		expect(counts.length).toBeGreaterThan(0);
		expect(new Set(counts)).toEqual(new Set([String(bulk / 10)]));
		await app.type(KEY.escape);
		const all = await app.waitFor(`${data.keys.length} of ${data.keys.length} keys · 2 past due · status: all`);
		expect(selectedRow(all)).toContain(newest.appKey);
		await app.type('q');
		expect((await app.exited()).code).toBe(0);
	});
});

describe('exits and first run', () => {
	it('SIGTERM leaves the alternate screen, turns bracketed paste off and exits 143', async () => {
		const store = await newStore();
		const app = startTui(['--store', store], {columns: 80, rows: 24});
		await app.waitFor('0 of 0 keys');
		app.kill('SIGTERM');
		expect((await app.exited()).code).toBe(143);
		expect(app.raw().lastIndexOf(LEAVE_ALTERNATE)).toBeGreaterThan(app.raw().lastIndexOf(ENTER_ALTERNATE));
		expect(app.raw()).toContain(PASTE_ON);
		expect(app.raw().lastIndexOf(PASTE_OFF)).toBeGreaterThan(app.raw().lastIndexOf(PASTE_ON));
	});

	it('with no store asks for the account name and creates it', async () => {
		const store = join(tempDir(), 'new', 'store.json');
		const app = startTui(['--store', store], {columns: 80, rows: 24});
		await app.waitFor('Account name');
		await app.type(...'Bad Name', KEY.enter);
		await app.waitFor('is not an account name');
		for (let i = 0; i < 8; i++) await app.type('\u007f');
		await app.type(...'acme', KEY.enter);
		await app.waitFor('No keys yet');
		expect(app.screen()).toContain('account acme · operator alice');
		await app.type('q');
		expect((await app.exited()).code).toBe(0);
		expect((await runCli(['list', '--json'], {store})).stdout).toBe('[]\n');
	});

	it('with no store and an operator login full of escapes, refuses in one line before the screen opens', async () => {
		const dir = tempDir();
		const app = startTui(['--store', join(dir, 'store.json')], {columns: 120, rows: 24, env: {APIKEYS_OPERATOR: 'ev\u001b]0;T\u0007'}});
		expect((await app.exited()).code).toBe(1);
		expect(app.raw()).not.toContain('\u001b]0;T');
		expect(app.raw()).not.toContain(ENTER_ALTERNATE);
		expect(app.screen().trim()).toBe('apikeys: APIKEYS_OPERATOR "ev\\e]0;T\\x07" is not a login name: 1–64 letters, digits, _ . @ -');
		expect(readdirSync(dir)).toEqual([]);
	});

	it('with no store at a path full of escapes, shows the path escaped', async () => {
		const dir = tempDir();
		const app = startTui(['--store', join(dir, 'x\u001b]0;T\u0007', 'store.json')], {columns: 120, rows: 24});
		expect(await app.waitFor('Account name')).toContain(`There is no store at ${dir}/x\\e]0;T\\x07/store.json yet.`);
		expect(app.raw()).not.toContain('\u001b]0;T');
		await app.type(KEY.escape);
		expect((await app.exited()).code).toBe(0);
	});

	it('--demo opens about 40 realistic keys with alerts, pending renewals and inactive keys', async () => {
		const app = startTui(['--demo'], {columns: 120, rows: 40});
		const screen = await app.waitFor('40 of 40 keys');
		expect(screen).toMatch(/│ !! appkey-acme-/);
		expect(screen).toMatch(/│ ! {2}appkey-acme-/);
		expect(screen).toContain('Inactive');
		await app.type('f', 'f');
		expect(await app.waitFor(/3 of 40 keys · (\d+ due soon · )?\d+ past due · status: inactive/)).not.toContain('Active ');
		await app.type('f', 'f', 'f', 'G');
		await app.waitFor(/40 of 40 keys · (\d+ due soon · )?\d+ past due · status: all/);
		const pending = (await app.waitFor('[pending dele')).split('\n').filter(l => l.includes('[pending dele'));
		expect(pending.length).toBeGreaterThanOrEqual(1);
		await app.type('q');
		expect((await app.exited()).code).toBe(0);
	});
});
