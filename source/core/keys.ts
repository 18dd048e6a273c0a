export type {VerifyResult} from './token-index.js';
import {newAppKey} from './appkey.js';
import {notFound, refused} from './errors.js';
import {destroyLinks, issueLink, openLinkFor, type IssuedLink} from './links.js';
import {validateKeyName} from './names.js';
import {mergeRoles, resolveRoles, rolesChange, rolesText, type RoleChange} from './roles.js';
import {formatTime} from './time.js';
import {inactive, refusal, type VerifyResult} from './token-index.js';
import {TOKEN_LENGTH, TOKEN_RANDOM_BYTES, digestsEqual, mintToken, tokenDigest, tokenRecord} from './token.js';
import type {GeneratedKey, LinkPurpose, RuleContext, StoreData, StoreSnapshot} from './types.js';

/** How a new token reaches the person: a single-access link, or (reveal: direct) the token itself, once. */
export type Reveal = ({kind: 'link'} & IssuedLink) | {kind: 'token'; token: string};

export type DeleteOld = 'now' | 'later';

/**
 * Keys are never changed in place: a change puts a new object where the old one was, so the
 * serialized form of an unchanged key can be reused when the store is written.
 */
export function replaceKey(data: StoreData, key: GeneratedKey, next: GeneratedKey): GeneratedKey {
	const index = data.keys.indexOf(key);
	if (index < 0) throw notFound(`no generated key ${key.appKey} in this store`);
	data.keys[index] = next;
	return next;
}

export function findKey(data: StoreSnapshot, appKey: string): GeneratedKey {
	const key = data.keys.find(k => k.appKey === appKey);
	if (!key) throw notFound(`no generated key ${appKey.slice(0, 100)} in this store`);
	return key;
}

function revealNewToken(data: StoreData, appKey: string, purpose: LinkPurpose, token: string, ctx: RuleContext): Reveal {
	if (data.settings.reveal === 'direct') return {kind: 'token', token};
	return {kind: 'link', ...issueLink(data, {appKey, purpose, token}, ctx)};
}

export function generateKey(
	data: StoreData,
	input: {name: string; roles: readonly string[]},
	ctx: RuleContext,
): {key: GeneratedKey; reveal: Reveal; summary: string} {
	const name = validateKeyName(input.name);
	const roles = resolveRoles(data, input.roles);
	const taken = new Set(data.keys.map(k => k.appKey));
	const appKey = newAppKey(data.settings.keyPrefix, data.account, ctx.random, candidate => taken.has(candidate));
	const token = mintToken(ctx.random(TOKEN_RANDOM_BYTES));
	const key: GeneratedKey = {
		appKey,
		name,
		roles,
		created: ctx.now,
		createdBy: ctx.operator,
		active: true,
		token: tokenRecord(token, ctx.now),
	};
	data.keys.push(key);
	const reveal = revealNewToken(data, appKey, 'generate', token, ctx);
	return {key, reveal, summary: `name: ${name}; roles: ${rolesText(roles)}`};
}

/** Edit: new roles (replaced, added, removed) and/or the Active flag. `summary` is null when nothing changes. */
export function editKey(data: StoreData, appKey: string, input: RoleChange & {active?: boolean}): Change {
	const key = findKey(data, appKey);
	const roles = mergeRoles(data, key.roles, input, appKey);
	const active = input.active ?? key.active;
	const changes = [rolesChange(key.roles, roles), active === key.active ? null : statusChange(key.active, active)].filter(c => c !== null);
	if (changes.length === 0) return {key, summary: null};
	return {key: replaceKey(data, key, {...key, roles, active}), summary: changes.join('; ')};
}

/** A key after a rule, and what the activity log says about it (null: nothing changed). */
export interface Change<Summary extends string | null = string | null> {
	key: GeneratedKey;
	summary: Summary;
}

export const statusText = (active: boolean) => (active ? 'Active' : 'Inactive');
const statusChange = (before: boolean, after: boolean) => `status: ${statusText(before)} → ${statusText(after)}`;

export function deactivateKey(data: StoreData, appKey: string): Change<string> {
	const key = findKey(data, appKey);
	if (!key.active) throw refused(`${appKey} is already inactive`);
	return {key: replaceKey(data, key, {...key, active: false}), summary: statusChange(true, false)};
}

export function activateKey(data: StoreData, appKey: string): Change<string> {
	const key = findKey(data, appKey);
	if (key.active) throw refused(`${appKey} is already active`);
	return {key: replaceKey(data, key, {...key, active: true}), summary: statusChange(false, true)};
}

/** The seed's warning, shown whenever a key is activated. */
export const ACTIVATE_WARNING =
	'Only reactivate a key you are sure was not compromised: anyone with its token can access the account while it is active.';

