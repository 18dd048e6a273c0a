import {readFileSync} from 'node:fs';
import {request} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {createShareServer} from '../../source/server/share-server.js';
import {ApiKeysService} from '../../source/service.js';
import {TOKEN_IN_TEXT, tempDir} from '../helpers.js';

const servers: Array<{close(): void}> = [];
afterEach(() => {
	while (servers.length > 0) servers.pop()!.close();
});

async function setup() {
	const path = join(tempDir(), 'store.json');
	const service = await ApiKeysService.init(path, 'acme', {operator: 'alice'});
	const {row, reveal} = await service.generate({name: 'Web <shop>', roles: ['OMS - Read only']});
	if (reveal.kind !== 'link') throw new Error('expected a link');
	const server = createShareServer({service});
	servers.push({close: () => server.close()});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const path_ = new URL(reveal.url).pathname;
	const linkState = () => JSON.parse(readFileSync(path, 'utf8')).links[0] as {used?: number; sealed?: string};
	return {service, base, url: base + path_, appKey: row.appKey, linkState, path};
}

const proofIn = (html: string) => /name="proof" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function post(url: string, body: string, headers: Record<string, string> = {}) {
	return fetch(url, {method: 'POST', body, headers: {'Content-Type': 'application/x-www-form-urlencoded', ...headers}, redirect: 'manual'});
}

describe('the share page', () => {
	it('GET shows which key the link is for and a Reveal button, with no token and nothing consumed', async () => {
		const {url, appKey, linkState} = await setup();
		const response = await fetch(url);
		const html = await response.text();
		expect(response.status).toBe(200);
		expect(html).toContain(`<code>${appKey}</code> (Web &lt;shop&gt;)`);
		expect(html).toContain('<button type="submit" id="reveal">Reveal token</button>');
		expect(html).not.toMatch(TOKEN_IN_TEXT);
		expect(linkState().used).toBeUndefined();
	});

	it('HEAD and GET from previewers, unfurlers and scanners consume nothing', async () => {
		const {url, linkState} = await setup();
		for (const agent of ['Slackbot-LinkExpanding 1.0', 'Twitterbot/1.0', 'Microsoft Office/16.0', 'curl/8.0', 'Mozilla/5.0 (compatible; Googlebot/2.1)']) {
			expect((await fetch(url, {headers: {'User-Agent': agent}})).status).toBe(200);
			expect((await fetch(url, {method: 'HEAD', headers: {'User-Agent': agent}})).status).toBe(200);
		}
		expect(linkState().used).toBeUndefined();
		expect(linkState().sealed).toBeDefined();
	});

	it('only the POST of the page\'s own button reveals the token, once', async () => {
		const {url, linkState, service, appKey, path} = await setup();
		const proof = proofIn(await (await fetch(url)).text());
		// A browser sends Origin: null on a form post from a no-referrer page.
		const revealed = await post(url, `proof=${encodeURIComponent(proof)}`, {'Sec-Fetch-Site': 'same-origin', Origin: 'null'});
		const html = await revealed.text();
		expect(revealed.status).toBe(200);
		const token = html.match(TOKEN_IN_TEXT)![0];
		expect(html).toContain('<button type="button" id="copy">Copy</button>');
		expect((await service.verify(appKey, token)).valid).toBe(true);
		expect(linkState().used).toBeDefined();
		expect(readFileSync(path, 'utf8')).not.toContain(token);

		for (const again of [await fetch(url), await post(url, `proof=${encodeURIComponent(proof)}`)]) {
			const text = await again.text();
			expect(again.status).toBe(410);
			expect(text).toMatch(/was revealed at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
			expect(text).not.toMatch(TOKEN_IN_TEXT);
		}
	});

	it('refuses a POST without the page\'s proof, or from another site, and uses nothing', async () => {
		const {url, linkState} = await setup();
		const proof = proofIn(await (await fetch(url)).text());
		const attempts = [
			await post(url, ''),
			await post(url, 'proof=123.forged'),
			await post(url, `proof=${encodeURIComponent(proof)}`, {'Sec-Fetch-Site': 'cross-site'}),
			await post(url, `proof=${encodeURIComponent(proof)}`, {Origin: 'https://evil.example'}),
		];
		for (const response of attempts) {
			expect(response.status).toBe(403);
			expect(await response.text()).not.toMatch(TOKEN_IN_TEXT);
		}
		expect(linkState().used).toBeUndefined();
	});

	it('sends no-store, no-referrer and a strict Content-Security-Policy on every response', async () => {
		const {url, base} = await setup();
		for (const target of [url, `${base}/nope`, `${base}/assets/share.css`, `${base}/assets/copy.js`]) {
			const response = await fetch(target);
			expect(response.headers.get('cache-control')).toBe('no-store');
			expect(response.headers.get('referrer-policy')).toBe('no-referrer');
			expect(response.headers.get('content-security-policy')).toBe(
				"default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			);
			expect(response.headers.get('x-frame-options')).toBe('DENY');
		}
		const html = await (await fetch(url)).text();
		expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
		expect(html).not.toMatch(/<script>|style="/);
	});

	it('answers unknown links and bad paths with 404, other methods with 405, and bounds sizes', async () => {
		const {url, base} = await setup();
		const secret = url.split('/').pop()!;
		const forged = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
		expect((await fetch(`${base}/credentials/${forged}`)).status).toBe(404);
		expect(await (await fetch(`${base}/credentials/${forged}`)).text()).toContain('This link is unknown or has expired');
		for (const bad of ['/', '/credentials/', '/credentials/short', '/credentials/../etc/passwd', `/credentials/${secret}/extra`]) {
			expect((await fetch(base + bad)).status, bad).toBe(404);
		}
		expect((await fetch(url, {method: 'PUT'})).status).toBe(405);
		expect((await fetch(`${base}/${'x'.repeat(600)}`)).status).toBe(414);
		expect((await post(url, `proof=${'x'.repeat(10_000)}`)).status).toBe(413);
		const huge = await new Promise<number>(resolve => {
			const req = request(url, {headers: {'X-Filler': 'y'.repeat(20_000)}}, res => resolve(res.statusCode ?? 0));
			req.on('error', () => resolve(-1));
			req.end();
		});
		expect([431, -1]).toContain(huge);
	});
});
