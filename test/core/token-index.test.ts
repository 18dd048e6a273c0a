import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {deactivateKey, deleteOldToken, generateKey, renewToken, undoRenewal, verifyToken, type Reveal} from '../../source/core/keys.js';
import {redeemLink} from '../../source/core/links.js';
import {TokenIndex} from '../../source/core/token-index.js';
import type {StoreData} from '../../source/core/types.js';
import {T0, context, freshStore} from '../helpers.js';

const ctx = context();
const tokenOf = (data: StoreData, reveal: Reveal): string => (reveal.kind === 'token' ? reveal.token : redeemLink(data, reveal.url, ctx).token);

/** A token with one character changed: same shape, checksum broken. */
const typo = (token: string) => token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);

describe('TokenIndex', () => {
	it('answers current, old, inactive, another key, unknown key, typo and malformed as verifyToken does', () => {
		const data = freshStore();
		const erp = generateKey(data, {name: 'ERP', roles: ['OMS - Full access']}, ctx);
		const erpOld = tokenOf(data, erp.reveal);
		const erpNew = tokenOf(data, renewToken(data, erp.key.appKey, 'later', ctx).reveal);
		const bi = generateKey(data, {name: 'BI', roles: []}, ctx);
		const biToken = tokenOf(data, bi.reveal);
		deactivateKey(data, bi.key.appKey);
		const index = new TokenIndex(data);
		const checks: Array<[string, string, object]> = [
			[erp.key.appKey, erpNew, {valid: true, matched: 'current', roles: ['OMS - Full access']}],
			[erp.key.appKey, erpOld, {valid: true, matched: 'old'}],
			[bi.key.appKey, biToken, {valid: false, reason: `${bi.key.appKey} is inactive`}],
			[erp.key.appKey, biToken, {valid: false, reason: 'the token does not match this key'}],
			['appkey-acme-ZZZZZZ', erpNew, {valid: false, reason: 'no generated key appkey-acme-ZZZZZZ'}],
			[erp.key.appKey, typo(erpNew), {valid: false, reason: 'the token checksum does not match (a typo?)'}],
			[erp.key.appKey, 'hunter2', {valid: false, reason: 'that is not an apikeys token'}],
		];
		for (const [appKey, token, expected] of checks) {
			expect(index.verify(appKey, token)).toMatchObject(expected);
			expect(index.verify(appKey, token)).toEqual(verifyToken(data, appKey, token));
		}
	});

	it('agrees with verifyToken on every token after any sequence of renewals, undos, deletions and deactivations', () => {
		const step = fc.record({key: fc.nat(3), action: fc.constantFrom('renew-later', 'renew-now', 'undo', 'delete-old', 'deactivate')});
		fc.assert(
			fc.property(fc.array(step, {maxLength: 12}), steps => {
				const data = freshStore();
				const tokens: Array<[string, string]> = [];
				const appKeys = [0, 1, 2, 3].map(i => {
					const {key, reveal} = generateKey(data, {name: `Key ${i}`, roles: []}, context(T0 + i));
					tokens.push([key.appKey, tokenOf(data, reveal)]);
					return key.appKey;
				});
				for (const {key, action} of steps) {
					const appKey = appKeys[key]!;
					try {
						if (action === 'renew-later' || action === 'renew-now') {
							tokens.push([appKey, tokenOf(data, renewToken(data, appKey, action === 'renew-now' ? 'now' : 'later', ctx).reveal)]);
						} else if (action === 'undo') undoRenewal(data, appKey);
						else if (action === 'delete-old') deleteOldToken(data, appKey);
						else deactivateKey(data, appKey);
					} catch {
						// A refused step (no renewal to undo, a pending link) changes nothing; the walk goes on.
					}
				}
				const index = new TokenIndex(data);
				for (const appKey of appKeys) {
					for (const [, token] of tokens) {
						expect(index.verify(appKey, token)).toEqual(verifyToken(data, appKey, token));
						expect(index.verify(appKey, typo(token))).toEqual(verifyToken(data, appKey, typo(token)));
					}
				}
			}),
			{numRuns: 60},
		);
	});
});
