import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {HELP_SECTIONS, KEYMAP} from '../../source/ui/keymap.js';
import {hasTmux, startTmux, TMUX_KEY, type TmuxSession} from '../e2e/tmux.js';
import {DIALOG_FOOTER, frameProblems, TAB_FOOTER} from './frame-checks.js';

if (!hasTmux) console.warn('test/tmux/narrow.test.ts skipped: tmux is not installed');

const SIZES = [
	{columns: 120, rows: 40},
	{columns: 80, rows: 24},
	{columns: 60, rows: 20},
] as const;

/** Every hint the footer can show, whole. */
const HINTS = new Set(KEYMAP.map(binding => `${binding.keys} ${binding.description}`));
const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');

async function demoAt(columns: number, rows: number): Promise<TmuxSession> {
	const app = startTmux(['--demo'], {columns, rows});
	await app.waitFor(/ of \d+ keys · .*status/);
	return app;
}

describe.skipIf(!hasTmux).each(SIZES)('at $columns×$rows in tmux', ({columns, rows}) => {
	it('every tab’s footer keeps ? help and q quit, with whole hints only', async () => {
		const app = await demoAt(columns, rows);
		try {
			// Each tab told by its counts line, the one above the footer.
			const tabs = [
				['Generated', / of \d+ keys · .*status/],
				['External', / of \d+ external keys/],
				['Activity', / of \d+ entries/],
				['Settings', /Enter changes the settings\./],
			] as const;
			for (const [tab, counts] of tabs) {
				const screen = await app.waitFor(current => counts.test(current.split('\n')[rows - 3]!) && TAB_FOOTER.test(current.split('\n')[rows - 2]!));
				const footer = screen.split('\n')[rows - 2]!;
				expect(stringWidth(footer)).toBeLessThanOrEqual(columns);
				const hints = footer.split(/ {2,}/);
				expect(hints.slice(-2), `${tab}: ${footer}`).toEqual(['? help', 'q/Ctrl-C quit']);
				for (const hint of hints) expect(HINTS.has(hint) || hint.endsWith('…'), `${tab}: "${hint}" in ${footer}`).toBe(true);
				app.press(TMUX_KEY.tab);
			}
		} finally {
			app.close();
		}
	});

	it('the help shows every section under its heading and every binding whole, in a whole box (scrolled through where it scrolls)', async () => {
		const app = await demoAt(columns, rows);
		try {
			app.type('?');
			let screen = await app.waitFor(DIALOG_FOOTER);
			const pages: string[] = [];
			// Where the columns the height needs would not fit uncut, the help scrolls: "Keys 1–13 of 33 · ↑↓ scroll".
			const shown = (current: string) => /Keys \d+–(\d+) of (\d+) · ↑↓ scroll/.exec(current)?.slice(1).map(Number);
			for (;;) {
				expect(frameProblems(screen, {columns, rows, footer: DIALOG_FOOTER, box: 'help'})).toEqual([]);
				pages.push(screen.split('\n').slice(3, rows - 3).join('\n'));
				const [end = 0, total = 0] = shown(screen) ?? [];
				if (end >= total) break;
				app.press(TMUX_KEY.pageDown);
				screen = await app.waitFor(current => (shown(current)?.[0] ?? 0) > end);
			}
			if (columns >= 80) expect(pages).toHaveLength(1);
			const body = pages.join('\n');
			for (const {title} of HELP_SECTIONS) expect(body).toMatch(new RegExp(`│ (.*  )?${escape(title)}( |$)`, 'm'));
			// Every binding uncut: its keys, then its whole description.
			expect(body).not.toContain('…');
			for (const {keys, description} of KEYMAP) expect(body).toMatch(new RegExp(`(^|\\s)${escape(keys)} +${escape(description)}( |$)`, 'm'));
		} finally {
			app.close();
		}
	});
});

describe.skipIf(!hasTmux)('the Activity table at 80 columns', () => {
	it('shortens the account part of a key, never its suffix', async () => {
		const app = await demoAt(80, 24);
		try {
			app.press(TMUX_KEY.tab, TMUX_KEY.tab);
			const screen = await app.waitFor(/│ Key +│ What changed/);
			const keyCells = screen
				.split('\n')
				.filter(line => /^[│▶] \d{4}-/.test(line))
				// Time, operator, action, key: the fourth cell.
				.map(line => line.slice(1).split(/[│◀]/)[3]!.trim())
				.filter(cell => cell !== '');
			expect(keyCells.length).toBeGreaterThan(5);
			// The key's start, perhaps cut before the account with …, then its whole suffix.
			for (const cell of keyCells) expect(cell).toMatch(/^[a-z][a-z0-9-]*…?-[A-Z]{6}$/);
			expect(keyCells).toContainEqual(expect.stringMatching(/^appkey-a?…-[A-Z]{6}$/));
			// Told apart: different keys show different cells.
			expect(new Set(keyCells).size).toBeGreaterThan(3);
		} finally {
			app.close();
		}
	});
});

describe.skipIf(!hasTmux).each(SIZES)('the Settings tab at $columns×$rows', ({columns, rows}) => {
	it('lines every value up in one column, wrapped lines and each operator included', async () => {
		const app = await demoAt(columns, rows);
		try {
			app.press(TMUX_KEY.shiftTab);
			const screen = await app.waitFor('Enter changes the settings.');
			const lines = screen.split('\n');
			const block = lines.slice(2, lines.indexOf('', 2));
			expect(block[0]).toMatch(/^Account {12}\S/);
			for (const line of block) expect(line, line).toMatch(/^(Account|Renewal alert|Reveal new tokens|Share base URL|Key prefix|Operators) +\S|^ {19}\S/);
			for (const line of block) expect(line.match(/^\S.*? {2,}(?=\S)/)?.[0].length ?? 19, line).toBe(19);
			for (const operator of ['alice', 'maria', 'support-bot']) expect(block).toContainEqual(expect.stringMatching(new RegExp(`^(Operators {10}| {19})${operator} \\(`)));
		} finally {
			app.close();
		}
	});
});
