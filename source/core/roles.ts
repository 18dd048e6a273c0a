import {forbidden, refused} from './errors.js';
import {forbiddenCharacterProblem} from './characters.js';
import {KEY_RESOURCES, MANAGE_OPERATORS, type CustomRole, type Millis, type StoreData, type StoreSnapshot} from './types.js';

export interface Role {
	name: string;
	resources: readonly string[];
	predefined: boolean;
}

export const OWNER_ROLE = 'Owner (Admin Super)';
export const USER_ADMIN_ROLE = 'User Administrator - RESTRICTED';

/** Resources of the integration roles: what a key holding them may reach in the account. */
const INTEGRATION_RESOURCES = [
	'View orders',
	'Change orders',
	'Cancel orders',
	'View logistics',
	'Edit logistics',
	'Call center',
	'View financial reports',
	'Edit financial settings',
	'Checkout admin',
	'Notify payments',
	'Fulfillment integration',
	'Web services',
	'View catalog',
	'Edit catalog',
	'View pricing',
	'Edit pricing',
	'View customers',
	'Edit customers',
] as const;

/** What a key must hold to call the verify API (apikeys verify-server) as a caller. */
export const VERIFY_RESOURCE = 'Verify API tokens';
export const KEY_VERIFIER_ROLE = 'Key verifier';

export const ALL_RESOURCES: readonly string[] = [...KEY_RESOURCES, MANAGE_OPERATORS, ...INTEGRATION_RESOURCES, VERIFY_RESOURCE];

const role = (name: string, resources: readonly string[]): Role => ({name, resources, predefined: true});

export const PREDEFINED_ROLES: readonly Role[] = [
	role(OWNER_ROLE, ALL_RESOURCES),
	role(USER_ADMIN_ROLE, [...KEY_RESOURCES, MANAGE_OPERATORS]),
	role('API Keys - Read only', ['View API Keys']),
	role('API Keys - Token renewal', ['View API Keys', 'Renew API token']),
	role('OMS - Full access', ['View orders', 'Change orders', 'Cancel orders']),
	role('OMS - Read only', ['View orders']),
	role('Logistics - Full access', ['View logistics', 'Edit logistics']),
	role('Logistics - Read only', ['View logistics']),
	role('Call center operator', ['Call center', 'View orders', 'View customers']),
	role('Finance - Full access', ['View financial reports', 'Edit financial settings']),
	role('Checkout Admin', ['Checkout admin']),
	role('Payments Notifier', ['Notify payments']),
	role('IntegrationProfile - Fulfillment Oms', ['Fulfillment integration', 'View orders', 'Change orders']),
	role('Webservice - Full access', ['Web services']),
	role('Catalog - Full access', ['View catalog', 'Edit catalog']),
	role('Catalog - Read only', ['View catalog']),
	role('Pricing - Full access', ['View pricing', 'Edit pricing']),
	role('Customers - Read only', ['View customers']),
	// Last, so the lists people pick roles from keep their order.
	role(KEY_VERIFIER_ROLE, [VERIFY_RESOURCE]),
];

/** Every role the store knows: the predefined ones, then the store's custom roles. */
export function roleCatalog(data: Pick<StoreSnapshot, 'roles'>): Role[] {
	return [...PREDEFINED_ROLES, ...data.roles.map(r => ({name: r.name, resources: r.resources, predefined: false}))];
}

/** Canonical role names for what a person typed (case-insensitive); unknown names are refused. */
export function resolveRoles(data: Pick<StoreSnapshot, 'roles'>, requested: readonly string[]): string[] {
	const catalog = roleCatalog(data);
	const resolved: string[] = [];
	for (const wanted of requested) {
		const needle = wanted.trim().toLowerCase();
		const found = catalog.find(r => r.name.toLowerCase() === needle);
		if (!found) {
			const shown = wanted.slice(0, 100);
			throw refused(`unknown role "${shown}"${suggestion(catalog, needle, shown)}: see apikeys roles list`);
		}
		if (!resolved.includes(found.name)) resolved.push(found.name);
	}
	return resolved;
}

/**
 * The roles whose names hold what was typed ("Owner" for "Owner (Admin Super)"), offered and never
 * taken for it: a role is granted only by its whole name.
 */
