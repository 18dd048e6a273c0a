import {randomBytes} from 'node:crypto';
import {renameSync} from 'node:fs';
import {Agent} from 'node:http';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {mintToken, tokenDigest} from '../../source/core/token.js';
import {TOKEN_IN_TEXT, runCli} from '../helpers.js';
import {call, startVerifyServer, storeWithKeys, until, verifyAs, type Keys, type RunningServer} from './helpers.js';

/** A token of the right shape and checksum that no key has. */
const unknownToken = () => mintToken(randomBytes(32));

describe('apikeys verify-server on a store file', () => {
	let keys: Keys;
	let server: RunningServer;
	let oldToken: string;
	let newToken: string;
	beforeAll(async () => {
		keys = await storeWithKeys();
		oldToken = keys.erp.token;
		const renewed = await runCli(['renew', keys.erp.appKey, '--delete-old', 'later', '--json'], keys.cli);
		newToken = JSON.parse(renewed.stdout).token;
		server = await startVerifyServer(keys.store);
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
	});

	it('answers each code: VALID (current and old token), MALFORMED, NOT_FOUND, INSUFFICIENT_ROLES', async () => {
		const as = (body: object) => verifyAs(server.url, keys.gateway.token, body);
		const current = await as({token: newToken});
		expect(current.status).toBe(200);
		expect(current.json).toEqual({valid: true, code: 'VALID', appKey: keys.erp.appKey, name: 'ERP', roles: ['OMS - Read only'], tokenState: 'current'});
		expect((await as({token: oldToken, appKey: keys.erp.appKey})).json).toEqual({valid: true, code: 'VALID', appKey: keys.erp.appKey, name: 'ERP', roles: ['OMS - Read only'], tokenState: 'old'});
		expect((await as({token: newToken, roles: ['oms - read only']})).json).toMatchObject({valid: true, code: 'VALID'});

		expect((await as({token: 'hello'})).json).toEqual({valid: false, code: 'MALFORMED'});
		const typo = newToken.slice(0, 20) + (newToken[20] === 'a' ? 'b' : 'a') + newToken.slice(21);
		expect((await as({token: typo})).json).toEqual({valid: false, code: 'MALFORMED'});
		expect((await as({token: unknownToken()})).json).toEqual({valid: false, code: 'NOT_FOUND'});
		// Another key's token answers as an unknown one: nobody learns that it exists.
		expect((await as({token: newToken, appKey: keys.checkout.appKey})).json).toEqual({valid: false, code: 'NOT_FOUND'});
		expect((await as({token: newToken, appKey: 'appkey-acme-NOSUCH'})).json).toEqual({valid: false, code: 'NOT_FOUND'});
		expect((await as({token: newToken, roles: ['OMS - Read only', 'Checkout Admin']})).json).toEqual({valid: false, code: 'INSUFFICIENT_ROLES'});
	});

	it('refuses callers without a key holding Verify API tokens with 401 and no detail; bad requests with a one-line error', async () => {
		const body = JSON.stringify({token: newToken});
		for (const headers of [{} as Record<string, string>, {Authorization: 'Basic abc'}, {Authorization: `Bearer ${unknownToken()}`}, {Authorization: `Bearer ${keys.checkout.token}`}, {Authorization: 'Bearer'}]) {
			const answer = await call(server.url, {body, headers});
			expect(answer).toMatchObject({status: 401, text: ''});
			expect(answer.headers['www-authenticate']).toBe('Bearer');
		}
		const auth = {Authorization: `Bearer ${keys.gateway.token}`};
		expect(await call(server.url, {body: 'not json', headers: auth})).toMatchObject({status: 400, text: expect.stringContaining('"error":"the body is not JSON')});
		expect((await call(server.url, {body: '{"token": 5}', headers: auth})).status).toBe(400);
		expect((await call(server.url, {body: '{"token": "x", "roles": "OMS"}', headers: auth})).status).toBe(400);
		expect((await call(server.url, {body: '[]', headers: auth})).status).toBe(400);
		const big = await call(server.url, {body: JSON.stringify({token: 'x'.repeat(10_000)}), headers: auth});
		expect(big.status).toBe(413);
		expect((await call(server.url, {method: 'GET', headers: auth})).status).toBe(405);
		expect((await call(server.url, {path: '/v2/verify', body, headers: auth})).status).toBe(404);
		// A name this server was not told it answers to is what DNS rebinding sends.
		expect((await call(server.url, {path: '/healthz', headers: {Host: 'attacker.example'}})).status).toBe(421);
		expect(await call(server.url, {path: '/healthz', headers: {Host: 'localhost:9'}})).toMatchObject({status: 200, text: expect.stringContaining('"status":"current"')});
	});

	it('judges each request on a keep-alive connection by its own Authorization header', async () => {
		const one = new Agent({keepAlive: true, maxSockets: 1});
		try {
			const as = (caller: string) => call(server.url, {body: JSON.stringify({token: newToken}), headers: {Authorization: `Bearer ${caller}`}, agent: one});
			const answers = [];
			for (const caller of [keys.gateway.token, keys.checkout.token, keys.gateway.token, unknownToken(), keys.gateway.token]) answers.push(await as(caller));
			expect(answers.map(answer => answer.status)).toEqual([200, 401, 200, 401, 200]);
			expect(new Set(answers.map(answer => answer.localPort)).size).toBe(1);
			expect((await runCli(['deactivate', keys.gateway.appKey, '--yes'], keys.cli)).code).toBe(0);
			try {
				const refused = await until(() => as(keys.gateway.token), answer => answer.status === 401, 1000, '401 on the same connection once the caller is deactivated');
				expect(refused.localPort).toBe(answers[0]!.localPort);
			} finally {
				// The later tests call as the gateway.
				expect((await runCli(['activate', keys.gateway.appKey], keys.cli)).code).toBe(0);
			}
			await until(() => as(keys.gateway.token), answer => answer.status === 200, 1000, 'the caller back');
		} finally {
			one.destroy();
		}
	});

	it('sees a deactivation within a second, of a verified key (INACTIVE) and of the caller itself (401)', async () => {
		const as = () => verifyAs(server.url, keys.gateway.token, {token: keys.checkout.token});
		expect((await as()).json).toMatchObject({valid: true});
		expect((await runCli(['deactivate', keys.checkout.appKey, '--yes'], keys.cli)).code).toBe(0);
		await until(as, answer => answer.json.code === 'INACTIVE', 1000, 'INACTIVE after deactivate');
		expect((await runCli(['activate', keys.checkout.appKey], keys.cli)).code).toBe(0);
		await until(as, answer => answer.json.code === 'VALID', 1000, 'VALID after activate');

		expect((await runCli(['deactivate', keys.gateway.appKey, '--yes'], keys.cli)).code).toBe(0);
		await until(as, answer => answer.status === 401, 1000, '401 once the caller is deactivated');
		expect((await runCli(['activate', keys.gateway.appKey], keys.cli)).code).toBe(0);
		await until(as, answer => answer.status === 200, 1000, 'the caller back');
	});

	it('records "last used" of the verified key and of the caller, in a batch after the answers', async () => {
		await verifyAs(server.url, keys.gateway.token, {token: newToken});
		const lastUsed = async () => {
			const rows = JSON.parse((await runCli(['list', '--json'], keys.cli)).stdout) as Array<{appKey: string; lastUsed: string | null}>;
			return Object.fromEntries(rows.map(row => [row.appKey, row.lastUsed]));
		};
		const seen = await until(lastUsed, used => used[keys.erp.appKey] !== null && used[keys.gateway.appKey] !== null, 15_000, 'last used written');
		expect(seen[keys.checkout.appKey]).not.toBeUndefined();
	});

	it('never logs or answers a token or a digest', () => {
		const said = server.stdout() + server.stderr();
		expect(said).not.toMatch(TOKEN_IN_TEXT);
		for (const token of [keys.gateway.token, keys.erp.token, keys.checkout.token, newToken]) expect(said).not.toContain(tokenDigest(token));
	});
});

