import {once} from 'node:events';
import {request} from 'node:http';
import {connect, type AddressInfo, type Socket} from 'node:net';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {SHARE_LIMITS, createShareServer} from '../../source/server/share-server.js';
import {ApiKeysService} from '../../source/service.js';
import {TOKEN_IN_TEXT, tempDir} from '../helpers.js';
import {eachStore, type TestStore} from '../stores.js';

const servers: Array<{close(): void}> = [];
afterEach(() => {
	while (servers.length > 0) servers.pop()!.close();
});

/** The share page of a store with one key whose link is unused; on a file store unless one is given. */
async function setup(given?: TestStore) {
	const service = given ? await given.init() : await ApiKeysService.init(join(tempDir(), 'store.json'), 'acme', {operator: 'alice'});
	const {row, reveal} = await service.generate({name: 'Web <shop>', roles: ['OMS - Read only']});
	if (reveal.kind !== 'link') throw new Error('expected a link');
	const server = createShareServer({service});
	servers.push({close: () => server.close()});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const path = new URL(reveal.url).pathname;
	return {service, base, url: base + path, appKey: row.appKey};
}

const proofIn = (html: string) => /name="proof" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function post(url: string, body: string, headers: Record<string, string> = {}) {
	return fetch(url, {method: 'POST', body, headers: {'Content-Type': 'application/x-www-form-urlencoded', ...headers}, redirect: 'manual'});
}

/** A request with any Host header (fetch() does not let one set it). */
function raw(url: string, options: {method?: string; headers?: Record<string, string>; body?: string} = {}) {
	return new Promise<{status: number; text: string}>((resolve, reject) => {
		const req = request(url, {method: options.method ?? 'GET', headers: options.headers, agent: false}, response => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', chunk => (text += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, text}));
		});
		req.on('error', reject);
		req.end(options.body);
	});
}

const form = {'Content-Type': 'application/x-www-form-urlencoded'};

/** A raw connection and all it received, with a promise for the server closing it. */
function connection(base: string) {
	const {hostname, port} = new URL(base);
	const socket: Socket = connect(Number(port), hostname);
	const state = {received: '', closed: once(socket, 'close').then(() => undefined)};
	socket.setEncoding('utf8');
	socket.on('data', chunk => (state.received += chunk));
	socket.on('error', () => undefined);
	return Object.assign(state, {socket});
}

