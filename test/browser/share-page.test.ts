import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {chromium, type Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
	// .ci/run installs Debian's chromium; this prints why the browser test did not run where it could not.
	console.warn(`browser test skipped: ${CHROMIUM} is not installed and could not be installed here (apt-get install chromium)`);
}

describe.skipIf(!available)('the share page in headless Chromium', () => {
	let browser: Browser;
	let server: ChildProcess;
	let base: string;
	let store: string;

	beforeAll(async () => {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		store = join(tempDir(), 'store.json');
		await runCli(['init', '--account', 'acme'], {store});
		server = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {env: {...process.env, APIKEYS_STORE: store, APIKEYS_OPERATOR: 'alice'}});
		base = await new Promise<string>((resolve, reject) => {
			let out = '';
			server.stdout!.on('data', chunk => {
				out += chunk;
				const match = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
				if (match) resolve(match[1]!);
			});
			server.on('close', () => reject(new Error(`serve exited: ${out}`)));
		});
	});

	afterAll(async () => {
		server?.kill('SIGTERM');
		await browser?.close();
	});

	it('open the link → button, no token in the HTML → click → token → reload → already used', async () => {
		const generated = JSON.parse((await runCli(['generate', '--name', 'Browser key', '--json'], {store})).stdout);
		const link = base + new URL(generated.link).pathname;
		const context = await browser.newContext();
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: base});
		const page = await context.newPage();

		const opened = await page.goto(link);
		expect(opened?.status()).toBe(200);
		expect(opened?.headers()['cache-control']).toBe('no-store');
		expect(await page.getByRole('button', {name: 'Reveal token'}).isVisible()).toBe(true);
		expect(await page.content()).not.toMatch(TOKEN_IN_TEXT);
		expect(await page.textContent('main')).toContain(generated.appKey);

		await page.getByRole('button', {name: 'Reveal token'}).click();
		await page.waitForSelector('#token');
		const token = (await page.textContent('#token'))?.trim() ?? '';
		expect(token).toMatch(TOKEN_IN_TEXT);
		await page.getByRole('button', {name: 'Copy'}).click();
		await page.waitForSelector('#copied:not(:empty)');
		expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
		expect((await runCli(['verify', '--key', generated.appKey], {store, input: token})).code).toBe(0);

		await page.reload();
		expect(await page.textContent('h1')).toBe('This link was already used');
		expect(await page.content()).not.toMatch(TOKEN_IN_TEXT);
		await page.goto(link);
		expect(await page.textContent('h1')).toBe('This link was already used');
		expect((await runCli(['redeem', generated.link], {store})).stderr).toMatch(/^apikeys: this link was already used at /);
		await context.close();
	});
});
