import {describe, expect, it} from 'vitest';
import {join} from 'node:path';
import {runCli, tempDir} from '../helpers.js';
import {TMUX_KEY, hasTmux, startTmux, type TmuxSession} from '../e2e/tmux.js';
import {storeWithAges} from './stores.js';

if (!hasTmux) console.log('test/tmux/actions: skipped, tmux is not installed');

const rowOf = (screen: string, text: string) => screen.split('\n').find(line => line.includes(text)) ?? '';
/** The screen's text with box borders and line breaks folded, for sentences that wrap inside a dialog. */
const flat = (screen: string) => screen.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

/** Keeps a search for the key, so it is the one row, selected, and opens its action menu. */
async function openMenuOf(app: TmuxSession, appKey: string) {
	app.type(`/${appKey}`);
	await app.waitFor(`/ ${appKey}`);
	app.press(TMUX_KEY.enter);
	await app.waitFor('/ to change');
	app.press(TMUX_KEY.enter);
	return app.waitFor('Delete Key');
}

describe.skipIf(!hasTmux).each([
	{columns: 120, rows: 40},
	{columns: 80, rows: 24},
])('the action menu and the renewal read right, at $columns×$rows', size => {
	it('dims Renew Token with the reason while a renewal is pending or a link is unused, and refuses it with the full reason', async () => {
		const {path, appKeyOf} = storeWithAges();
		const app = startTmux(['--store', path], size);
		try {
			await app.waitFor('8 of 8 keys');
			const pendingMenu = await openMenuOf(app, appKeyOf('Pending renewal'));
			expect(rowOf(pendingMenu, 'Renew Token')).toContain('Renew Token — a renewal is pending');
			// Dimmed (SGR 2), as an action the operator may not take is.
			expect(rowOf(app.tmux('capture-pane', '-p', '-e', '-t', 'app'), 'Renew Token')).toMatch(/\u001b\[[0-9;]*2m[^\u001b]*Renew Token/);
			app.press('j', 'j', TMUX_KEY.enter);
			expect(flat(await app.waitFor('✗'))).toContain('already has a renewed token pending: delete the old token or undo the renewal first');
			app.press(TMUX_KEY.escape);
			await app.waitFor(screen => !screen.includes('Delete Key'));

			app.type('/');
			await app.waitFor('Esc clear search');
			app.press(TMUX_KEY.escape);
			await app.waitFor(screen => !screen.includes('search:'));
			const linkMenu = await openMenuOf(app, appKeyOf('Unused link'));
			expect(flat(linkMenu)).toMatch(/Renew Token — its link is unused until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
			app.press('j', 'j', TMUX_KEY.enter);
			expect(flat(await app.waitFor('✗'))).toContain('has a single-access link that has not been used yet');
		} finally {
			app.close();
		}
	});

	it('Renew Token with Now is one activity entry, "delete old token: Now", exactly as the command line records it', async () => {
		const {path, appKeyOf} = storeWithAges();
		const fromApp = appKeyOf('Fresh integration');
		const app = startTmux(['--store', path], size);
		try {
			await app.waitFor('8 of 8 keys');
			await openMenuOf(app, fromApp);
			app.press('j', 'j', TMUX_KEY.enter);
			const dialog = await app.waitFor('(•) Later');
			expect(dialog).toContain('Delete old token');
			app.press(TMUX_KEY.space);
			await app.waitFor('(•) Now');
			app.press(TMUX_KEY.enter);
			await app.waitFor('[ Renew ]');
			app.press(TMUX_KEY.enter);
			expect(flat(await app.waitFor('Token renewed'))).toContain('Old token: deleted (Now); only the new token is valid.');
			app.press(TMUX_KEY.enter);
			await app.waitFor(`Renewed ${fromApp}: the old token was deleted.`);
		} finally {
			app.close();
		}
		const fromCli = appKeyOf('Soon one');
		expect((await runCli(['renew', fromCli, '--delete-old', 'now'], {store: path})).code).toBe(0);
		const log = JSON.parse((await runCli(['audit', '--json'], {store: path})).stdout) as Array<{appKey?: string; action: string; summary?: string}>;
		const entriesOf = (appKey: string) => log.filter(e => e.appKey === appKey).map(e => [e.action, e.summary]);
		// The store was built through the core rules, which record nothing: each renewal is the key's only entry.
		expect(entriesOf(fromApp)).toEqual([['renew token', 'delete old token: Now (old token deleted)']]);
		expect(entriesOf(fromCli)).toEqual(entriesOf(fromApp));
	});

	it('the "key no longer exists" dialog has one Close, and Esc closes it too', async () => {
		const {path, appKeyOf} = storeWithAges();
		const gone = appKeyOf('Late red');
		const app = startTmux(['--store', path], size);
		try {
			await app.waitFor('8 of 8 keys');
			await openMenuOf(app, gone);
			expect((await runCli(['delete', gone, '--yes'], {store: path})).code).toBe(0);
			const notice = await app.waitFor('Key no longer exists');
			expect(flat(notice)).toContain(`${gone} was deleted by another operator while this dialog was open. Nothing was changed.`);
			expect(notice).toContain('[ Close ]');
			expect(notice).not.toContain('Cancel');
			app.press(TMUX_KEY.escape);
			await app.waitFor(screen => !screen.includes('Key no longer exists') && screen.includes('0 of 7 keys'));
		} finally {
			app.close();
		}
	});

	it('a failed export shows the failure on its progress line', async () => {
		const {path} = storeWithAges();
		const app = startTmux(['--store', path], size);
		try {
			await app.waitFor('8 of 8 keys');
			app.type('x');
			await app.waitFor('Export keys');
			app.tmux('send-keys', '-t', 'app', '-N', '300', 'BSpace');
			await app.waitFor(screen => /› *(│|$)/m.test(screen));
			app.type(join(tempDir(), 'missing', 'keys.xlsx'));
			await app.waitFor('keys.xlsx');
			app.press(TMUX_KEY.enter);
			const failed = await app.waitFor('✗ Failed while writing');
			expect(flat(failed)).toContain('its directory does not exist');
			expect(failed).not.toContain('Writing…');
		} finally {
			app.close();
		}
	});
});

describe.skipIf(!hasTmux)('hints cut at 60×20', () => {
	it('end the search line hint with … when it does not fit', async () => {
		const {path} = storeWithAges();
		const app = startTmux(['--store', path], {columns: 60, rows: 20});
		try {
			const screen = await app.waitFor('8 of 8 keys');
			expect(screen.split('\n')[2]).toBe('Press / to search by name or key identifier, n to generate …');
		} finally {
			app.close();
		}
	});
});
