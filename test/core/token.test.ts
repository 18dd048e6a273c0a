import {describe, expect, it} from 'vitest';
import {TOKEN_LENGTH, TOKEN_PREFIX, checkTokenFormat, mintToken, tokenDigest, tokenHint} from '../../source/core/token.js';
import {seededRandom} from '../helpers.js';

const random = seededRandom('token');
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('tokens', () => {
	it('have the fixed prefix, a base62 body and a 6-character checksum', () => {
		const token = mintToken(random(32));
		expect(token).toMatch(/^apikt_[0-9A-Za-z]{49}$/);
		expect(token.length).toBe(TOKEN_LENGTH);
		expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
		expect(checkTokenFormat(token)).toEqual({ok: true});
	});

	it('carry at least 256 bits: every 32-byte input gives a different token, all-ones included', () => {
		const max = mintToken(new Uint8Array(32).fill(255));
		const zero = mintToken(new Uint8Array(32));
		expect(max).not.toBe(zero);
		expect(checkTokenFormat(max).ok).toBe(true);
		expect(checkTokenFormat(zero).ok).toBe(true);
		expect(() => mintToken(new Uint8Array(31))).toThrow(RangeError);
	});

	it('fail the checksum when any single body or checksum character is changed', () => {
		const token = mintToken(random(32));
		for (let i = TOKEN_PREFIX.length; i < token.length; i++) {
			const original = token[i]!;
			const replacement = ALPHABET[(ALPHABET.indexOf(original) + 1) % ALPHABET.length]!;
			const typo = token.slice(0, i) + replacement + token.slice(i + 1);
			expect(checkTokenFormat(typo), `position ${i}`).toEqual({ok: false, reason: 'checksum'});
		}
	});

	it('reject strings of the wrong shape', () => {
		const token = mintToken(random(32));
		for (const bad of ['', 'apikt_', token.slice(1), `${token}x`, token.replace('apikt_', 'apikx_'), token.replace(/.$/, '-')]) {
			expect(checkTokenFormat(bad)).toEqual({ok: false, reason: 'format'});
		}
	});

	it('are stored as a SHA-256 digest and a non-secret hint of the prefix and four characters', () => {
		const token = mintToken(random(32));
		expect(tokenDigest(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(tokenDigest(token)).not.toContain(token.slice(6, 16));
		expect(tokenHint(token)).toBe(token.slice(0, 10));
		expect(tokenHint(token)).toHaveLength(TOKEN_PREFIX.length + 4);
	});
});