describe('failed verifications are limited', () => {
	it('per calling key and per address: then even a valid token is answered 429 with Retry-After', async () => {
		const keys = await storeWithKeys();
		const server = await startVerifyServer(keys.store, ['--failures-per-key', '3', '--failures-per-address', '1000']);
		try {
			for (let i = 0; i < 3; i++) expect((await verifyAs(server.url, keys.gateway.token, {token: unknownToken()})).json.code).toBe('NOT_FOUND');
			const limited = await verifyAs(server.url, keys.gateway.token, {token: keys.erp.token});
			expect(limited.status).toBe(429);
			expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
			expect(server.stderr()).toBe('');
		} finally {
			await server.stop();
		}
		const byAddress = await startVerifyServer(keys.store, ['--failures-per-address', '2']);
		try {
			for (let i = 0; i < 2; i++) expect((await call(byAddress.url, {body: '{}', headers: {Authorization: `Bearer ${unknownToken()}`}})).status).toBe(401);
			const limited = await verifyAs(byAddress.url, keys.gateway.token, {token: keys.erp.token});
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('30');
		} finally {
			await byAddress.stop();
		}
	});
});

describe('a store file that goes away', () => {
	it('is answered from memory within the stale bound, then 503 (healthz too), and again once it is back', async () => {
		const keys = await storeWithKeys();
		const server = await startVerifyServer(keys.store, ['--stale-after', '3']);
		try {
			const as = () => verifyAs(server.url, keys.gateway.token, {token: keys.erp.token});
			const health = () => call(server.url, {path: '/healthz'});
			renameSync(keys.store, `${keys.store}.away`);
			await until(health, answer => answer.text.includes('"status":"stale"'), 3000, 'healthz says stale');
			expect((await as()).json).toMatchObject({valid: true, code: 'VALID'});
			const closed = await until(as, answer => answer.status === 503, 10_000, '503 past the stale bound');
			expect(closed.headers['retry-after']).toBe('5');
			expect((await health()).status).toBe(503);
			expect(server.stderr()).toMatch(/^apikeys: verify-server: the store is out of reach \(store .+ was deleted or moved since it was read\); answering from the keys read at .+ for up to 3 s, then refusing with 503\n$/);

			renameSync(`${keys.store}.away`, keys.store);
			await until(as, answer => answer.status === 200, 3000, 'answers again');
			expect(server.stderr()).toContain('the store can be reached again');
		} finally {
			await server.stop();
		}
	});
});

describe('verify-server usage', () => {
	it('refuses bad flags in one line with exit 2, before opening the store', async () => {
		for (const [args, message] of [
			[['--stale-after', 'soon'], '--stale-after is how many seconds the server answers from memory while the store is out of reach, a whole number from 0 to 86400'],
			[['--failures-per-key', '-1'], '--failures-per-key needs a value (one that starts with "-" is written --failures-per-key=VALUE)'],
			[['--host-name', 'verify.example.com,a b'], '--host-name takes host names separated by commas (like verify.internal), not "a b"'],
			[['--socket', '/tmp/x.sock', '--port', '1'], '--socket replaces --host and --port: give one or the other'],
		] as const) {
			expect(await runCli(['verify-server', ...args], {store: '/nonexistent/store.json'})).toEqual({code: 2, stdout: '', stderr: `apikeys: ${message}\n`});
		}
	});
});
