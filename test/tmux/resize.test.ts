import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {hasTmux, startTmux, TMUX_KEY, type TmuxSession} from '../e2e/tmux.js';
import {DIALOG_FOOTER, frameProblems, TAB_FOOTER, type FrameExpectation} from './frame-checks.js';

if (!hasTmux) console.warn('test/tmux/resize.test.ts skipped: tmux is not installed');

/** The row the selection marker is on. */
const selectedRow = (screen: string) => screen.split('\n').findIndex(line => line.startsWith('▶'));

/** Waits for the whole frame at the size, failing with what is wrong with the screen if it never comes. */
async function whole(app: TmuxSession, expected: FrameExpectation): Promise<string> {
	try {
		return await app.waitFor(screen => frameProblems(screen, expected).length === 0, 5000);
	} catch (error) {
		throw new Error(`at ${expected.columns}×${expected.rows}: ${frameProblems(app.screen(), expected).join('; ')}\n${(error as Error).message}`);
	}
}

/**
 * Resizes, waits for the whole frame at the new size, then moves the selection a row: the frame
 * after the repaint is drawn line by line again, and must land on the repainted one.
 */
async function resizeAndMove(app: TmuxSession, columns: number, rows: number) {
	app.resize(columns, rows);
	const expected: FrameExpectation = {columns, rows, footer: TAB_FOOTER, box: 'table'};
	const before = selectedRow(await whole(app, expected));
	app.press('j');
	await app.waitFor(screen => selectedRow(screen) === before + 1);
	await whole(app, expected);
}

async function demoAt(columns: number, rows: number) {
	const app = startTmux(['--demo'], {columns, rows});
	await whole(app, {columns, rows, footer: TAB_FOOTER, box: 'table'});
	return app;
}

describe.skipIf(!hasTmux)('resizing the window in tmux', () => {
	it('narrowing 120 → 90 → 70 without changing the height, then widening back, redraws the whole screen', async () => {
		const app = await demoAt(120, 40);
		try {
			await resizeAndMove(app, 90, 40);
			await resizeAndMove(app, 70, 40);
			await resizeAndMove(app, 120, 40);
		} finally {
			app.close();
		}
	});

	it('80 → 60 → 80 columns, then the height alone, then both, growing and shrinking', async () => {
		const app = await demoAt(80, 24);
		try {
			await resizeAndMove(app, 60, 24);
			await resizeAndMove(app, 80, 24);
			await resizeAndMove(app, 80, 20);
			await resizeAndMove(app, 80, 30);
			await resizeAndMove(app, 60, 20);
			await resizeAndMove(app, 120, 40);
			await resizeAndMove(app, 80, 24);
		} finally {
			app.close();
		}
	});

	it('keeps a dialog whole across resizes (the help at 80×24 → 60×20, where it scrolls → 120×40)', async () => {
		const app = await demoAt(80, 24);
		try {
			app.type('?');
			for (const [columns, rows] of [[80, 24], [60, 20], [120, 40], [80, 24]] as const) {
				app.resize(columns, rows);
				const screen = await whole(app, {columns, rows, footer: DIALOG_FOOTER, box: 'help'});
				// At 60×20 the columns the height needs would cut every description: the help scrolls instead.
				if (columns === 60) expect(screen).toMatch(/Keys 1–\d+ of \d+ · ↑↓ scroll · Esc closes/);
				else expect(screen).toContain('Keys · Esc, ? or Enter closes');
			}
			app.press(TMUX_KEY.escape);
			await whole(app, {columns: 80, rows: 24, footer: TAB_FOOTER, box: 'table'});
		} finally {
			app.close();
		}
	});
});

describe.skipIf(!hasTmux)('Ctrl-L in tmux', () => {
	it('redraws every line after another program wrote over the screen', async () => {
		const app = await demoAt(80, 24);
		try {
			// Another program writing to the same terminal (a background job, a wall message) moves the cursor and leaves text behind.
			const tty = app.tmux('display-message', '-p', '-t', 'app', '#{pane_tty}').trim();
			execFileSync('sh', ['-c', `printf '\\033[3;1HSTRAY OUTPUT\\n\\033[2J\\033[12;5Hmore stray output\\n\\n' > ${tty}`]);
			await app.waitFor('more stray output');
			expect(frameProblems(app.screen(), {columns: 80, rows: 24, footer: TAB_FOOTER, box: 'table'})).not.toEqual([]);
			app.press(TMUX_KEY.ctrlL);
			const screen = await whole(app, {columns: 80, rows: 24, footer: TAB_FOOTER, box: 'table'});
			expect(screen).not.toContain('stray output');
			// The next frame, drawn line by line, lands on the redrawn one.
			const before = selectedRow(screen);
			app.press('j');
			await app.waitFor(current => selectedRow(current) === before + 1);
			await whole(app, {columns: 80, rows: 24, footer: TAB_FOOTER, box: 'table'});
		} finally {
			app.close();
		}
	});

	it('is listed in the help and types nothing into a field', async () => {
		const app = await demoAt(80, 24);
		try {
			app.type('?');
			expect(await app.waitFor('Keys · Esc')).toMatch(/Ctrl-L +redraw the screen/);
			app.press(TMUX_KEY.escape);
			// Esc and a key that reach the program in one read are Alt and that key, as in any terminal: wait for the help to close first.
			await app.waitFor(screen => !screen.includes('Keys · Esc'));
			app.type('n');
			await app.waitFor('Key identification');
			app.type('ab');
			app.press(TMUX_KEY.ctrlL);
			app.type('c');
			const screen = await app.waitFor('abc');
			expect(screen).not.toContain('ablc');
		} finally {
			app.close();
		}
	});
});
