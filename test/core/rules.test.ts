import {describe, expect, it} from 'vitest';
import {
	activateKey,
	deactivateKey,
	deleteKey,
	deleteOldToken,
	editKey,
	generateKey,
	renewToken,
	undoRenewal,
	verifyToken,
	type Reveal,
} from '../../source/core/keys.js';
import {LINK_TTL, redeemLink} from '../../source/core/links.js';
import {HOUR} from '../../source/core/time.js';
import type {StoreData} from '../../source/core/types.js';
import {T0, context, freshStore, refusal} from '../helpers.js';

const ctx = context();

function tokenOf(data: StoreData, reveal: Reveal, now = T0): string {
	if (reveal.kind === 'token') return reveal.token;
	return redeemLink(data, reveal.url, context(now)).token;
}

function withKey(roles: string[] = ['OMS - Full access']) {
	const data = freshStore();
	const {key, reveal} = generateKey(data, {name: 'ERP', roles}, ctx);
	const token = tokenOf(data, reveal);
	return {data, key, token};
}


describe('Generate', () => {
	it('makes an active key with appkey-{account}-{6 letters}, the chosen roles, and a link', () => {
		const data = freshStore();
		const {key, reveal} = generateKey(data, {name: '  ERP  ', roles: ['oms - full access']}, ctx);
		expect(key.appKey).toMatch(/^appkey-acme-[A-Z]{6}$/);
		expect(key).toMatchObject({name: 'ERP', roles: ['OMS - Full access'], active: true, created: T0, createdBy: 'alice'});
		expect(reveal.kind).toBe('link');
		expect(reveal.kind === 'link' && reveal.url).toMatch(/^http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}$/);
		expect(reveal.kind === 'link' && reveal.expires).toBe(T0 + LINK_TTL);
		expect(data.keys).toHaveLength(1);
	});

	it('preselects no role and accepts none', () => {
		const data = freshStore();
		expect(generateKey(data, {name: 'bare', roles: []}, ctx).key.roles).toEqual([]);
	});

	it('reveals the token directly when reveal is direct, and stores no link', () => {
		const data = freshStore();
		data.settings.reveal = 'direct';
		const {reveal} = generateKey(data, {name: 'ERP', roles: []}, ctx);
		expect(reveal.kind).toBe('token');
		expect(data.links).toEqual([]);
	});

	it.each([
		['', 'a key name is required'],
		['   ', 'a key name is required'],
		['x'.repeat(101), 'at most 100 characters'],
		['evil\u001b]0;owned\u0007', 'cannot contain U+001B'],
		['abc\u202edcba', 'cannot contain U+202E'],
		['zero\u200bwidth', 'cannot contain U+200B'],
	])('refuses the name %j', (name, message) => {
		const data = freshStore();
		expect(refusal(() => generateKey(data, {name, roles: []}, ctx))).toContain(message);
		expect(data.keys).toEqual([]);
	});

	it('accepts 100 characters, CJK and emoji in a name', () => {
		const data = freshStore();
		expect(generateKey(data, {name: '鍵'.repeat(99) + '🔑', roles: []}, ctx).key.name).toHaveLength(101);
	});

	it('refuses an unknown role and changes nothing', () => {
		const data = freshStore();
		expect(refusal(() => generateKey(data, {name: 'x', roles: ['Root of all']}, ctx))).toBe(
			'unknown role "Root of all": see apikeys roles list',
		);
		expect(data.keys).toEqual([]);
	});

	it('names the roles that hold what was typed, and grants none of them', () => {
		const data = freshStore();
		expect(refusal(() => generateKey(data, {name: 'x', roles: ['owner']}, ctx))).toBe(
			'unknown role "owner" (did you mean "Owner (Admin Super)"?): see apikeys roles list',
		);
		expect(refusal(() => generateKey(data, {name: 'x', roles: ['Checkout']}, ctx))).toBe(
			'unknown role "Checkout" (did you mean "Checkout Admin"?): see apikeys roles list',
		);
		expect(refusal(() => generateKey(data, {name: 'x', roles: ['read only']}, ctx))).toBe('unknown role "read only" (5 roles contain "read only"): see apikeys roles list');
		// Two letters are too few to suggest from.
		expect(refusal(() => generateKey(data, {name: 'x', roles: ['Ow']}, ctx))).toBe('unknown role "Ow": see apikeys roles list');
		expect(data.keys).toEqual([]);
	});

	it('gives every key a distinct appKey', () => {
		const data = freshStore();
		for (let i = 0; i < 300; i++) generateKey(data, {name: `k${i}`, roles: []}, context(T0, 'alice'));
		expect(new Set(data.keys.map(k => k.appKey)).size).toBe(300);
	});
});

