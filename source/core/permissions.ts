import {forbidden, refused} from './errors.js';
import {OWNER_ONLY_RULE, OWNER_ROLE, heldResources, isOwner, requireGrantableRoles, resolveRoles, resourcesOfRoles} from './roles.js';
import {MANAGE_OPERATORS, type Millis, type Operator, type OperatorResource, type StoreData, type StoreSnapshot} from './types.js';

// ASCII only, so no control, invisible, bidi or look-alike character can be part of a login.
const LOGIN_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/;
export const LOGIN_RULE = '1–64 letters, digits, _ . @ -';

export const isLogin = (login: string) => LOGIN_PATTERN.test(login);

export function validateLogin(login: string): string {
	if (!isLogin(login)) throw refused(`"${login.slice(0, 64)}" is not a login name: ${LOGIN_RULE}`);
	return login;
}

export const findOperator = (data: StoreSnapshot, login: string) => data.operators.find(o => o.login === login);

export const operatorResources = (data: StoreSnapshot, login: string): Set<string> => heldResources(data, login);

/** Operators who may add others, named in refusals so a stranger knows whom to ask. */
export function operatorsWith(data: StoreSnapshot, resource: OperatorResource): string[] {
	return data.operators.filter(o => resourcesOfRoles(data, o.roles).has(resource)).map(o => o.login);
}

/** The missing resource for an action, or null when the operator holds it. */
export function missingResource<R extends OperatorResource>(data: StoreSnapshot, login: string, resource: R): R | null {
	return operatorResources(data, login).has(resource) ? null : resource;
}

/** Refuses an operator who is not in the store, or who lacks `resource` for `what`. */
export function requireResource(data: StoreSnapshot, login: string, resource: OperatorResource, what: string): void {
	if (!findOperator(data, login)) {
		const admins = operatorsWith(data, MANAGE_OPERATORS);
		const who = admins.length > 0 ? admins.slice(0, 5).join(', ') : 'the store owner';
		throw forbidden(
			`operator "${login}" is not in this store: ask ${who} to run "apikeys operators add ${login} --role ROLE"`,
		);
	}
	if (missingResource(data, login, resource)) {
		throw forbidden(`operator "${login}" cannot ${what}: it needs the resource "${resource}"`);
	}
}

/** Nobody adds or removes themselves: an operator's roles are always someone else's decision. */
function refuseSelf(actor: string, login: string, verb: 'add' | 'remove'): void {
	if (actor === login) throw forbidden(`operator "${actor}" cannot ${verb} themselves: nobody changes their own roles`);
}

/** Adds an operator with roles `ctx.operator` may grant: only resources it holds, Owner only from an Owner. */
export function addOperator(
	data: StoreData,
	input: {login: string; roles: readonly string[]},
	ctx: {now: Millis; operator: string},
): {operator: Operator; summary: string} {
	const login = validateLogin(input.login);
	refuseSelf(ctx.operator, login, 'add');
	if (findOperator(data, login)) throw refused(`operator "${login}" is already in this store`);
	if (input.roles.length === 0) throw refused('an operator needs at least one role (--role)');
	const roles = resolveRoles(data, input.roles);
	requireGrantableRoles(data, ctx.operator, roles);
	const operator: Operator = {login, roles, added: ctx.now, addedBy: ctx.operator};
	data.operators.push(operator);
	return {operator, summary: `${operator.login}: ${operator.roles.join(', ')}`};
}

/** Removes an operator other than `ctx.operator`; an Owner only by an Owner, and never the last Owner. */
export function removeOperator(data: StoreData, login: string, ctx: {operator: string}): {operator: Operator; summary: string} {
	const index = data.operators.findIndex(o => o.login === login);
	if (index < 0) throw refused(`operator "${login.slice(0, 64)}" is not in this store`);
	refuseSelf(ctx.operator, login, 'remove');
	const operator = data.operators[index]!;
	if (operator.roles.includes(OWNER_ROLE) && !isOwner(data, ctx.operator)) {
		throw forbidden(`operator "${ctx.operator}" cannot remove "${login}", who holds "${OWNER_ROLE}": ${OWNER_ONLY_RULE}`);
	}
	// Only another Owner gets this far today; kept so a change to the rules above cannot orphan the store.
	const owners = data.operators.filter(o => o.roles.includes(OWNER_ROLE));
	if (operator.roles.includes(OWNER_ROLE) && owners.length === 1) {
		throw refused(`"${login}" is the last ${OWNER_ROLE} of this store and cannot be removed`);
	}
	data.operators.splice(index, 1);
	return {operator, summary: operator.login};
}
