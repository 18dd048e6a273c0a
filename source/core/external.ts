import {parseAppKey} from './appkey.js';
import {notFound, refused} from './errors.js';
import {resolveRoles} from './roles.js';
import type {ExternalKey, RuleContext, StoreData} from './types.js';

/** The account that owns an appKey, parsed from `{prefix}-{account}-{XXXXXX}`. */
export function ownerOf(appKey: string): string | null {
	return parseAppKey(appKey)?.account ?? null;
}

export function findExternal(data: StoreData, appKey: string): ExternalKey {
	const key = data.external.find(k => k.appKey === appKey);
	if (!key) throw notFound(`no external key ${appKey.slice(0, 100)} in this store`);
	return key;
}

/** Why `appKey` cannot be added as an external key, or null; for validation while typing. */
export function externalKeyProblem(data: StoreData, input: string): string | null {
	const appKey = input.trim();
	if (!appKey) return 'an appKey is required';
	const owner = ownerOf(appKey);
	if (!owner) return 'expected prefix-account-XXXXXX (e.g. vtexappkey-partner-ABCDEF)';
	if (owner === data.account) return `this account's own keys (${data.account}) are managed in the Generated tab`;
	if (data.external.some(k => k.appKey === appKey)) return `${appKey} is already an external key of this account`;
	return null;
}

export function addExternalKey(
	data: StoreData,
	input: {appKey: string; roles: readonly string[]},
	ctx: RuleContext,
): ExternalKey {
	const appKey = input.appKey.trim();
	const owner = ownerOf(appKey);
	if (!owner) {
		throw refused(`"${appKey.slice(0, 100)}" is not an appKey: expected prefix-account-XXXXXX (e.g. vtexappkey-partner-ABCDEF)`);
	}
	if (owner === data.account) {
		throw refused(`${appKey} belongs to this account (${data.account}): its own keys are managed in the Generated tab`);
	}
	if (data.external.some(k => k.appKey === appKey)) throw refused(`${appKey} is already an external key of this account`);
	const key: ExternalKey = {
		appKey,
		roles: resolveRoles(data, input.roles),
		added: ctx.now,
		addedBy: ctx.operator,
		active: true,
	};
	data.external.push(key);
	return key;
}

export function editExternalRoles(
	data: StoreData,
	appKey: string,
	roles: readonly string[],
): {key: ExternalKey; before: string[]} {
	const found = findExternal(data, appKey);
	// A new record in its place: a change works on a copy whose records are shared with the data read.
	const key = {...found, roles: resolveRoles(data, roles)};
	data.external[data.external.indexOf(found)] = key;
	return {key, before: found.roles};
}

export function removeExternalKey(data: StoreData, appKey: string): ExternalKey {
	const key = findExternal(data, appKey);
	data.external.splice(data.external.indexOf(key), 1);
	return key;
}
