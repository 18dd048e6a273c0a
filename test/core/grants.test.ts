import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {ApiKeysError} from '../../source/core/errors.js';
import {addOperator, removeOperator, requireResource} from '../../source/core/permissions.js';
import {ALL_RESOURCES, OWNER_ROLE, USER_ADMIN_ROLE, addCustomRole, heldResources, isOwner, roleCatalog} from '../../source/core/roles.js';
import {MANAGE_OPERATORS, type StoreData} from '../../source/core/types.js';
import {context, freshStore} from '../helpers.js';

/** alice is Owner, ursula User Administrator, eddie holds only View and Edit API Keys (a custom role). */
function team(): StoreData {
	const data = freshStore();
	addOperator(data, {login: 'ursula', roles: [USER_ADMIN_ROLE]}, context());
	addCustomRole(data, {name: 'Key editor', resources: ['View API Keys', 'Edit API Keys']}, context());
	addOperator(data, {login: 'eddie', roles: ['Key editor']}, context());
	return data;
}

const as = (operator: string) => context(undefined, operator);

/** The refusal's message, checking that nothing was changed by it. */
function refusal(data: StoreData, run: () => unknown): string {
	const before = structuredClone(data);
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ApiKeysError);
		expect(data).toEqual(before);
		return (error as ApiKeysError).message;
	}
	throw new Error('expected a refusal');
}

describe('who may add and remove operators', () => {
	it('the refusal to a stranger names the holders of Manage operators and roles, not of Edit API Keys', () => {
		const data = team();
		expect(refusal(data, () => requireResource(data, 'mallory', 'View API Keys', 'view API keys'))).toBe(
			'operator "mallory" is not in this store: ask alice, ursula to run "apikeys operators add mallory --role ROLE"',
		);
	});

	it('an operator with Edit API Keys alone cannot manage operators or roles', () => {
		const data = team();
		expect(refusal(data, () => requireResource(data, 'eddie', MANAGE_OPERATORS, 'add operators'))).toBe(
			'operator "eddie" cannot add operators: it needs the resource "Manage operators and roles"',
		);
		expect(() => requireResource(data, 'ursula', MANAGE_OPERATORS, 'add operators')).not.toThrow();
	});

	it('only an Owner grants Owner (Admin Super)', () => {
		const data = team();
		expect(refusal(data, () => addOperator(data, {login: 'bob', roles: [OWNER_ROLE]}, as('ursula')))).toBe(
			'operator "ursula" cannot grant "Owner (Admin Super)": only an Owner (Admin Super) can grant or remove it',
		);
		expect(addOperator(data, {login: 'bob', roles: [OWNER_ROLE]}, as('alice')).operator.roles).toEqual([OWNER_ROLE]);
	});

	it('nobody grants a role holding a resource they do not hold', () => {
		const data = team();
		expect(refusal(data, () => addOperator(data, {login: 'bob', roles: ['API Keys - Read only', 'OMS - Full access']}, as('ursula')))).toBe(
			'operator "ursula" cannot grant "OMS - Full access": it includes "View orders", and nobody can grant a resource they do not hold',
		);
		expect(refusal(data, () => addOperator(data, {login: 'bob', roles: [USER_ADMIN_ROLE]}, as('eddie')))).toBe(
			'operator "eddie" cannot grant "User Administrator - RESTRICTED": it includes "Renew API token", and nobody can grant a resource they do not hold',
		);
		expect(addOperator(data, {login: 'bob', roles: [USER_ADMIN_ROLE, 'Key editor']}, as('ursula')).operator.roles).toEqual([USER_ADMIN_ROLE, 'Key editor']);
		expect(addOperator(data, {login: 'olga', roles: ['OMS - Full access']}, as('alice')).operator.addedBy).toBe('alice');
	});

	it('only an Owner removes an Owner; others may remove other operators', () => {
		const data = team();
		addOperator(data, {login: 'otto', roles: [OWNER_ROLE]}, as('alice'));
		expect(refusal(data, () => removeOperator(data, 'alice', {operator: 'ursula'}))).toBe(
			'operator "ursula" cannot remove "alice", who holds "Owner (Admin Super)": only an Owner (Admin Super) can grant or remove it',
		);
		expect(removeOperator(data, 'eddie', {operator: 'ursula'}).operator.login).toBe('eddie');
		expect(removeOperator(data, 'otto', {operator: 'alice'}).operator.login).toBe('otto');
	});

	it('nobody adds or removes themselves', () => {
		const data = team();
		expect(refusal(data, () => removeOperator(data, 'ursula', {operator: 'ursula'}))).toBe(
			'operator "ursula" cannot remove themselves: nobody changes their own roles',
		);
		expect(refusal(data, () => removeOperator(data, 'alice', {operator: 'alice'}))).toBe(
			'operator "alice" cannot remove themselves: nobody changes their own roles',
		);
		expect(refusal(data, () => addOperator(data, {login: 'alice', roles: ['API Keys - Read only']}, as('alice')))).toBe(
			'operator "alice" cannot add themselves: nobody changes their own roles',
		);
	});
});

