import {TOKEN_LENGTH, checkTokenFormat, tokenDigest} from './token.js';
import type {StoreSnapshot} from './types.js';

export type VerifyResult =
	| {readonly valid: true; readonly appKey: string; readonly roles: readonly string[]; readonly matched: 'current' | 'old'}
	| {readonly valid: false; readonly appKey: string; readonly reason: string};

interface Holder {
	appKey: string;
	active: boolean;
	current: string | null;
	old: string | null;
	/** The answers for a valid token, built once: a check allocates nothing when it succeeds. */
	currentAnswer: VerifyResult;
	oldAnswer: VerifyResult;
}

/** Why a token that matched no digest of `appKey` is refused: its shape, its checksum, or the key. */
export function refusal(appKey: string, token: string, keyExists: boolean): VerifyResult {
	const format = checkTokenFormat(token);
	if (!format.ok) {
		const reason = format.reason === 'checksum' ? 'the token checksum does not match (a typo?)' : 'that is not an apikeys token';
		return {valid: false, appKey, reason};
	}
	if (!keyExists) return {valid: false, appKey, reason: `no generated key ${appKey.slice(0, 100)}`};
	return {valid: false, appKey, reason: 'the token does not match this key'};
}

export const inactive = (appKey: string): VerifyResult => ({valid: false, appKey, reason: `${appKey} is inactive`});

/**
 * Every key's token digests (current and pending old) in one snapshot, for checking many tokens
 * against one store state: a check is one SHA-256, one Map lookup and a comparison of digests (a
 * wrong token's digest shares nothing predictable with the stored one, so comparing digests leaks
 * nothing about the token). Build a new one when the store changes.
 */
export class TokenIndex {
	private readonly byAppKey = new Map<string, Holder>();

	constructor(data: StoreSnapshot) {
		for (const key of data.keys) {
			const roles = Object.freeze([...key.roles]);
			const answer = (matched: 'current' | 'old'): VerifyResult => Object.freeze({valid: true, appKey: key.appKey, roles, matched});
			this.byAppKey.set(key.appKey, {
				appKey: key.appKey,
				active: key.active,
				current: key.token.revoked ? null : key.token.digest,
				old: key.oldToken?.digest ?? null,
				currentAnswer: answer('current'),
				oldAnswer: answer('old'),
			});
		}
	}

	/** Valid iff the token is a current or pending old token of `appKey`, and that key is active. */
	verify(appKey: string, token: string): VerifyResult {
		const holder = token.length === TOKEN_LENGTH ? this.byAppKey.get(appKey) : undefined;
		if (holder) {
			const digest = tokenDigest(token);
			const answer = digest === holder.current ? holder.currentAnswer : digest === holder.old ? holder.oldAnswer : null;
			if (answer) return holder.active ? answer : inactive(appKey);
		}
		return refusal(appKey, token, this.byAppKey.has(appKey));
	}
}
