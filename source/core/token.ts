import {hash} from 'node:crypto';
import {crc32} from 'node:zlib';
import {base62Encode, base62FromNumber} from './base62.js';
import type {Millis, TokenRecord} from './types.js';

/** Fixed, recognizable prefix: a secret scanner can spot a token; `_` keeps it one double-click word. */
export const TOKEN_PREFIX = 'apikt_';
/** 32 random bytes need 43 base62 digits (62^43 > 2^256). */
export const TOKEN_RANDOM_BYTES = 32;
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
const HINT_BODY_CHARS = 4;

/** Matches anything shaped like a token, anywhere in a string (used to refuse tokens on argv). */
export const TOKEN_SHAPE = new RegExp(`${TOKEN_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}`);
const TOKEN_EXACT = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

const checksumOf = (body: string) => base62FromNumber(crc32(body), CHECKSUM_LENGTH);

/** Builds a token from caller-supplied random bytes (crypto.randomBytes in the service). */
export function mintToken(randomBytes: Uint8Array): string {
	if (randomBytes.length < TOKEN_RANDOM_BYTES) throw new RangeError(`a token needs ${TOKEN_RANDOM_BYTES} random bytes`);
	const body = base62Encode(randomBytes.subarray(0, TOKEN_RANDOM_BYTES), BODY_LENGTH);
	return TOKEN_PREFIX + body + checksumOf(body);
}

export type TokenCheck = {ok: true} | {ok: false; reason: 'format' | 'checksum'};

/** Offline check: shape and CRC32 checksum; a one-character typo fails here. */
const OK: TokenCheck = {ok: true};
const BAD_FORMAT: TokenCheck = {ok: false, reason: 'format'};
const BAD_CHECKSUM: TokenCheck = {ok: false, reason: 'checksum'};

export function checkTokenFormat(candidate: string): TokenCheck {
	if (candidate.length !== TOKEN_LENGTH || !TOKEN_EXACT.test(candidate)) return BAD_FORMAT;
	const body = candidate.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_LENGTH);
	return checksumOf(body) === candidate.slice(TOKEN_PREFIX.length + BODY_LENGTH) ? OK : BAD_CHECKSUM;
}

/** SHA-256 of a token, base64url; crypto.hash is the one-shot form, about twice as quick as a Hash object. */
export const tokenDigest = (token: string) => hash('sha256', token, 'base64url');

export const tokenHint = (token: string) => token.slice(0, TOKEN_PREFIX.length + HINT_BODY_CHARS);

export const tokenRecord = (token: string, created: Millis): TokenRecord => ({
	digest: tokenDigest(token),
	hint: tokenHint(token),
	created,
});

/**
 * Constant-time comparison of two base64url digests, in place: every character is compared
 * whatever the first difference, and nothing is allocated (verification runs it per request;
 * buffers for timingSafeEqual cost more than the SHA-256 itself).
 */
export function digestsEqual(a: string, b: string): boolean {
	if (a.length !== b.length || a.length === 0) return false;
	let difference = 0;
	for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
	return difference === 0;
}
