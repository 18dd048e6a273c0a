import {createCipheriv, createDecipheriv, createHash, hkdfSync} from 'node:crypto';
import {base62Encode} from './base62.js';
import {notFound, refused, usage} from './errors.js';
import {HOUR, formatTime} from './time.js';
import {digestsEqual, tokenDigest} from './token.js';
import type {LinkPurpose, LinkRecord, Millis, RuleContext, StoreData, StoreSnapshot} from './types.js';

export const LINK_TTL = 24 * HOUR;
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const IV_BYTES = 12;
const SECRET_PATTERN = new RegExp(`^[0-9A-Za-z]{${SECRET_LENGTH}}$`);
/** How to open a link, for whoever tried to give one as an argument (readable by every local user). */
export const REDEEM_ADVICE = 'run "apikeys redeem" and paste it at the prompt, or pipe it on standard input';
/** A link in a piece of text: its URL anywhere, or the bare secret as the whole text. */
export const LINK_SHAPE = new RegExp(`/credentials/[0-9A-Za-z]{${SECRET_LENGTH}}|^\\s*[0-9A-Za-z]{${SECRET_LENGTH}}\\s*$`);

export interface IssuedLink {
	url: string;
	expires: Millis;
}

/** Finds the record; a different derivation from the sealing key, so the stored id opens nothing. */
const linkId = (secret: string) => createHash('sha256').update(`apikeys link id:${secret}`).digest('base64url');

const sealingKey = (secret: string) =>
	Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'apikeys', 'apikeys link seal', 32));

export function linkUrl(shareBaseUrl: string, secret: string): string {
	return `${shareBaseUrl.replace(/\/+$/, '')}/credentials/${secret}`;
}

/** The link's secret from a full URL (`…/credentials/{secret}`) or the bare secret. */
export function linkSecretFrom(input: string): string {
	const trimmed = input.trim();
	const candidate = trimmed.includes('/credentials/')
		? (trimmed.split('/credentials/').pop() ?? '').replace(/[/?#].*$/, '')
		: trimmed;
	if (!SECRET_PATTERN.test(candidate)) {
		throw usage('that is not a single-access link: expected …/credentials/ followed by 43 letters and digits');
	}
	return candidate;
}

/**
 * Issues a link for a freshly minted token. The token is sealed with AES-256-GCM under a key
 * derived from the link's secret, which is never stored: only whoever holds the link can open it.
 */
export function issueLink(
	data: StoreData,
	input: {appKey: string; purpose: LinkPurpose; token: string},
	ctx: RuleContext,
): IssuedLink {
	const secret = base62Encode(ctx.random(SECRET_BYTES), SECRET_LENGTH);
	const id = linkId(secret);
	const iv = Buffer.from(ctx.random(IV_BYTES));
	const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
	cipher.setAAD(Buffer.from(`${id}\n${input.appKey}`));
	const ciphertext = Buffer.concat([cipher.update(input.token, 'utf8'), cipher.final()]);
	const sealed = [iv, ciphertext, cipher.getAuthTag()].map(part => part.toString('base64url')).join('.');
	const expires = ctx.now + LINK_TTL;
	data.links.push({
		id,
		appKey: input.appKey,
		purpose: input.purpose,
		tokenDigest: tokenDigest(input.token),
		created: ctx.now,
		expires,
		sealed,
	});
	return {url: linkUrl(data.settings.shareBaseUrl, secret), expires};
}

function openSealed(record: LinkRecord, secret: string): string {
	const [iv, ciphertext, tag] = (record.sealed ?? '').split('.').map(part => Buffer.from(part, 'base64url'));
	if (!iv || !ciphertext || !tag) throw refused('this link cannot be opened: its record is damaged');
	try {
		const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), iv);
		decipher.setAAD(Buffer.from(`${record.id}\n${record.appKey}`));
		decipher.setAuthTag(tag);
		return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
	} catch {
		throw refused('this link cannot be opened: its record is damaged');
	}
}

export interface LinkStatus {
	record: LinkRecord;
	state: 'ready' | 'used' | 'expired';
}

/** What a link is for, without consuming it (the share page's GET). */
export function inspectLink(data: StoreSnapshot, input: string, now: Millis): LinkStatus {
	const id = linkId(linkSecretFrom(input));
	const record = data.links.find(l => l.id === id);
	if (!record) throw notFound('this link is unknown or has expired');
	const state = record.used !== undefined ? 'used' : now >= record.expires ? 'expired' : 'ready';
	return {record, state};
}

/** Consumes a link: the token comes back once, the sealed copy is destroyed. `via` says where it was opened. */
export function redeemLink(
	data: StoreData,
	input: string,
	ctx: RuleContext,
	via = 'command line',
): {appKey: string; token: string; purpose: LinkPurpose; summary: string} {
	const secret = linkSecretFrom(input);
	const {record, state} = inspectLink(data, secret, ctx.now);
	if (state === 'used') throw refused(`this link was already used at ${formatTime(record.used!)}`);
	if (state === 'expired') throw refused(`this link expired at ${formatTime(record.expires)} without being used`);
	const token = openSealed(record, secret);
	if (!digestsEqual(tokenDigest(token), record.tokenDigest)) throw refused('this link cannot be opened: its record is damaged');
	// A new record in its place, without the sealed copy: a change works on a copy whose records are shared with the data read.
	const {sealed: _destroyed, ...kept} = record;
	data.links[data.links.indexOf(record)] = {...kept, used: ctx.now, usedBy: ctx.operator};
	const summary = `${record.purpose === 'renew' ? 'renewed' : 'new'} token revealed via ${via}`;
	return {appKey: record.appKey, token, purpose: record.purpose, summary};
}

/** Unused links past their 24 h go; used ones stay until then so a second try can say when. */
export function purgeExpiredLinks(data: StoreData, now: Millis): number {
	const before = data.links.length;
	data.links = data.links.filter(l => now < l.expires);
	return before - data.links.length;
}

/** The key's link that can still be redeemed, if any. */
export const openLinkFor = (data: StoreSnapshot, appKey: string, now: Millis) =>
	data.links.find(l => l.appKey === appKey && l.used === undefined && now < l.expires);

export function destroyLinks(data: StoreData, predicate: (link: LinkRecord) => boolean): void {
	data.links = data.links.filter(l => !predicate(l));
}

/** The key a link is for, when the store has the link (nothing is consumed, nothing refused): what a redemption reads. */
export function linkedAppKeys(data: StoreSnapshot, input: string): string[] {
	try {
		const id = linkId(linkSecretFrom(input));
		return data.links.filter(l => l.id === id).map(l => l.appKey);
	} catch {
		return [];
	}
}