/** Why a renewal is not possible now, or null: `reason` fits an action menu, `message` is the refusal. */
export function renewalBlocker(data: StoreSnapshot, key: GeneratedKey, now: number): {reason: string; message: string} | null {
	if (key.oldToken) {
		return {
			reason: 'a renewal is pending',
			message: `${key.appKey} already has a renewed token pending: delete the old token or undo the renewal first`,
		};
	}
	const link = openLinkFor(data, key.appKey, now);
	if (link) {
		return {
			reason: `its link is unused until ${formatTime(link.expires)}`,
			message: `${key.appKey} has a single-access link that has not been used yet (valid until ${formatTime(link.expires)}): use it or revoke it (Revoke Link, or apikeys revoke-link ${key.appKey} --yes) before renewing again`,
		};
	}
	return null;
}

export function renewToken(
	data: StoreData,
	appKey: string,
	deleteOld: DeleteOld,
	ctx: RuleContext,
): {key: GeneratedKey; reveal: Reveal; summary: string} {
	const key = findKey(data, appKey);
	const blocker = renewalBlocker(data, key, ctx.now);
	if (blocker) throw refused(blocker.message);
	const token = mintToken(ctx.random(TOKEN_RANDOM_BYTES));
	const {oldToken: _previousOld, ...rest} = key;
	// A revoked token is never kept as the old one: nobody holds it.
	const keepOld = deleteOld === 'later' && !key.token.revoked;
	const renewed = replaceKey(data, key, {...rest, token: tokenRecord(token, ctx.now), ...(keepOld ? {oldToken: key.token} : {})});
	const reveal = revealNewToken(data, appKey, 'renew', token, ctx);
	const summary = key.token.revoked
		? 'no old token (its link was revoked)'
		: deleteOld === 'later'
			? 'delete old token: Later (both tokens valid)'
			: 'delete old token: Now (old token deleted)';
	return {key: renewed, reveal, summary};
}

export function deleteOldToken(data: StoreData, appKey: string): Change<string> {
	const key = findKey(data, appKey);
	if (!key.oldToken) throw refused(`${appKey} has no old token to delete: no renewal is pending`);
	const {oldToken: _deleted, ...rest} = key;
	return {key: replaceKey(data, key, rest), summary: 'old token deleted'};
}

export function undoRenewal(data: StoreData, appKey: string): Change<string> {
	const key = findKey(data, appKey);
	if (!key.oldToken) {
		throw refused(`${appKey} has no renewal to undo: the old token was already deleted (renew again or delete the key)`);
	}
	const newDigest = key.token.digest;
	destroyLinks(data, l => l.appKey === appKey && l.tokenDigest === newDigest);
	const {oldToken, ...rest} = key;
	return {key: replaceKey(data, key, {...rest, token: oldToken}), summary: 'new token and its link destroyed; old token current again'};
}

/**
 * Revokes the key's unused link, and the token only it could reveal: for a renewal whose old token
 * is still kept, the old token is current again (as after Undo); otherwise the key has no usable
 * token until it is renewed. A new renewal can start at once.
 */
export function revokeLink(data: StoreData, appKey: string, now: number): Change<string> & {restored: boolean} {
	const key = findKey(data, appKey);
	const link = openLinkFor(data, appKey, now);
	if (!link) throw refused(`${appKey} has no unused single-access link to revoke`);
	destroyLinks(data, l => l === link);
	const {oldToken, ...rest} = key;
	if (oldToken && key.token.digest === link.tokenDigest) {
		return {key: replaceKey(data, key, {...rest, token: oldToken}), restored: true, summary: 'unused link and its new token destroyed; old token current again'};
	}
	// Nobody holds the token now: it is marked so, verifies nothing, and a renewal does not keep it.
	const revoked = replaceKey(data, key, {...key, token: {...key.token, revoked: now}});
	return {key: revoked, restored: false, summary: 'unused link and its token destroyed; no usable token until renewed'};
}

export function deleteKey(data: StoreData, appKey: string): Change<string> {
	const key = findKey(data, appKey);
	data.keys.splice(data.keys.indexOf(key), 1);
	destroyLinks(data, l => l.appKey === appKey);
	return {key, summary: `name: ${key.name}`};
}

/**
 * Valid iff the key exists, is active, and the token matches its current or pending old token
 * (compared in constant time). For one check, on any data (a draft too); many checks against one
 * snapshot go through a TokenIndex.
 */
export function verifyToken(data: StoreSnapshot, appKey: string, token: string): VerifyResult {
	const key = data.keys.find(k => k.appKey === appKey);
	const digest = key && token.length === TOKEN_LENGTH ? tokenDigest(token) : null;
	const matched = !key || !digest ? null : digestsEqual(digest, key.token.digest) && !key.token.revoked ? 'current' : key.oldToken && digestsEqual(digest, key.oldToken.digest) ? 'old' : null;
	if (!matched) return refusal(appKey, token, key !== undefined);
	if (!key!.active) return inactive(appKey);
	return {valid: true, appKey, roles: Object.freeze([...key!.roles]), matched};
}