describe('Edit, Deactivate, Activate', () => {
	it('edit changes roles and the Active flag and describes the change', () => {
		const {data, key} = withKey();
		const edited = editKey(data, key.appKey, {roles: ['OMS - Read only', 'Checkout Admin'], active: false});
		expect(edited.summary).toBe('roles: OMS - Full access → OMS - Read only, Checkout Admin; status: Active → Inactive');
		expect(edited.key).toMatchObject({roles: ['OMS - Read only', 'Checkout Admin'], active: false});
		// Keys are replaced, never changed in place: the old object still says what it was.
		expect(key).toMatchObject({roles: ['OMS - Full access'], active: true});
		expect(data.keys).toEqual([edited.key]);
	});

	it('edit adds and removes roles by name, in any case, and refuses removing a role the key does not hold', () => {
		const {data, key} = withKey();
		const added = editKey(data, key.appKey, {addRoles: ['checkout admin', 'OMS - Full access']});
		expect(added).toMatchObject({key: {roles: ['OMS - Full access', 'Checkout Admin']}, summary: 'roles: OMS - Full access → OMS - Full access, Checkout Admin'});
		expect(editKey(data, key.appKey, {removeRoles: ['oms - full access']}).summary).toBe('roles: OMS - Full access, Checkout Admin → Checkout Admin');
		expect(refusal(() => editKey(data, key.appKey, {removeRoles: ['Payments Notifier']}))).toBe(`${key.appKey} does not hold the role "Payments Notifier"`);
		expect(editKey(data, key.appKey, {roles: [], addRoles: ['Payments Notifier']}).summary).toBe('roles: Checkout Admin → Payments Notifier');
	});

	it('deactivate and activate say what changed', () => {
		const {data, key} = withKey();
		expect(deactivateKey(data, key.appKey).summary).toBe('status: Active → Inactive');
		expect(activateKey(data, key.appKey).summary).toBe('status: Inactive → Active');
	});

	it('edit with nothing different reports no change', () => {
		const {data, key} = withKey();
		expect(editKey(data, key.appKey, {roles: ['OMS - Full access'], active: true}).summary).toBeNull();
	});

	it('deactivate needs an active key; an inactive key fails every verification', () => {
		const {data, key, token} = withKey();
		deactivateKey(data, key.appKey);
		expect(refusal(() => deactivateKey(data, key.appKey))).toBe(`${key.appKey} is already inactive`);
		expect(verifyToken(data, key.appKey, token)).toEqual({valid: false, appKey: key.appKey, reason: `${key.appKey} is inactive`});
	});

	it('activate needs an inactive key and restores verification', () => {
		const {data, key, token} = withKey();
		expect(refusal(() => activateKey(data, key.appKey))).toBe(`${key.appKey} is already active`);
		deactivateKey(data, key.appKey);
		activateKey(data, key.appKey);
		expect(verifyToken(data, key.appKey, token).valid).toBe(true);
	});

	it('refuses an unknown appKey', () => {
		const data = freshStore();
		expect(refusal(() => deactivateKey(data, 'appkey-acme-NOSUCH'))).toBe('no generated key appkey-acme-NOSUCH in this store');
	});
});