function suggestion(catalog: readonly Role[], needle: string, typed: string): string {
	if (needle.length < 3) return '';
	const near = catalog.filter(r => r.name.toLowerCase().includes(needle)).map(r => `"${r.name}"`);
	if (near.length === 0) return '';
	if (near.length > 3) return ` (${near.length} roles contain "${typed}")`;
	return ` (did you mean ${near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near.at(-1)}`}?)`;
}

/** How an edit changes a holder's roles: `roles` replaces them, then `addRoles` join and `removeRoles` leave. */
export interface RoleChange {
	roles?: readonly string[];
	addRoles?: readonly string[];
	removeRoles?: readonly string[];
}

/** A holder's roles after `change` (canonical names); removing a role `holder` does not hold is refused. */
export function mergeRoles(data: Pick<StoreSnapshot, 'roles'>, current: readonly string[], change: RoleChange, holder: string): string[] {
	let roles = change.roles === undefined ? [...current] : resolveRoles(data, change.roles);
	for (const role of resolveRoles(data, change.addRoles ?? [])) if (!roles.includes(role)) roles.push(role);
	for (const role of resolveRoles(data, change.removeRoles ?? [])) {
		if (!roles.includes(role)) throw refused(`${holder} does not hold the role "${role}"`);
		roles = roles.filter(r => r !== role);
	}
	return roles;
}

/** "roles: A → A, B" when the set of roles changed, else null; order alone is no change. */
export function rolesChange(before: readonly string[], after: readonly string[]): string | null {
	const same = before.length === after.length && before.every(r => after.includes(r));
	return same ? null : `roles: ${rolesText(before)} → ${rolesText(after)}`;
}

export const rolesText = (roles: readonly string[]) => (roles.length > 0 ? roles.join(', ') : '(none)');

export function resourcesOfRoles(data: Pick<StoreSnapshot, 'roles'>, roles: readonly string[]): Set<string> {
	const catalog = roleCatalog(data);
	const resources = new Set<string>();
	for (const name of roles) {
		for (const resource of catalog.find(r => r.name === name)?.resources ?? []) resources.add(resource);
	}
	return resources;
}

/** The resources an operator holds through its roles; none when it is not in the store. */
export function heldResources(data: Pick<StoreSnapshot, 'roles' | 'operators'>, login: string): Set<string> {
	const operator = data.operators.find(o => o.login === login);
	return operator ? resourcesOfRoles(data, operator.roles) : new Set();
}

export const isOwner = (data: Pick<StoreSnapshot, 'operators'>, login: string): boolean =>
	data.operators.some(o => o.login === login && o.roles.includes(OWNER_ROLE));

/** The rules' own words: every refusal of a grant ends with the rule it applies. */
export const OWNER_ONLY_RULE = `only an ${OWNER_ROLE} can grant or remove it`;
const HOLD_TO_GRANT_RULE = 'nobody can grant a resource they do not hold';

/** Refuses giving `roles` (canonical names) unless `granter` holds all their resources; only an Owner gives Owner. */
export function requireGrantableRoles(data: Pick<StoreSnapshot, 'roles' | 'operators'>, granter: string, roles: readonly string[]): void {
	if (roles.includes(OWNER_ROLE) && !isOwner(data, granter)) {
		throw forbidden(`operator "${granter}" cannot grant "${OWNER_ROLE}": ${OWNER_ONLY_RULE}`);
	}
	const held = heldResources(data, granter);
	for (const name of roles) {
		const lacking = [...resourcesOfRoles(data, [name])].find(r => !held.has(r));
		if (lacking) throw forbidden(`operator "${granter}" cannot grant "${name}": it includes "${lacking}", and ${HOLD_TO_GRANT_RULE}`);
	}
}

/** Refuses putting into a role a resource (canonical name) that `granter` does not hold. */
export function requireGrantableResources(data: Pick<StoreSnapshot, 'roles' | 'operators'>, granter: string, resources: readonly string[]): void {
	const held = heldResources(data, granter);
	const lacking = resources.find(r => !held.has(r));
	if (lacking) throw forbidden(`operator "${granter}" cannot grant "${lacking}": ${HOLD_TO_GRANT_RULE}`);
}

/** A custom role made by `ctx.operator`, of resources that operator holds. */
export function addCustomRole(
	data: StoreData,
	input: {name: string; resources: readonly string[]},
	ctx: {now: Millis; operator: string},
): {role: CustomRole; summary: string} {
	const name = input.name.trim();
	if (name.length === 0 || [...name].length > 100) throw refused('a role name is 1–100 printable characters');
	const problem = forbiddenCharacterProblem(name);
	if (problem) throw refused(`a role name cannot contain ${problem}`);
	if (roleCatalog(data).some(r => r.name.toLowerCase() === name.toLowerCase())) {
		throw refused(`a role named "${name}" already exists`);
	}
	if (input.resources.length === 0) throw refused('a role needs at least one resource (--resource)');
	const resources: string[] = [];
	for (const wanted of input.resources) {
		const found = ALL_RESOURCES.find(r => r.toLowerCase() === wanted.trim().toLowerCase());
		if (!found) throw refused(`unknown resource "${wanted.slice(0, 100)}": see apikeys roles list`);
		if (!resources.includes(found)) resources.push(found);
	}
	requireGrantableResources(data, ctx.operator, resources);
	const created: CustomRole = {name, resources, created: ctx.now, createdBy: ctx.operator};
	data.roles.push(created);
	return {role: created, summary: `${created.name}: ${created.resources.join(', ')}`};
}


/** Removes a custom role; refused for predefined roles and for roles still held, naming who holds them. */
export function removeCustomRole(data: StoreData, name: string): {role: CustomRole; summary: string} {
	const index = data.roles.findIndex(r => r.name.toLowerCase() === name.trim().toLowerCase());
	if (index < 0) {
		if (PREDEFINED_ROLES.some(r => r.name.toLowerCase() === name.trim().toLowerCase())) {
			throw refused(`"${name.slice(0, 100)}" is a predefined role and cannot be removed`);
		}
		throw refused(`no custom role named "${name.slice(0, 100)}"`);
	}
	const role = data.roles[index]!;
	const holders = [
		...data.keys.filter(k => k.roles.includes(role.name)).map(k => k.appKey),
		...data.external.filter(k => k.roles.includes(role.name)).map(k => k.appKey),
		...data.operators.filter(o => o.roles.includes(role.name)).map(o => `operator ${o.login}`),
	];
	if (holders.length > 0) {
		const shown = holders.slice(0, 5).join(', ') + (holders.length > 5 ? ` and ${holders.length - 5} more` : '');
		throw refused(`role "${role.name}" is still held by ${holders.length} ${holders.length === 1 ? 'holder' : 'holders'} (${shown}): take it away from them first`);
	}
	data.roles.splice(index, 1);
	return {role, summary: role.name};
}