describe('who may make custom roles', () => {
	it('a role holds only resources its maker holds', () => {
		const data = team();
		expect(refusal(data, () => addCustomRole(data, {name: 'Everything', resources: ['View API Keys', 'view orders']}, as('ursula')))).toBe(
			'operator "ursula" cannot grant "View orders": nobody can grant a resource they do not hold',
		);
		expect(refusal(data, () => addCustomRole(data, {name: 'Managers', resources: [MANAGE_OPERATORS]}, as('eddie')))).toBe(
			'operator "eddie" cannot grant "Manage operators and roles": nobody can grant a resource they do not hold',
		);
		expect(addCustomRole(data, {name: 'Managers', resources: ['manage operators and roles']}, as('ursula')).role.resources).toEqual([MANAGE_OPERATORS]);
		expect(addCustomRole(data, {name: 'Everything', resources: ALL_RESOURCES}, as('alice')).role.resources).toEqual(ALL_RESOURCES);
	});
});

type Step =
	| {kind: 'add'; actor: number; login: number; roles: number[]}
	| {kind: 'remove'; actor: number; login: number}
	| {kind: 'role'; actor: number; resources: number[]};

const LOGINS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const index = fc.nat(1000);
const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({kind: fc.constant('add' as const), actor: index, login: index, roles: fc.array(index, {minLength: 1, maxLength: 3})}),
	fc.record({kind: fc.constant('remove' as const), actor: index, login: index}),
	fc.record({kind: fc.constant('role' as const), actor: index, resources: fc.array(index, {minLength: 1, maxLength: 4})}),
);

describe('grants never exceed the granter (property)', () => {
	it('after any accepted change, what was given is within what the giver holds, nobody changed themselves, and an Owner remains', () => {
		const accepted = {add: 0, remove: 0, role: 0};
		fc.assert(
			fc.property(fc.array(step, {maxLength: 30}), steps => {
				const data = freshStore();
				let roleCount = 0;
				for (const s of steps) {
					const actor = data.operators[s.actor % data.operators.length]!.login;
					const held = heldResources(data, actor);
					const actorIsOwner = isOwner(data, actor);
					const before = structuredClone(data);
					try {
						// As the service does: the action's resource first, then the rule.
						requireResource(data, actor, MANAGE_OPERATORS, 'manage');
						if (s.kind === 'add') {
							const catalog = roleCatalog(data).map(r => r.name);
							const login = LOGINS[s.login % LOGINS.length]!;
							const {operator: added} = addOperator(data, {login, roles: s.roles.map(i => catalog[i % catalog.length]!)}, as(actor));
							expect(login).not.toBe(actor);
							for (const resource of heldResources(data, login)) expect(held).toContain(resource);
							if (added.roles.includes(OWNER_ROLE)) expect(actorIsOwner).toBe(true);
						} else if (s.kind === 'remove') {
							const target = data.operators[s.login % data.operators.length]!;
							removeOperator(data, target.login, {operator: actor});
							expect(target.login).not.toBe(actor);
							if (target.roles.includes(OWNER_ROLE)) expect(actorIsOwner).toBe(true);
						} else {
							const {role} = addCustomRole(data, {name: `role ${roleCount++}`, resources: s.resources.map(i => ALL_RESOURCES[i % ALL_RESOURCES.length]!)}, as(actor));
							for (const resource of role.resources) expect(held).toContain(resource);
						}
						accepted[s.kind]++;
					} catch (error) {
						if (!(error instanceof ApiKeysError)) throw error;
						expect(data).toEqual(before);
					}
					expect(data.operators.some(o => o.roles.includes(OWNER_ROLE))).toBe(true);
				}
			}),
			{numRuns: 200},
		);
		// The property is only worth something if each kind of change was also accepted.
		expect(Math.min(accepted.add, accepted.remove, accepted.role)).toBeGreaterThan(20);
	});
});
