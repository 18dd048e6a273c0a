import {describe, expect, it} from 'vitest';
import {generateKey, renewToken, revokeLink, verifyToken, type Reveal} from '../../source/core/keys.js';
import {redeemLink} from '../../source/core/links.js';
import {HOUR} from '../../source/core/time.js';
import type {StoreData} from '../../source/core/types.js';
import {T0, context, freshStore, refusal} from '../helpers.js';

const url = (reveal: Reveal) => (reveal.kind === 'link' ? reveal.url : '');
const key = (data: StoreData, appKey: string) => data.keys.find(k => k.appKey === appKey)!;

describe('Revoke link', () => {
	it('after a renewal (old token kept): the link and the new token die, the old token is current again, and renewing works at once', () => {
		const data = freshStore();
		const generated = generateKey(data, {name: 'ERP', roles: []}, context());
		const oldToken = redeemLink(data, url(generated.reveal), context()).token;
		const renewal = renewToken(data, generated.key.appKey, 'later', context(T0 + HOUR));
		const {summary, restored} = revokeLink(data, generated.key.appKey, T0 + 2 * HOUR);
		expect(summary).toBe('unused link and its new token destroyed; old token current again');
		expect(restored).toBe(true);
		expect(key(data, generated.key.appKey).oldToken).toBeUndefined();
		expect(verifyToken(data, generated.key.appKey, oldToken).valid).toBe(true);
		expect(refusal(() => redeemLink(data, url(renewal.reveal), context(T0 + 2 * HOUR)))).toBe('this link is unknown or has expired');
		expect(() => renewToken(data, generated.key.appKey, 'later', context(T0 + 3 * HOUR))).not.toThrow();
	});

	it('after Generate: the link dies and the key has no usable token until renewed, which works at once', () => {
		const data = freshStore();
		const {key: generated, reveal} = generateKey(data, {name: 'ERP', roles: []}, context());
		const {summary, restored} = revokeLink(data, generated.appKey, T0 + HOUR);
		expect(summary).toBe('unused link and its token destroyed; no usable token until renewed');
		expect(restored).toBe(false);
		expect(refusal(() => redeemLink(data, url(reveal), context(T0 + HOUR)))).toBe('this link is unknown or has expired');
		expect(() => renewToken(data, generated.appKey, 'now', context(T0 + HOUR))).not.toThrow();
	});

	it('after Generate, then Renew with Later: the revoked token is not kept as the old one (nobody holds it)', () => {
		const data = freshStore();
		const {key: generated} = generateKey(data, {name: 'ERP', roles: []}, context());
		revokeLink(data, generated.appKey, T0 + HOUR);
		expect(key(data, generated.appKey).token.revoked).toBe(T0 + HOUR);
		const renewal = renewToken(data, generated.appKey, 'later', context(T0 + 2 * HOUR));
		expect(renewal.summary).toBe('no old token (its link was revoked)');
		expect(key(data, generated.appKey).oldToken).toBeUndefined();
		expect(key(data, generated.appKey).token.revoked).toBeUndefined();
		const token = redeemLink(data, url(renewal.reveal), context(T0 + 2 * HOUR)).token;
		expect(verifyToken(data, generated.appKey, token)).toMatchObject({valid: true, matched: 'current'});
	});

	it('is refused cleanly when the link was used, has expired, or never existed', () => {
		const data = freshStore();
		const used = generateKey(data, {name: 'used', roles: []}, context());
		redeemLink(data, url(used.reveal), context());
		expect(refusal(() => revokeLink(data, used.key.appKey, T0 + HOUR))).toBe(`${used.key.appKey} has no unused single-access link to revoke`);
		const expired = generateKey(data, {name: 'expired', roles: []}, context());
		expect(refusal(() => revokeLink(data, expired.key.appKey, T0 + 25 * HOUR))).toBe(`${expired.key.appKey} has no unused single-access link to revoke`);
		expect(refusal(() => revokeLink(data, 'appkey-acme-NOSUCH', T0))).toBe('no generated key appkey-acme-NOSUCH in this store');
	});
});
