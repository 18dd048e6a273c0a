import {describe, expect, it} from 'vitest';
import {generateKey} from '../../source/core/keys.js';
import {LINK_TTL, inspectLink, linkSecretFrom, purgeExpiredLinks, redeemLink} from '../../source/core/links.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {T0, TOKEN_IN_TEXT, context, freshStore} from '../helpers.js';

function generated() {
	const data = freshStore();
	const {key, reveal} = generateKey(data, {name: 'ERP', roles: []}, context());
	if (reveal.kind !== 'link') throw new Error('expected a link');
	return {data, key, url: reveal.url};
}

describe('single-access links', () => {
	it('reveal the token once; a second use says when the first was', () => {
		const {data, key, url} = generated();
		const {token, appKey} = redeemLink(data, url, context(T0 + 1000, 'bob'));
		expect(token).toMatch(TOKEN_IN_TEXT);
		expect(appKey).toBe(key.appKey);
		expect(() => redeemLink(data, url, context(T0 + 2000))).toThrow('this link was already used at 2026-01-15 12:00 UTC');
		expect(data.links[0]).toMatchObject({used: T0 + 1000, usedBy: 'bob'});
		expect(data.links[0]!.sealed).toBeUndefined();
	});

	it('are valid for 24 hours when unused, then refused with the time they expired', () => {
		const {data, url} = generated();
		expect(() => redeemLink(data, url, context(T0 + LINK_TTL))).toThrow('this link expired at 2026-01-16 12:00 UTC without being used');
	});

	it('are purged after 24 hours; used ones are kept until then to explain a second try', () => {
		const {data, url} = generated();
		redeemLink(data, url, context(T0 + 10));
		expect(purgeExpiredLinks(data, T0 + LINK_TTL - 1)).toBe(0);
		expect(purgeExpiredLinks(data, T0 + LINK_TTL)).toBe(1);
		expect(() => redeemLink(data, url, context(T0 + LINK_TTL))).toThrow('this link is unknown or has expired');
	});

	it('accept the bare secret or the full URL, and nothing else', () => {
		const {data, url} = generated();
		const secret = url.split('/').pop()!;
		expect(linkSecretFrom(url)).toBe(secret);
		expect(linkSecretFrom(`  ${secret}\n`)).toBe(secret);
		expect(inspectLink(data, secret, T0).state).toBe('ready');
		for (const bad of ['', 'http://x/credentials/', `${secret}x`, secret.slice(1), 'https://evil/credentials/../../etc']) {
			expect(() => linkSecretFrom(bad)).toThrow('that is not a single-access link');
		}
	});

	it('cannot be opened with a different secret of the right shape', () => {
		const {data, url} = generated();
		const secret = url.split('/').pop()!;
		const forged = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
		expect(() => redeemLink(data, forged, context())).toThrow('this link is unknown or has expired');
	});

	it('leave nothing in the store that reveals the token or the link', () => {
		const data = freshStore();
		const reveals = [];
		for (let i = 0; i < 5; i++) reveals.push(generateKey(data, {name: `k${i}`, roles: []}, context(T0, 'alice')).reveal);
		const text = serializeStore(data);
		expect(text).not.toMatch(TOKEN_IN_TEXT);
		for (const reveal of reveals) {
			if (reveal.kind !== 'link') throw new Error('expected a link');
			expect(text).not.toContain(reveal.url.split('/').pop());
			const {token} = redeemLink(data, reveal.url, context());
			expect(serializeStore(data)).not.toContain(token);
			expect(serializeStore(data)).not.toContain(token.slice(6, 30));
		}
	});
});
