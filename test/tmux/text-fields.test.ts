import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers.js';
import {TMUX_KEY, hasTmux, startTmux, type TmuxSession} from '../e2e/tmux.js';

if (!hasTmux) console.log('test/tmux/text-fields.test.ts: skipped, tmux is not installed');

/** What the first-run prompt's field shows (its placeholder when empty). */
const accountField = (screen: string) => /Account name: (.*)$/m.exec(screen)?.[1] ?? '';

/** Sends keys, then waits until the field shows `expected` (a trailing space is not seen on a screen). */
async function step(app: TmuxSession, field: (screen: string) => string, keys: Array<string | {type: string}>, expected: string) {
	for (const key of keys) {
		if (typeof key === 'string') app.press(key);
		else app.type(key.type);
	}
	await app.waitFor(screen => field(screen).trimEnd() === expected.trimEnd()).catch(error => {
		throw new Error(`after ${JSON.stringify(keys)} the field shows "${field(app.screen())}", not "${expected}"\n${String(error)}`);
	});
}

async function newStore() {
	const store = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
	return store;
}

describe.skipIf(!hasTmux)('text fields edit like readline, in tmux', () => {
	it('the first-run account prompt at 80×24: Ctrl-A/E/U/K/W, Home/End, Alt-B/F, Alt-Backspace; no other control key types a letter', async () => {
		const store = join(tempDir(), 'new', 'store.json');
		const app = startTmux(['--store', store], {columns: 80, rows: 24});
		try {
			await app.waitFor('Account name');
			await step(app, accountField, [{type: 'acme-prod'}, 'C-u', {type: 'acme'}], 'acme');
			await step(app, accountField, [{type: ' ops team'}, 'C-w'], 'acme ops ');
			await step(app, accountField, ['M-BSpace'], 'acme ');
			await step(app, accountField, [TMUX_KEY.home, {type: '<'}, TMUX_KEY.end, {type: '>'}], '<acme >');
			await step(app, accountField, ['C-a', 'M-f', {type: '1'}], '<acme1 >');
			await step(app, accountField, ['C-e', 'M-b', {type: '2'}], '<2acme1 >');
			await step(app, accountField, ['C-a', 'C-f', 'C-k'], '<');
			await step(app, accountField, ['C-b', {type: 'x'}, 'C-e', {type: 'y'}], 'x<y');
			// The Delete key deletes forward, as Ctrl-D does; Backspace deletes back.
			await step(app, accountField, [{type: 'abcd'}, 'Left', 'Left', 'DC'], 'x<yabd');
			await step(app, accountField, ['C-a', 'DC', 'C-e', TMUX_KEY.backspace], '<yab');
			await step(app, accountField, ['C-a', {type: 'x'}, 'C-e', {type: 'cd'}, 'C-u', {type: 'x<y'}], 'x<y');
			// Control and Alt keys with no editing meaning change nothing: none inserts its letter.
			await step(app, accountField, ['C-t', 'C-y', 'C-g', 'C-o', 'C-r', 'C-v', 'C-x', 'C-n', 'C-p', 'M-x', 'M-1', 'F2', {type: 'z'}], 'x<yz');
			await step(app, accountField, ['C-e', 'C-u', {type: 'acme'}], 'acme');
			app.press(TMUX_KEY.enter);
			expect(await app.waitFor('No keys yet')).toContain('account acme · operator alice');
		} finally {
			app.close();
		}
		expect((await runCli(['list', '--json'], {store})).stdout).toBe('[]\n');
	});

	it('a paste at the first-run prompt is text: its line break neither submits nor lands in the name', async () => {
		const store = join(tempDir(), 'new', 'store.json');
		const app = startTmux(['--store', store], {columns: 80, rows: 24});
		try {
			await app.waitFor('Account name');
			app.paste('acme\nprod\n');
			await app.waitFor(screen => accountField(screen) === 'acmeprod');
			expect(app.screen()).toContain('Enter creates the store');
			expect(existsSync(store)).toBe(false);
			app.press('M-BSpace');
			app.paste('acme');
			await app.waitFor(screen => accountField(screen) === 'acme');
			app.press(TMUX_KEY.enter);
			expect(await app.waitFor('No keys yet')).toContain('account acme · operator alice');
		} finally {
			app.close();
		}
	});

	it('a paste in the table runs no command; in the search it is the search, edited like any field (120×40)', async () => {
		const app = startTmux(['--demo'], {columns: 120, rows: 40});
		const searchLine = (screen: string) => /^ ?\/ (.*)$/m.exec(screen)?.[1]?.replace(/ +type to filter$/, '') ?? '';
		try {
			await app.waitFor(/\d+ of \d+ keys/);
			app.paste('qn?x');
			app.type('/');
			await app.waitFor('type to filter');
			expect(app.screen()).not.toMatch(/Generate key|Export keys|Keyboard/);
			app.paste('ERP\rintegration\n');
			await app.waitFor(screen => searchLine(screen) === 'ERPintegration');
			await step(app, searchLine, [...Array.from({length: 'integration'.length}, () => 'Left'), {type: ' '}], 'ERP integration');
			await step(app, searchLine, ['M-b', {type: '['}, 'M-f', {type: ']'}], '[ERP] integration');
			await step(app, searchLine, ['C-a', 'C-k', {type: 'payments'}, 'C-w', {type: 'erp'}], 'erp');
			await step(app, searchLine, ['C-u', {type: 'sync'}, TMUX_KEY.home, {type: 'price '}], 'price sync');
			app.press(TMUX_KEY.enter);
			const kept = await app.waitFor(/search: price sync/);
			expect(kept).toContain('Price sync – pricing engine');
			expect(kept).not.toContain('ERP integration');
		} finally {
			app.close();
		}
	});

	it('the export file name at 80×24: Ctrl-U empties the suggested name, and the file is written where typed', async () => {
		const store = await newStore();
		const file = join(tempDir(), 'keys.json');
		const fileField = (screen: string) => /│ › (.*?) *│/.exec(screen)?.[1] ?? '';
		const app = startTmux(['--store', store], {columns: 80, rows: 24});
		try {
			await app.waitFor('0 of 0 keys');
			app.type('x');
			await app.waitFor('Export keys');
			await step(app, fileField, ['C-u', {type: `${file}.csv`}, 'M-BSpace'], `${file}.`);
			await step(app, fileField, [{type: 'json'}, 'C-a', 'C-d'], file.slice(1) + '.json');
			await step(app, fileField, [{type: '/'}, 'C-e', 'C-w', {type: file}], file);
			app.press(TMUX_KEY.enter);
			await app.waitFor('Export done');
		} finally {
			app.close();
		}
		expect(existsSync(file)).toBe(true);
	});

	it('the generate dialog\'s name and the settings URL at 60×20 edit the same way', async () => {
		const store = await newStore();
		const app = startTmux(['--store', store], {columns: 60, rows: 20});
		const nameField = (screen: string) => /› (.*?) *│?$/m.exec(screen)?.[1] ?? /│ (.*?) *│/.exec(screen.slice(screen.indexOf('Key identification')).split('\n')[1] ?? '')?.[1] ?? '';
		try {
			await app.waitFor('0 of 0 keys');
			app.type('n');
			await app.waitFor('Generate key');
			await step(app, nameField, [{type: 'ERP integration'}, 'C-w', {type: 'sync'}], 'ERP sync');
			await step(app, nameField, ['M-b', 'C-k', 'C-u', {type: 'Payments'}], 'Payments');
			app.press(TMUX_KEY.escape);
			await app.waitFor(screen => !screen.includes('Generate key'));
			app.press(TMUX_KEY.shiftTab);
			await app.waitFor('Share base URL');
			app.press(TMUX_KEY.enter);
			await app.waitFor('Renewal alert: recommend');
			app.press(TMUX_KEY.tab, TMUX_KEY.tab);
			const urlField = (screen: string) => /│ › (.*?) *│/.exec(screen)?.[1] ?? '';
			await step(app, urlField, ['C-u', {type: 'https://keys.example.com/share/links'}, 'M-BSpace', 'M-BSpace'], 'https://keys.example.com/');
			await step(app, urlField, ['M-b', 'M-b', 'C-k', {type: 'vault.example.org'}], 'https://keys.vault.example.org');
			app.press(TMUX_KEY.enter, TMUX_KEY.tab, TMUX_KEY.enter);
			await app.waitFor(screen => !screen.includes('Renewal alert: recommend'));
		} finally {
			app.close();
		}
		expect((await runCli(['settings', '--json'], {store})).stdout).toContain('"shareBaseUrl": "https://keys.vault.example.org"');
	});
});

describe.skipIf(!hasTmux)('bracketed paste is only on while the app runs', () => {
	for (const [how, key] of [
		['q', 'q'],
		['Ctrl-C', 'C-c'],
	] as const) {
		it(`after ${how}, a paste into the shell that follows carries no paste markers`, async () => {
			const store = await newStore();
			const app = startTmux([], {columns: 80, rows: 24, command: ['sh', '-c', `'${process.execPath}' '${CLI}' --store '${store}'; echo exited; cat -v`]});
			try {
				await app.waitFor('0 of 0 keys');
				app.press(key);
				await app.waitFor('exited');
				app.paste('hello\n');
				const screen = await app.waitFor(current => current.split('\n').filter(line => line.includes('hello')).length >= 2);
				expect(screen).not.toContain('[200~');
			} finally {
				app.close();
			}
		});
	}
});
