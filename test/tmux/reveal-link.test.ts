import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';
import {TMUX_KEY, hasTmux, startTmux} from '../e2e/tmux.js';

if (!hasTmux) console.log('test/tmux/reveal-link.test.ts: skipped, tmux is not installed');

/** The screen rows the link is on: from the row it starts on to the row before the box resumes. */
function linkRows(screen: string): string[] {
	const lines = screen.split('\n');
	const start = lines.findIndex(line => line.startsWith('http'));
	const end = lines.findIndex((line, i) => i > start && /^\s*│/.test(line));
	return start === -1 || end === -1 ? [] : lines.slice(start, end);
}

async function storeWithBaseUrl(url: string | null) {
	const store = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
	if (url) expect((await runCli(['settings', '--share-base-url', url], {store})).code).toBe(0);
	return store;
}

const LONG_BASE = 'https://credentials.platform-team.example.com/apikeys/share';

describe.skipIf(!hasTmux)('the reveal dialog shows the link on rows of its own, in tmux', () => {
	for (const [columns, rows, base] of [
		[80, 24, null],
		[80, 24, LONG_BASE],
		[120, 40, LONG_BASE],
		[60, 20, null],
	] as const) {
		it(`at ${columns}×${rows}${base ? ' with a long share URL' : ''}: the rows hold only the link, and joined they are the link`, async () => {
			const store = await storeWithBaseUrl(base);
			const app = startTmux(['--store', store], {columns, rows});
			let link = '';
			try {
				await app.waitFor(/0 of 0 keys/);
				app.type('n');
				await app.waitFor('Generate key');
				app.type('ERP integration');
				app.press(TMUX_KEY.tab, TMUX_KEY.space, TMUX_KEY.tab, TMUX_KEY.tab, TMUX_KEY.enter);
				const screen = await app.waitFor('will not be shown again');
				const linkLines = linkRows(screen);
				expect(linkLines.length).toBeGreaterThan(0);
				// Nothing but link characters on the link's rows: no border, no padding, no other text.
				for (const line of linkLines) expect(line).toMatch(/^[A-Za-z0-9:/._~-]+$/);
				link = linkLines.join('');
				expect(link).toMatch(new RegExp(`^${(base ?? 'http://127.0.0.1:8470').replaceAll('.', '\\.')}/credentials/[0-9A-Za-z]{43}$`));
				// As long as the terminal allows: one row when it fits, full rows otherwise.
				for (const line of linkLines.slice(0, -1)) expect(line).toHaveLength(columns);
				app.press(TMUX_KEY.enter);
				await app.waitFor('1 of 1 key ');
			} finally {
				app.close();
			}
			// The joined rows are the real link: it opens once and gives the token.
			const redeemed = await runCli(['redeem'], {store, input: `${link}\n`});
			expect(redeemed.code).toBe(0);
			expect(redeemed.stdout).toMatch(TOKEN_IN_TEXT);
		});
	}
});