describe('Renew token', () => {
	it('later: both tokens valid until the old one is deleted', () => {
		const {data, key, token: oldToken} = withKey();
		const later = context(T0 + 2 * HOUR);
		const {reveal, summary, key: renewed} = renewToken(data, key.appKey, 'later', later);
		expect(summary).toContain('Later');
		const newToken = tokenOf(data, reveal, later.now);
		expect(verifyToken(data, key.appKey, oldToken)).toMatchObject({valid: true, matched: 'old'});
		expect(verifyToken(data, key.appKey, newToken)).toMatchObject({valid: true, matched: 'current'});
		expect(renewed.oldToken?.created).toBe(T0);
		expect(renewed.token.created).toBe(later.now);
		deleteOldToken(data, key.appKey);
		expect(verifyToken(data, key.appKey, oldToken)).toMatchObject({valid: false, reason: 'the token does not match this key'});
		expect(verifyToken(data, key.appKey, newToken).valid).toBe(true);
	});

	it('now: only the new token is valid at once', () => {
		const {data, key, token: oldToken} = withKey();
		const {reveal} = renewToken(data, key.appKey, 'now', context(T0 + HOUR));
		const newToken = tokenOf(data, reveal, T0 + HOUR);
		expect(key.oldToken).toBeUndefined();
		expect(verifyToken(data, key.appKey, oldToken).valid).toBe(false);
		expect(verifyToken(data, key.appKey, newToken).valid).toBe(true);
	});

	it('is refused while a renewal is pending, with the reason', () => {
		const {data, key} = withKey();
		const {reveal} = renewToken(data, key.appKey, 'later', context(T0 + HOUR));
		tokenOf(data, reveal, T0 + HOUR);
		expect(refusal(() => renewToken(data, key.appKey, 'later', context(T0 + 2 * HOUR)))).toBe(
			`${key.appKey} already has a renewed token pending: delete the old token or undo the renewal first`,
		);
	});

	it('is refused while the last link is unredeemed and unexpired, saying until when', () => {
		const data = freshStore();
		const {key} = generateKey(data, {name: 'ERP', roles: []}, ctx);
		expect(refusal(() => renewToken(data, key.appKey, 'now', context(T0 + HOUR)))).toBe(
			`${key.appKey} has a single-access link that has not been used yet (valid until 2026-01-16 12:00 UTC): use it or revoke it (Revoke Link, or apikeys revoke-link ${key.appKey} --yes) before renewing again`,
		);
		expect(() => renewToken(data, key.appKey, 'now', context(T0 + LINK_TTL))).not.toThrow();
	});
});

describe('Delete old token and Undo renewal', () => {
	it('delete old token needs a pending renewal', () => {
		const {data, key} = withKey();
		expect(refusal(() => deleteOldToken(data, key.appKey))).toBe(`${key.appKey} has no old token to delete: no renewal is pending`);
	});

	it('undo renewal makes the old token current again and destroys the new token and its link', () => {
		const {data, key, token: oldToken} = withKey();
		const oldRecord = key.token;
		const {reveal} = renewToken(data, key.appKey, 'later', context(T0 + HOUR));
		expect(data.links.filter(l => l.used === undefined)).toHaveLength(1);
		undoRenewal(data, key.appKey);
		expect(key.token).toEqual(oldRecord);
		expect(key.oldToken).toBeUndefined();
		expect(verifyToken(data, key.appKey, oldToken).valid).toBe(true);
		expect(data.links.filter(l => l.used === undefined)).toHaveLength(0);
		expect(refusal(() => tokenOf(data, reveal, T0 + HOUR))).toBe('this link is unknown or has expired');
	});

	it('undo renewal is refused once the old token is deleted', () => {
		const {data, key} = withKey();
		const {reveal} = renewToken(data, key.appKey, 'later', context(T0 + HOUR));
		tokenOf(data, reveal, T0 + HOUR);
		deleteOldToken(data, key.appKey);
		expect(refusal(() => undoRenewal(data, key.appKey))).toContain('has no renewal to undo');
	});
});

describe('Delete key and Verify', () => {
	it('delete removes the key, its tokens and its links', () => {
		const data = freshStore();
		const {key, reveal} = generateKey(data, {name: 'ERP', roles: []}, ctx);
		deleteKey(data, key.appKey);
		expect(data.keys).toEqual([]);
		expect(data.links).toEqual([]);
		expect(refusal(() => tokenOf(data, reveal))).toBe('this link is unknown or has expired');
	});

	it('verify answers the roles for a valid token and names the reason otherwise', () => {
		const {data, key, token} = withKey(['OMS - Full access', 'Payments Notifier']);
		expect(verifyToken(data, key.appKey, token)).toEqual({
			valid: true,
			appKey: key.appKey,
			roles: ['OMS - Full access', 'Payments Notifier'],
			matched: 'current',
		});
		expect(verifyToken(data, 'appkey-acme-ZZZZZZ', token)).toMatchObject({valid: false, reason: 'no generated key appkey-acme-ZZZZZZ'});
		const other = withKey();
		expect(verifyToken(data, key.appKey, other.token)).toMatchObject({valid: false, reason: 'the token does not match this key'});
		expect(verifyToken(data, key.appKey, 'hunter2')).toMatchObject({valid: false, reason: 'that is not an apikeys token'});
	});
});
