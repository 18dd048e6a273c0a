import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {chromium, type Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CLI, TOKEN_IN_TEXT, runCli} from '../helpers.js';
import {KEY, startTui} from '../e2e/pty.js';

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
	let directory: string;

	beforeAll(async () => {
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			// A rebound DNS name: the attacker's host name resolving to this machine.
			args: ['--host-resolver-rules=MAP rebind.attacker.example 127.0.0.1', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		});
		// Lives for the whole file: the per-test temp directories are removed after each test.
		directory = mkdtempSync(join(tmpdir(), 'apikeys-browser-'));
		store = join(directory, 'store.json');
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
		rmSync(directory, {recursive: true, force: true});
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

		const posted = page.waitForRequest(request => request.method() === 'POST');
		await page.getByRole('button', {name: 'Reveal token'}).click();
		// The page's own origin, which the server requires (Referrer-Policy: same-origin; no-referrer made it "null").
		expect((await (await posted).allHeaders()).origin).toBe(base);
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
		expect((await runCli(['redeem'], {store, input: generated.link})).stderr).toMatch(/^apikeys: this link was already used at /);
		await context.close();
	});

	it('generate in the app, copy the link with c, reveal it in the browser, verify; the link is dead for redeem and o', async () => {
		const app = startTui(['--store', store], {columns: 120, rows: 40});
		await app.waitFor(/\d+ of \d+ keys?\b/);
		await app.type('n');
		await app.waitFor('Key identification');
		await app.type(...'From the app', KEY.tab, KEY.tab, KEY.tab);
		await app.waitFor('[ Generate ]');
		await app.type(KEY.enter);
		await app.waitFor('will not be shown again');
		await app.type('c');
		await app.waitFor("Sent to the terminal's clipboard (OSC 52)");
		// What the terminal was asked to put on the clipboard (OSC 52).
		const copied = Buffer.from(/\u001b\]52;c;([A-Za-z0-9+/=]+)\u0007/.exec(app.raw())![1]!, 'base64').toString('utf8');
		expect(copied).toMatch(/^http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}$/);
		await app.type(KEY.enter);
		const appKey = (await app.waitFor('Generated appkey-acme-')).match(/Generated (appkey-acme-[A-Z]{6})/)![1]!;

		const page = await browser.newPage();
		await page.goto(base + new URL(copied).pathname);
		await page.getByRole('button', {name: 'Reveal token'}).click();
		await page.waitForSelector('#token');
		const token = (await page.textContent('#token'))?.trim() ?? '';
		expect((await runCli(['verify', '--key', appKey], {store, input: token})).code).toBe(0);
		await page.close();

		expect((await runCli(['redeem'], {store, input: copied})).stderr).toMatch(/^apikeys: this link was already used at /);
		await app.type('o');
		await app.waitFor('Open a single-access link');
		await app.type(copied, KEY.enter);
		await app.waitFor(/this link was already used at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
		await app.type(KEY.escape);
		await app.waitFor('Key/Name');
		await app.type('q');
		expect((await app.exited()).code).toBe(0);
	});

	it('a page reached through another host name (DNS rebinding) gets 421 and the link stays unused', async () => {
		const generated = JSON.parse((await runCli(['generate', '--name', 'Rebound', '--json'], {store})).stdout);
		const path = new URL(generated.link).pathname;
		const page = await browser.newPage();
		const rebound = await page.goto(`http://rebind.attacker.example:${new URL(base).port}${path}`);
		expect(rebound?.status()).toBe(421);
		expect(await page.getByRole('button', {name: 'Reveal token'}).count()).toBe(0);
		await page.goto(base + path);
		expect(await page.getByRole('button', {name: 'Reveal token'}).isVisible()).toBe(true);
		await page.close();
	});
});
