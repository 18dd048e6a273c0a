import {forbidden, refused} from './errors.js';
import {OWNER_ROLE, resolveRoles, resourcesOfRoles} from './roles.js';
import type {KeyResource, Millis, Operator, StoreData} from './types.js';

// ASCII only, so no control, invisible, bidi or look-alike character can be part of a login.
const LOGIN_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;
export const LOGIN_RULE = '1–64 letters, digits, _ . @ -';

export const isLogin = (login: string) => LOGIN_PATTERN.test(login);

export function validateLogin(login: string): string {
	if (!isLogin(login)) throw refused(`"${login.slice(0, 64)}" is not a login name: ${LOGIN_RULE}`);
	return login;
}

export const findOperator = (data: StoreData, login: string) => data.operators.find(o => o.login === login);

export function operatorResources(data: StoreData, login: string): Set<string> {
	const operator = findOperator(data, login);
	return operator ? resourcesOfRoles(data, operator.roles) : new Set();
}

/** Operators who may add others, named in refusals so a stranger knows whom to ask. */
export function operatorsWith(data: StoreData, resource: KeyResource): string[] {
	return data.operators.filter(o => resourcesOfRoles(data, o.roles).has(resource)).map(o => o.login);
}

/** The missing resource for an action, or null when the operator holds it. */
export function missingResource(data: StoreData, login: string, resource: KeyResource): KeyResource | null {
	return operatorResources(data, login).has(resource) ? null : resource;
}

/** Refuses an operator who is not in the store, or who lacks `resource` for `what`. */
export function requireResource(data: StoreData, login: string, resource: KeyResource, what: string): void {
	if (!findOperator(data, login)) {
		const admins = operatorsWith(data, 'Edit API Keys');
		const who = admins.length > 0 ? admins.slice(0, 5).join(', ') : 'the store owner';
		throw forbidden(
			`operator "${login}" is not in this store: ask ${who} to run "apikeys operators add ${login} --role ROLE"`,
		);
	}
	if (missingResource(data, login, resource)) {
		throw forbidden(`operator "${login}" cannot ${what}: it needs the resource "${resource}"`);
	}
}

export function addOperator(
	data: StoreData,
	input: {login: string; roles: readonly string[]},
	ctx: {now: Millis; operator: string},
): Operator {
	const login = validateLogin(input.login);
	if (findOperator(data, login)) throw refused(`operator "${login}" is already in this store`);
	if (input.roles.length === 0) throw refused('an operator needs at least one role (--role)');
	const operator: Operator = {login, roles: resolveRoles(data, input.roles), added: ctx.now, addedBy: ctx.operator};
	data.operators.push(operator);
	return operator;
}

export function removeOperator(data: StoreData, login: string): Operator {
	const index = data.operators.findIndex(o => o.login === login);
	if (index < 0) throw refused(`operator "${login.slice(0, 64)}" is not in this store`);
	const operator = data.operators[index]!;
	const owners = data.operators.filter(o => o.roles.includes(OWNER_ROLE));
	if (operator.roles.includes(OWNER_ROLE) && owners.length === 1) {
		throw refused(`"${login}" is the last ${OWNER_ROLE} of this store and cannot be removed`);
	}
	data.operators.splice(index, 1);
	return operator;
}
