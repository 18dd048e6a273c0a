import {execFileSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers.js';
import {TMUX_KEY, hasTmux, startTmux, type TmuxSession} from '../e2e/tmux.js';

if (!hasTmux) console.log('test/tmux/clipboard.test.ts: skipped, tmux is not installed');

/** Generates a key in the app and returns the link its reveal dialog shows (on rows of its own). */
async function revealLink(app: TmuxSession): Promise<string> {
	await app.waitFor('0 of 0 keys');
	app.type('n');
	await app.waitFor('Generate key');
	app.type('ERP integration');
	app.press(TMUX_KEY.tab, TMUX_KEY.space, TMUX_KEY.tab, TMUX_KEY.tab, TMUX_KEY.enter);
	const lines = (await app.waitFor('will not be shown again')).split('\n');
	const start = lines.findIndex(line => line.startsWith('http'));
	const end = lines.findIndex((line, i) => i > start && /^\s*│/.test(line));
	return lines.slice(start, end).join('');
}

async function newStore() {
	const store = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
	return store;
}

const buffers = (app: TmuxSession) => app.tmux('list-buffers', '-F', '#{buffer_name}').trim();

describe.skipIf(!hasTmux)('c sends the link to the clipboard through what tmux lets through', () => {
	it('with set-clipboard on (80×24): plain OSC 52, and the link is in tmux\'s buffer', async () => {
		const app = startTmux(['--store', await newStore()], {columns: 80, rows: 24});
		try {
			app.tmux('set', '-g', 'set-clipboard', 'on');
			const link = await revealLink(app);
			expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}$/);
			app.type('c');
			const screen = await app.waitFor("Sent to the terminal's clipboard through tmux");
			expect(screen).not.toMatch(/copied/i);
			expect(app.tmux('show-buffer')).toBe(link);
		} finally {
			app.close();
		}
	});

	it('at 54×17: the link is whole on its two rows, and after c (not sent) the frame below it is still closed', async () => {
		const app = startTmux(['--store', await newStore()], {columns: 54, rows: 17});
		try {
			expect(await revealLink(app)).toMatch(/^http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}$/);
			app.type('c');
			const screen = await app.waitFor('✗ Not sent');
			// The message's end is cut at this size; the button and the border stay.
			expect(screen).toMatch(/│ \[ Close \] +│\n ╰─{50}╯/);
		} finally {
			app.close();
		}
	});

	it("with tmux's defaults (set-clipboard external, allow-passthrough off, 120×40): says plainly it was not sent, and why", async () => {
		const app = startTmux(['--store', await newStore()], {columns: 120, rows: 40});
		try {
			expect(app.tmux('show-options', '-gv', 'set-clipboard').trim()).toBe('external');
			await revealLink(app);
			app.type('c');
			const screen = (await app.waitFor('Not sent')).replace(/[│\s]+/g, ' ');
			expect(screen).toContain('Not sent: this tmux drops clipboard sequences (set-clipboard external, allow-passthrough off). Run "tmux set -g set-clipboard on", or select it with the mouse.');
			expect(screen).not.toMatch(/copied|✓ Sent/i);
			expect(buffers(app)).toBe('');
		} finally {
			app.close();
		}
	});

	it('with allow-passthrough on (60×20): the passthrough wrapper, which reaches the terminal outside tmux', async () => {
		// The app in an inner tmux (passthrough on, set-clipboard off) whose terminal is an outer tmux
		// with set-clipboard on: what the inner one passes through lands in the outer one's buffer.
		const dir = tempDir();
		const config = join(dir, 'inner.conf');
		writeFileSync(config, 'set -g allow-passthrough on\nset -g set-clipboard off\nset -g status off\nset -g escape-time 0\n');
		const store = await newStore();
		const inner = ['env', '-u', 'TMUX', 'tmux', '-S', join(dir, 'inner.sock'), '-f', config, 'new-session', `APIKEYS_OPERATOR=alice '${process.execPath}' '${CLI}' --store '${store}'`];
		const app = startTmux([], {columns: 60, rows: 20, command: inner});
		try {
			app.tmux('set', '-g', 'set-clipboard', 'on');
			const link = await revealLink(app);
			app.type('c');
			const screen = (await app.waitFor("through tmux's")).replace(/[│\s]+/g, ' ');
			expect(screen).toContain("✓ Sent to the terminal's clipboard through tmux's passthrough.");
			await app.waitFor(() => buffers(app) !== '');
			expect(app.tmux('show-buffer')).toBe(link);
		} finally {
			execFileSync('tmux', ['-S', join(dir, 'inner.sock'), 'kill-server'], {stdio: 'ignore'});
			app.close();
		}
	});
});
