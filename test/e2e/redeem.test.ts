import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';
import {KEY, startTui} from './pty.js';

const PROMPT = 'Paste the single-access link (it is not shown) and press Enter:';
const BACKSPACE = '\u007f';
const CTRL_D = '\u0004';

async function storeWithLink() {
	const store = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
	const generated = await runCli(['generate', '--name', 'ERP', '--json'], {store});
	const {appKey, link} = JSON.parse(generated.stdout) as {appKey: string; link: string};
	return {store, appKey, link, secret: link.split('/').pop()!};
}

const tokensIn = (text: string) => text.match(new RegExp(TOKEN_IN_TEXT.source, 'g')) ?? [];

describe('apikeys redeem at a terminal', () => {
	it('prompts, reads the link typed without showing it, and prints the token once', async () => {
		const {store, appKey, link, secret} = await storeWithLink();
		const session = startTui(['redeem'], {columns: 100, rows: 12, env: {APIKEYS_STORE: store}});
		await session.waitFor(PROMPT);
		// A slip corrected with Backspace, then the link a key at a time: none of it may be drawn.
		await session.type('h', BACKSPACE, ...link, KEY.enter);
		expect(await session.exited()).toMatchObject({code: 0});
		const screen = session.screen();
		expect(screen).toContain(`Token for ${appKey} (shown once; save it in a safe place):`);
		expect(tokensIn(screen)).toHaveLength(1);
		expect(tokensIn(session.raw())).toHaveLength(1);
		for (const text of [screen, session.raw()]) {
			expect(text).not.toContain('credentials');
			expect(text).not.toContain(secret.slice(0, 8));
		}
		const again = await runCli(['redeem'], {store, input: link});
		expect(again.stderr).toMatch(/^apikeys: this link was already used at /);
	});

	it('asks on stderr: with stdout redirected, the file holds the token and nothing else', async () => {
		const {store, link, secret} = await storeWithLink();
		const out = join(tempDir(), 'token.txt');
		const session = startTui([], {
			columns: 100,
			rows: 12,
			env: {APIKEYS_STORE: store},
			command: ['/bin/sh', '-c', 'exec "$0" "$1" redeem > "$2"', process.execPath, CLI, out],
		});
		await session.waitFor(PROMPT);
		await session.type(link, KEY.enter);
		expect(await session.exited()).toMatchObject({code: 0});
		expect(readFileSync(out, 'utf8')).toMatch(/^Token for appkey-acme-[A-Z]{6} \(shown once; save it in a safe place\):\napikt_\w{49}\n$/);
		expect(session.screen().trim()).toBe(PROMPT);
		expect(session.raw()).not.toContain(secret.slice(0, 8));
	});

	it('Ctrl-C or Ctrl-D at the prompt reads nothing, exits non-zero, and leaves the link usable', async () => {
		const {store, link} = await storeWithLink();
		const cancelled = startTui(['redeem'], {columns: 100, rows: 12, env: {APIKEYS_STORE: store}});
		await cancelled.waitFor(PROMPT);
		await cancelled.type(...link.slice(0, 10), KEY.ctrlC);
		expect(await cancelled.exited()).toMatchObject({code: 1});
		expect(cancelled.screen()).toContain('apikeys: cancelled: no link was read');
		const ended = startTui(['redeem'], {columns: 100, rows: 12, env: {APIKEYS_STORE: store}});
		await ended.waitFor(PROMPT);
		await ended.type(CTRL_D);
		expect(await ended.exited()).toMatchObject({code: 2});
		expect(ended.screen()).toContain('apikeys: no link was given:');
		expect((await runCli(['redeem'], {store, input: link})).stdout).toMatch(TOKEN_IN_TEXT);
	});
});
