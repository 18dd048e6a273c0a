import {describe, expect, it} from 'vitest';
import {KEY_VERIFIER_ROLE, PREDEFINED_ROLES, VERIFY_RESOURCE} from '../../source/core/roles.js';
import {mintToken, tokenDigest} from '../../source/core/token.js';
import {KeyMap, type KeyFacts} from '../../source/verify/key-map.js';
import {seededRandom} from '../helpers.js';

const random = seededRandom('key-map');
const token = () => mintToken(random(32));

function key(appKey: string, tokens: {current: string | null; old?: string}, more: Partial<KeyFacts> = {}): KeyFacts {
	return {appKey, name: appKey.toUpperCase(), roles: [], active: true, current: tokens.current && tokenDigest(tokens.current), old: tokens.old ? tokenDigest(tokens.old) : null, ...more};
}

describe('the verifier\'s key map', () => {
	it('answers by digest: the current and the old token, another key\'s token as unknown, an inactive key, missing roles', () => {
		const [current, old, other] = [token(), token(), token()];
		const map = new KeyMap();
		map.put(key('a', {current, old}, {roles: ['OMS - Read only']}));
		map.put(key('b', {current: other}, {active: false}));
		expect(map.verify(current)).toEqual({valid: true, code: 'VALID', appKey: 'a', name: 'A', roles: ['OMS - Read only'], tokenState: 'current'});
		expect(map.verify(old, 'a')).toMatchObject({valid: true, tokenState: 'old'});
		expect(map.verify(current, 'b')).toEqual({valid: false, code: 'NOT_FOUND'});
		expect(map.verify(other)).toEqual({valid: false, code: 'INACTIVE'});
		expect(map.verify(current, undefined, ['oms - READ only'])).toMatchObject({valid: true});
		expect(map.verify(current, undefined, ['OMS - Read only', 'Checkout Admin'])).toEqual({valid: false, code: 'INSUFFICIENT_ROLES'});
		expect(map.verify(token())).toEqual({valid: false, code: 'NOT_FOUND'});
		expect(map.verify(current.slice(0, -1) + (current.endsWith('A') ? 'B' : 'A'))).toEqual({valid: false, code: 'MALFORMED'});
		expect(map.verify('')).toEqual({valid: false, code: 'MALFORMED'});
		expect(map.verify(5 as unknown as string)).toEqual({valid: false, code: 'MALFORMED'});
	});

	it('a revoked token verifies nothing; a replaced key\'s old digests stop matching; a removed key is unknown', () => {
		const [first, second] = [token(), token()];
		const map = new KeyMap();
		map.put(key('a', {current: null}));
		expect(map.verify(first)).toEqual({valid: false, code: 'NOT_FOUND'});
		map.put(key('a', {current: first}));
		map.put(key('a', {current: second}));
		expect(map.verify(first).code).toBe('NOT_FOUND');
		expect(map.verify(second).code).toBe('VALID');
		map.remove('a');
		expect(map.verify(second).code).toBe('NOT_FOUND');
		expect(map.size).toBe(0);
	});

	it('sync keeps exactly the keys given', () => {
		const [a, b, c] = [token(), token(), token()];
		const map = new KeyMap();
		map.sync([key('a', {current: a}), key('b', {current: b})]);
		map.sync([key('b', {current: b}), key('c', {current: c})]);
		expect([map.verify(a).code, map.verify(b).code, map.verify(c).code]).toEqual(['NOT_FOUND', 'VALID', 'VALID']);
		expect(map.size).toBe(2);
	});

	it('a caller is an active key holding Verify API tokens, through Key verifier or a custom role', () => {
		expect(PREDEFINED_ROLES.find(role => role.name === KEY_VERIFIER_ROLE)?.resources).toEqual([VERIFY_RESOURCE]);
		const [gateway, custom, plain] = [token(), token(), token()];
		const map = new KeyMap();
		map.put(key('gw', {current: gateway}, {roles: [KEY_VERIFIER_ROLE]}));
		map.put(key('custom', {current: custom}, {roles: ['Edge']}));
		map.put(key('plain', {current: plain}, {roles: ['OMS - Read only']}));
		const caller = (of: string) => map.callerByDigest(tokenDigest(of));
		expect([caller(gateway), caller(custom), caller(plain), caller('apikt_x')]).toEqual(['gw', null, null, null]);
		map.setCustomRoles([{name: 'Edge', resources: [VERIFY_RESOURCE, 'View orders']}]);
		expect(caller(custom)).toBe('custom');
		map.put(key('gw', {current: gateway}, {roles: [KEY_VERIFIER_ROLE], active: false}));
		expect(caller(gateway)).toBeNull();
	});

	it('notes a key\'s use once a minute: what takeUses hands the verifier to write', () => {
		const [a, b] = [token(), token()];
		const map = new KeyMap();
		map.put(key('a', {current: a}));
		map.put(key('b', {current: b}, {roles: [KEY_VERIFIER_ROLE]}));
		for (let i = 0; i < 3; i++) map.verify(a);
		map.callerByDigest(tokenDigest(b));
		map.verify(token());
		const now = Date.now();
		expect([...map.takeUses(now).keys()]).toEqual(['a', 'b']);
		map.verify(a);
		expect(map.takeUses(now + 1000).size).toBe(0);
		// A minute on, a use is noted again.
		expect(map.takeUses(now + 60_000).size).toBe(0);
		map.verify(a);
		expect([...map.takeUses(now + 60_001).keys()]).toEqual(['a']);
	});
});
