import {refused} from './errors.js';

/** Account slug: lowercase letters and digits, single hyphens inside, 1–63 characters. */
const ACCOUNT_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,62}$/;
const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,19}$/;
const APPKEY_PATTERN = /^([a-z][a-z0-9]{0,19})-([a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,62})-([A-Z]{6})$/;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SUFFIX_LENGTH = 6;

export const DEFAULT_KEY_PREFIX = 'appkey';

export function validateAccount(account: string): string {
	if (!ACCOUNT_PATTERN.test(account)) {
		throw refused(
			`"${account.slice(0, 64)}" is not an account name: use 1–63 lowercase letters, digits and single hyphens (e.g. acme)`,
		);
	}
	return account;
}

export function validateKeyPrefix(prefix: string): string {
	if (!PREFIX_PATTERN.test(prefix)) throw refused('a key prefix is 1–20 lowercase letters and digits, starting with a letter');
	return prefix;
}

export interface ParsedAppKey {
	prefix: string;
	account: string;
	suffix: string;
}

export function parseAppKey(appKey: string): ParsedAppKey | null {
	const match = APPKEY_PATTERN.exec(appKey);
	return match ? {prefix: match[1]!, account: match[2]!, suffix: match[3]!} : null;
}

/**
 * A fresh appKey `{prefix}-{account}-{6 uppercase letters}`, unique against `taken`.
 * Letters come from `random` by rejection sampling so each of the 26 is equally likely.
 */
export function newAppKey(
	prefix: string,
	account: string,
	random: (bytes: number) => Uint8Array,
	taken: (appKey: string) => boolean,
): string {
	for (let attempt = 0; attempt < 1000; attempt++) {
		let suffix = '';
		while (suffix.length < SUFFIX_LENGTH) {
			for (const byte of random(16)) {
				if (byte < 234 && suffix.length < SUFFIX_LENGTH) suffix += LETTERS[byte % 26];
			}
		}
		const appKey = `${prefix}-${account}-${suffix}`;
		if (!taken(appKey)) return appKey;
	}
	throw refused('could not find a free appKey after 1000 attempts');
}
