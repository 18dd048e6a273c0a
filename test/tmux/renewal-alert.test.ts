import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers.js';
import {hasTmux, startTmux} from '../e2e/tmux.js';
import {storeWithAges} from './stores.js';

if (!hasTmux) console.log('test/tmux/renewal-alert: skipped, tmux is not installed');

const rowOf = (screen: string, text: string) => screen.split('\n').find(line => line.includes(text)) ?? '';

describe.skipIf(!hasTmux).each([
	{columns: 120, rows: 40},
	{columns: 80, rows: 24},
])('the renewal alert warns before it fires, at $columns×$rows', size => {
	it('marks keys within 14 days of the period due soon (~, yellow), counts them in the footer and filters them with f', async () => {
		const {path, appKeyOf} = storeWithAges();
		const app = startTmux(['--store', path], size);
		try {
			const screen = await app.waitFor('8 of 8 keys');
			expect(screen).toContain('8 of 8 keys · 3 due soon · 2 past due · status: all');
			for (const name of ['Soon one', 'Soon two', 'Soon three']) expect(rowOf(screen, appKeyOf(name))).toMatch(/^│ ~ {2}appkey-acme-/);
			expect(rowOf(screen, appKeyOf('Late orange'))).toMatch(/^│ ! {2}appkey-acme-/);
			expect(rowOf(screen, appKeyOf('Late red'))).toMatch(/^│ !! appkey-acme-/);
			expect(rowOf(screen, appKeyOf('Fresh integration'))).toMatch(/^│ {4}appkey-acme-/);
			// A third colour, neither orange nor red: yellow (SGR 33).
			const coloured = app.tmux('capture-pane', '-p', '-e', '-t', 'app');
			expect(rowOf(coloured, appKeyOf('Soon one'))).toMatch(/\u001b\[[0-9;]*33m[^\u001b]*~/);

			app.type('fff');
			const dueSoon = await app.waitFor('status: due soon');
			expect(dueSoon).toContain('3 of 8 keys · 3 due soon · 2 past due · status: due soon');
			const shown = dueSoon.split('\n').filter(line => /^[│▶]/.test(line) && line.includes('appkey-acme-'));
			expect(shown.map(line => line.match(/appkey-acme-[A-Z]{6}/)![0]).sort()).toEqual(['Soon one', 'Soon two', 'Soon three'].map(appKeyOf).sort());
			app.type('f');
			const pastDue = await app.waitFor('status: past due');
			expect(pastDue).toContain('2 of 8 keys · 3 due soon · 2 past due · status: past due');
			expect(pastDue).toContain(appKeyOf('Late red'));
			expect(pastDue).not.toContain(appKeyOf('Soon one'));
			app.type('f');
			await app.waitFor('8 of 8 keys · 3 due soon · 2 past due · status: all');
			app.type('q');
			await app.waitFor(() => app.exited());
		} finally {
			app.close();
		}
	});
});

describe('list --alert shows due soon beside past due', () => {
	it('lists the 5 keys with an alert, due soon ones marked "due soon"', async () => {
		const {path, appKeyOf} = storeWithAges();
		const listed = await runCli(['list', '--alert'], {store: path});
		expect(listed.stdout).toMatch(new RegExp(`${appKeyOf('Soon two')} .*due soon\\s*\\n`));
		expect(listed.stdout).toMatch(new RegExp(`${appKeyOf('Late red')} .*RENEW!\\s*\\n`));
		expect(listed.stdout).toContain('5 of 8 keys');
	});
});