eachStore('the share page', stores => {
	/** The unused link's state as the store holds it now. */
	let store: TestStore;
	const linkState = async () => (await (await store.open('alice')).snapshot()).links[0] as {used?: number; sealed?: string};
	beforeEach(async () => {
		store = await stores.fresh();
	});

	it('GET shows which key the link is for and a Reveal button, with no token and nothing consumed', async () => {
		const {url, appKey} = await setup(store);
		const response = await fetch(url);
		const html = await response.text();
		expect(response.status).toBe(200);
		expect(html).toContain(`<code>${appKey}</code> (Web &lt;shop&gt;)`);
		expect(html).toContain('<button type="submit" id="reveal">Reveal token</button>');
		expect(html).not.toMatch(TOKEN_IN_TEXT);
		expect((await linkState()).used).toBeUndefined();
	});

	it('HEAD and GET from previewers, unfurlers and scanners consume nothing', async () => {
		const {url} = await setup(store);
		for (const agent of ['Slackbot-LinkExpanding 1.0', 'Twitterbot/1.0', 'Microsoft Office/16.0', 'curl/8.0', 'Mozilla/5.0 (compatible; Googlebot/2.1)']) {
			expect((await fetch(url, {headers: {'User-Agent': agent}})).status).toBe(200);
			expect((await fetch(url, {method: 'HEAD', headers: {'User-Agent': agent}})).status).toBe(200);
		}
		expect((await linkState()).used).toBeUndefined();
		expect((await linkState()).sealed).toBeDefined();
	});

	it('only the POST of the page\'s own button reveals the token, once', async () => {
		const {url, service, appKey} = await setup(store);
		const proof = proofIn(await (await fetch(url)).text());
		// What a browser sends with the page's form (Referrer-Policy: same-origin lets it name the page's origin).
		const revealed = await post(url, `proof=${encodeURIComponent(proof)}`, {'Sec-Fetch-Site': 'same-origin', Origin: new URL(url).origin});
		const html = await revealed.text();
		expect(revealed.status).toBe(200);
		const token = html.match(TOKEN_IN_TEXT)![0];
		expect(html).toContain('<button type="button" id="copy">Copy</button>');
		expect((await service.verify(appKey, token)).valid).toBe(true);
		expect((await linkState()).used).toBeDefined();
		expect(await store.contents()).not.toContain(token);

		for (const again of [await fetch(url), await post(url, `proof=${encodeURIComponent(proof)}`)]) {
			const text = await again.text();
			expect(again.status).toBe(410);
			expect(text).toMatch(/was revealed at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
			expect(text).not.toMatch(TOKEN_IN_TEXT);
		}
	});

	it('refuses a POST without the page\'s proof, or from another site, and uses nothing', async () => {
		const {url} = await setup(store);
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
		expect((await linkState()).used).toBeUndefined();
	});

	it('serves the share base URL\'s host, as the setting now says, and reveals only to that origin', async () => {
		const {url, service, appKey} = await setup(store);
		await service.updateSettings({shareBaseUrl: 'https://keys.example.com'});
		const proof = proofIn((await raw(url, {headers: {Host: 'keys.example.com'}})).text);
		expect(proof).not.toBe('');
		expect((await raw(url, {headers: {Host: 'keys.example.com:8080'}})).status).toBe(421);
		const reveal = (origin: string) =>
			raw(url, {method: 'POST', headers: {...form, Host: 'keys.example.com', Origin: origin}, body: `proof=${encodeURIComponent(proof)}`});
		for (const origin of ['http://keys.example.com', 'https://keys.example.com:8443', 'https://evil.example']) {
			expect((await reveal(origin)).status, origin).toBe(403);
		}
		expect((await linkState()).used).toBeUndefined();
		const revealed = await reveal('https://keys.example.com');
		expect(revealed.status).toBe(200);
		expect((await service.verify(appKey, revealed.text.match(TOKEN_IN_TEXT)![0])).valid).toBe(true);
	});
});

describe('the share page over HTTP', () => {
	it('sends no-store, no referrer to other sites and a strict Content-Security-Policy on every response', async () => {
		const {url, base} = await setup();
		for (const target of [url, `${base}/nope`, `${base}/assets/share.css`, `${base}/assets/copy.js`]) {
			const response = await fetch(target);
			expect(response.headers.get('cache-control')).toBe('no-store');
			expect(response.headers.get('referrer-policy')).toBe('same-origin');
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
		expect((await post(url, `proof=${'x'.repeat(10_000)}`, {Origin: base})).status).toBe(413);
		const huge = await new Promise<number>(resolve => {
			const req = request(url, {headers: {'X-Filler': 'y'.repeat(20_000)}}, res => resolve(res.statusCode ?? 0));
			req.on('error', () => resolve(-1));
			req.end();
		});
		expect([431, -1]).toContain(huge);
	});

	it('refuses with 421 a host name it does not serve (DNS rebinding), and the link stays unused', async () => {
		const {url, base, service} = await setup();
		const {port} = new URL(base);
		const proof = proofIn(await (await fetch(url)).text());
		for (const host of [`rebind.attacker.example:${port}`, 'rebind.attacker.example', `127.0.0.2:${port}`, `localhost.evil.example:${port}`]) {
			expect((await raw(url, {headers: {Host: host}})).status, host).toBe(421);
			expect((await raw(`${base}/assets/share.css`, {headers: {Host: host}})).status, host).toBe(421);
			const posted = await raw(url, {method: 'POST', headers: {...form, Host: host, Origin: `http://${host}`}, body: `proof=${encodeURIComponent(proof)}`});
			expect(posted.status, host).toBe(421);
			expect(posted.text).not.toMatch(TOKEN_IN_TEXT);
		}
		expect((await service.snapshot()).links[0]!.used).toBeUndefined();
		// This machine's own names, on any port (ssh -L may forward from another one).
		for (const host of [`127.0.0.1:${port}`, '127.0.0.1', 'localhost:9000', 'LOCALHOST', `[::1]:${port}`]) {
			expect((await raw(url, {headers: {Host: host}})).status, host).toBe(200);
		}
	});

	it('reveals only to a POST whose Origin is the page\'s own: not another scheme or port, not "null", not none', async () => {
		const {url, base, service} = await setup();
		const proof = proofIn(await (await fetch(url)).text());
		const body = `proof=${encodeURIComponent(proof)}`;
		const {port} = new URL(base);
		const attempts = {
			'other scheme': await raw(url, {method: 'POST', headers: {...form, Origin: `https://127.0.0.1:${port}`}, body}),
			'other port': await raw(url, {method: 'POST', headers: {...form, Origin: `http://127.0.0.1:${Number(port) + 1}`}, body}),
			'other loopback name': await raw(url, {method: 'POST', headers: {...form, Origin: `http://localhost:${port}`}, body}),
			'opaque origin': await raw(url, {method: 'POST', headers: {...form, Origin: 'null'}, body}),
			'no Origin (curl)': await raw(url, {method: 'POST', headers: form, body}),
		};
		for (const [what, response] of Object.entries(attempts)) {
			expect(response.status, what).toBe(403);
			expect(response.text, what).toContain('The token was not revealed');
			expect(response.text).not.toMatch(TOKEN_IN_TEXT);
		}
		expect((await service.snapshot()).links[0]!.used).toBeUndefined();
		expect((await raw(url, {method: 'POST', headers: {...form, Origin: base}, body})).text).toMatch(TOKEN_IN_TEXT);
	});

	it('closes a connection that sends its headers slowly (slowloris) once the headers timeout is past', async () => {
		const {base} = await setup();
		const slow = connection(base);
		slow.socket.write('GET /assets/share.css HTTP/1.1\r\nHost: 127.0.0.1\r\n');
		const drip = setInterval(() => slow.socket.write(`X-Drip: ${Date.now()}\r\n`), 250);
		// Generous: the timeout, Node's next check of it, and slack for a loaded machine; Node's default check came 30 s late.
		const bound = SHARE_LIMITS.headersTimeout + SHARE_LIMITS.checkInterval + 4_000;
		let timer: NodeJS.Timeout | undefined;
		const verdict = await Promise.race([
			slow.closed.then(() => 'closed by the server'),
			new Promise<string>(resolve => (timer = setTimeout(resolve, bound, 'still open'))),
		]);
		clearTimeout(timer);
		clearInterval(drip);
		slow.socket.destroy();
		expect(verdict).toBe('closed by the server');
		expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
	});

	it(`refuses connections beyond ${SHARE_LIMITS.maxConnections} open ones`, async () => {
		const {base} = await setup();
		const open = Array.from({length: SHARE_LIMITS.maxConnections}, () => connection(base));
		const served = (conn: ReturnType<typeof connection>) =>
			new Promise<void>(resolve => {
				const check = () => conn.received.includes('\r\n\r\n') && resolve();
				conn.socket.on('data', check);
				conn.socket.write('GET /assets/share.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
			});
		// Each one held open by keep-alive after its answer.
		await Promise.all(open.map(served));
		for (const conn of open) expect(conn.received).toMatch(/^HTTP\/1\.1 200 /);
		const extra = connection(base);
		extra.socket.write('GET /assets/share.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
		await extra.closed;
		expect(extra.received).toBe('');
		for (const conn of open) conn.socket.destroy();
	});
});
