import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {mintToken} from '../../source/core/token.js';
import {TOKEN_IN_TEXT, runCli} from '../helpers.js';
import {call, startVerifyServer, storeWithKeys} from './helpers.js';

const REQUESTS = 10_000;
const IN_FLIGHT = 16;

describe('verify-server under 10 000 mixed requests', () => {
	it('gives 0 wrong answers (5% wrong tokens, malformed and oversized bodies among them) and still serves afterwards', async () => {
		const keys = await storeWithKeys();
		expect((await runCli(['deactivate', keys.checkout.appKey, '--yes'], keys.cli)).code).toBe(0);
		const server = await startVerifyServer(keys.store, ['--failures-per-key', '0', '--failures-per-address', '0']);
		const auth = {Authorization: `Bearer ${keys.gateway.token}`};
		const valid = (key: typeof keys.erp, name: string, roles: string[]) => ({status: 200, text: JSON.stringify({valid: true, code: 'VALID', appKey: key.appKey, name, roles, tokenState: 'current'})});
		const refused = (code: string) => ({status: 200, text: JSON.stringify({valid: false, code})});
		/** The i-th request and the answer it must get. */
		const request = (i: number): {body: string; expected: {status: number; text?: string}} => {
			const kind = i % 100;
			if (kind < 5) return {body: JSON.stringify({token: mintToken(randomBytes(32))}), expected: refused('NOT_FOUND')};
			if (kind === 5) return {body: '{"token": "apikt_', expected: {status: 400}};
			if (kind === 6) return {body: JSON.stringify({token: 'x'.repeat(9000)}), expected: {status: 413}};
			if (kind === 7) return {body: JSON.stringify({token: keys.erp.token.slice(0, -1)}), expected: refused('MALFORMED')};
			if (kind === 8) return {body: JSON.stringify({token: keys.erp.token, appKey: keys.gateway.appKey}), expected: refused('NOT_FOUND')};
			if (kind === 9) return {body: JSON.stringify({token: keys.checkout.token}), expected: refused('INACTIVE')};
			if (kind === 10) return {body: JSON.stringify({token: keys.erp.token, roles: ['Checkout Admin']}), expected: refused('INSUFFICIENT_ROLES')};
			if (kind % 2 === 0) return {body: JSON.stringify({token: keys.erp.token, appKey: keys.erp.appKey, roles: ['OMS - Read only']}), expected: valid(keys.erp, 'ERP', ['OMS - Read only'])};
			return {body: JSON.stringify({token: keys.gateway.token}), expected: valid(keys.gateway, 'Gateway', ['Key verifier'])};
		};
		try {
			const wrong: string[] = [];
			const counts = new Map<number, number>();
			let next = 0;
			const worker = async () => {
				while (next < REQUESTS) {
					const i = next++;
					const {body, expected} = request(i);
					const answer = await call(server.url, {body, headers: auth});
					counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
					if (answer.status !== expected.status || (expected.text !== undefined && answer.text !== expected.text)) wrong.push(`#${i}: ${answer.status} ${answer.text}`);
					if (TOKEN_IN_TEXT.test(answer.text)) wrong.push(`#${i}: a token in the answer`);
				}
			};
			await Promise.all(Array.from({length: IN_FLIGHT}, worker));
			expect(wrong).toEqual([]);
			expect(counts.get(200)).toBe(REQUESTS * 0.98);
			expect(counts.get(400)).toBe(REQUESTS / 100);
			expect(counts.get(413)).toBe(REQUESTS / 100);
			// Still serving.
			expect((await call(server.url, {path: '/healthz'})).status).toBe(200);
			expect((await call(server.url, {body: JSON.stringify({token: keys.erp.token}), headers: auth})).text).toContain('"code":"VALID"');
			expect(server.stderr()).toBe('');
		} finally {
			expect(await server.stop()).toBe(0);
		}
	});
});
