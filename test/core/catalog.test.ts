import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {ApiKeysError} from '../../source/core/errors.js';
import {addExternalKey, editExternalRoles, ownerOf, removeExternalKey} from '../../source/core/external.js';
import {generateKey, replaceKey} from '../../source/core/keys.js';
import {addOperator, removeOperator, requireResource} from '../../source/core/permissions.js';
import {buildKeyIndex, countAlerts, filterByAlert, filterKeyIndex, indexCharacterPairs, indexCharacters, queryKeys, type StatusFilter} from '../../source/core/query.js';
import {OWNER_ROLE, PREDEFINED_ROLES, USER_ADMIN_ROLE, addCustomRole, resolveRoles, resourcesOfRoles} from '../../source/core/roles.js';
import {KEY_RESOURCES, MANAGE_OPERATORS} from '../../source/core/types.js';
import {DAY, HOUR, addMonths} from '../../source/core/time.js';
import {T0, context, freshStore} from '../helpers.js';

describe('roles catalog', () => {
	it('has the predefined roles; Owner and User Administrator hold all four key resources and Manage operators and roles', () => {
		const names = PREDEFINED_ROLES.map(r => r.name);
		for (const name of [OWNER_ROLE, USER_ADMIN_ROLE, 'OMS - Full access', 'OMS - Read only', 'Logistics - Full access', 'Call center operator', 'Finance - Full access', 'Checkout Admin', 'Payments Notifier', 'IntegrationProfile - Fulfillment Oms', 'Webservice - Full access']) {
			expect(names).toContain(name);
		}
		const data = freshStore();
		for (const role of [OWNER_ROLE, USER_ADMIN_ROLE]) {
			expect([...resourcesOfRoles(data, [role])]).toEqual(expect.arrayContaining([...KEY_RESOURCES, MANAGE_OPERATORS]));
		}
		const others = PREDEFINED_ROLES.filter(r => r.name !== OWNER_ROLE && r.name !== USER_ADMIN_ROLE);
		expect(others.filter(r => r.resources.includes(MANAGE_OPERATORS))).toEqual([]);
	});

	it('adds custom roles from known resources; names are unique case-insensitively', () => {
		const data = freshStore();
		const {role, summary} = addCustomRole(data, {name: 'Key auditor', resources: ['view api keys']}, context());
		expect(summary).toBe('Key auditor: View API Keys');
		expect(role.resources).toEqual(['View API Keys']);
		expect(resolveRoles(data, ['KEY AUDITOR'])).toEqual(['Key auditor']);
		expect(() => addCustomRole(data, {name: 'key auditor', resources: ['View API Keys']}, context())).toThrow('already exists');
		expect(() => addCustomRole(data, {name: 'x', resources: ['Launch missiles']}, context())).toThrow('unknown resource');
		expect(() => addCustomRole(data, {name: 'y', resources: []}, context())).toThrow('at least one resource');
	});
});

describe('operators and permissions', () => {
	it("the store's creator is Owner and may do everything", () => {
		const data = freshStore();
		expect(data.operators).toEqual([{login: 'alice', roles: [OWNER_ROLE], added: T0, addedBy: 'alice'}]);
		for (const resource of KEY_RESOURCES) expect(() => requireResource(data, 'alice', resource, 'x')).not.toThrow();
	});

	it('an operator who is not in the store is refused and told who can add them', () => {
		const data = freshStore();
		expect(() => requireResource(data, 'mallory', 'View API Keys', 'view API keys')).toThrow(
			'operator "mallory" is not in this store: ask alice to run "apikeys operators add mallory --role ROLE"',
		);
	});

	it('an operator lacking a resource is refused naming it', () => {
		const data = freshStore();
		addOperator(data, {login: 'viewer', roles: ['API Keys - Read only']}, context());
		expect(() => requireResource(data, 'viewer', 'View API Keys', 'view')).not.toThrow();
		const error = (() => {
			try {
				requireResource(data, 'viewer', 'Edit API Keys', 'generate keys');
			} catch (e) {
				return e as ApiKeysError;
			}
		})();
		expect(error?.kind).toBe('forbidden');
		expect(error?.message).toBe('operator "viewer" cannot generate keys: it needs the resource "Edit API Keys"');
	});

	it('the last Owner cannot be removed; another operator can', () => {
		const data = freshStore();
		addOperator(data, {login: 'bob', roles: ['API Keys - Read only']}, context());
		expect(() => removeOperator(data, 'alice', {operator: 'alice'})).toThrow('cannot remove themselves');
		expect(() => removeOperator(data, 'alice', {operator: 'bob'})).toThrow('only an Owner (Admin Super) can grant or remove it');
		expect(data.operators.map(o => o.login)).toEqual(['alice', 'bob']);
		expect(removeOperator(data, 'bob', {operator: 'alice'}).operator.login).toBe('bob');
		expect(() => addOperator(data, {login: 'bad login', roles: [OWNER_ROLE]}, context())).toThrow('is not a login name');
		expect(() => addOperator(data, {login: 'alice', roles: [OWNER_ROLE]}, context(undefined, 'carol'))).toThrow('already in this store');
	});
});

describe('external keys', () => {
	it('parse the owner from the appKey and refuse this account\'s own keys', () => {
		const data = freshStore();
		expect(ownerOf('vtexappkey-partner-co-ABCDEF')).toBe('partner-co');
		const {key, summary} = addExternalKey(data, {appKey: 'vtexappkey-partner-ABCDEF', roles: ['OMS - Read only']}, context());
		expect(summary).toBe('roles: OMS - Read only');
		expect(key).toMatchObject({appKey: 'vtexappkey-partner-ABCDEF', roles: ['OMS - Read only'], active: true});
		expect(() => addExternalKey(data, {appKey: 'appkey-acme-ABCDEF', roles: []}, context())).toThrow('belongs to this account (acme)');
		expect(() => addExternalKey(data, {appKey: 'vtexappkey-partner-ABCDEF', roles: []}, context())).toThrow('already an external key');
		expect(() => addExternalKey(data, {appKey: 'not a key', roles: []}, context())).toThrow('is not an appKey');
		const edited = editExternalRoles(data, key.appKey, ['Checkout Admin', 'oms - read only']);
		expect(edited).toMatchObject({key: {roles: ['Checkout Admin', 'OMS - Read only']}, summary: 'roles: OMS - Read only → Checkout Admin, OMS - Read only'});
		// A new object in the key's place: the one read before is left as it was.
		expect(key.roles).toEqual(['OMS - Read only']);
		expect(data.external).toEqual([edited.key]);
		expect(editExternalRoles(data, key.appKey, ['OMS - Read only', 'Checkout Admin'])).toEqual({key: edited.key, summary: null});
		expect(removeExternalKey(data, key.appKey).summary).toBe('removed');
		expect(data.external).toEqual([]);
	});
});

describe('search and sort', () => {
	const data = freshStore();
	for (const [i, name] of ['ERP integration', 'Marketplace feed', 'erp backup', 'Payments'].entries()) {
		generateKey(data, {name, roles: []}, context(T0 + i * HOUR));
	}
	data.keys[3] = {...data.keys[3]!, active: false};

	it('finds by name or appKey, case-insensitively', () => {
		expect(queryKeys(data, {search: 'ERP'}, T0 + DAY).map(k => k.name)).toEqual(['erp backup', 'ERP integration']);
		const appKey = data.keys[1]!.appKey;
		expect(queryKeys(data, {search: appKey.slice(-6).toLowerCase()}, T0 + DAY).map(k => k.appKey)).toEqual([appKey]);
		expect(queryKeys(data, {search: 'nothing like it'}, T0 + DAY)).toEqual([]);
	});

	it('filters by status and sorts newest first by default, or by a column', () => {
		expect(queryKeys(data, {}, T0 + DAY).map(k => k.name)).toEqual(['Payments', 'erp backup', 'Marketplace feed', 'ERP integration']);
		expect(queryKeys(data, {status: 'inactive'}, T0 + DAY).map(k => k.name)).toEqual(['Payments']);
		expect(queryKeys(data, {status: 'active', sort: 'name'}, T0 + DAY).map(k => k.name)).toEqual(['erp backup', 'ERP integration', 'Marketplace feed']);
	});

	it('a search typed one character at a time, erased and retyped, finds what a fresh scan finds, with or without the character lists', () => {
		const many = freshStore();
		const words = ['erp', 'sap', 'Erp sync', 'esa', 'pas', 'ape', 'ÉRP', 'e'];
		for (let i = 0; i < 60; i++) generateKey(many, {name: `${words[i % words.length]} ${i}`, roles: []}, context(T0 + i * HOUR));
		many.keys = many.keys.map((key, i) => ({...key, active: i % 3 !== 0}));
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.string({unit: fc.constantFrom('e', 'r', 'p', 's', 'a', 'é', ' ', '1')}), fc.constantFrom<StatusFilter>('all', 'active', 'inactive')), {maxLength: 20}), fc.boolean(), (steps, withCharacters) => {
				const index = buildKeyIndex(many);
				if (withCharacters) {
					indexCharacters(index);
					indexCharacterPairs(index);
				}
				for (const [search, status] of steps) {
					// Reached a character at a time, as typing does, so each step can narrow the last.
					for (let length = 0; length <= search.length; length++) {
						const typed = search.slice(0, length);
						expect([...filterKeyIndex(index, {search: typed, status})]).toEqual([...filterKeyIndex(buildKeyIndex(many), {search: typed, status})]);
					}
				}
			}),
			{numRuns: 200},
		);
	});

	it("a search's answer reads like an array of the keys it found, without copying them", () => {
		const many = freshStore();
		for (let i = 0; i < 12; i++) generateKey(many, {name: `${i % 2 === 0 ? 'erp' : 'sap'} ${i}`, roles: []}, context(T0 + i * HOUR));
		const index = buildKeyIndex(many);
		indexCharacters(index);
		indexCharacterPairs(index);
		const answer = filterKeyIndex(index, {search: 'er'});
		const expected = index.keys.filter(k => k.name.startsWith('erp'));
		expect(answer.length).toBe(6);
		expect([...answer]).toEqual(expected);
		expect(answer.at(0)).toBe(expected[0]);
		expect(answer.at(-1)).toBe(expected[5]);
		expect(answer.at(6)).toBeUndefined();
		expect(answer.slice(2, 4)).toEqual(expected.slice(2, 4));
		expect(answer.slice(4, 99)).toEqual(expected.slice(4));
		expect(answer.findIndex(k => k === expected[3])).toBe(3);
		expect(answer.findIndex(k => k.name.startsWith('sap'))).toBe(-1);
		const all = filterKeyIndex(index, {});
		expect(all.length).toBe(12);
		expect([...all]).toEqual(index.keys);
	});

	it('orders keys by each column whatever order they are stored in (oldest first, as the store keeps them, or any)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.integer({min: 0, max: 5}), fc.boolean(), fc.integer({min: 0, max: 3})), {minLength: 1, maxLength: 30}),
				fc.constantFrom('created', 'name', 'appKey', 'tokenAge', 'status', 'lastUsed'),
				fc.boolean(),
				fc.boolean(),
				(specs, sort, descending, storedOldestFirst) => {
					const store = freshStore();
					for (const [i, [age, active, used]] of specs.entries()) {
						const {key} = generateKey(store, {name: `key ${(i * 7) % 5}`, roles: []}, context(T0 - age * HOUR));
						replaceKey(store, key, {...key, active, ...(used ? {lastUsed: T0 + used} : {})});
					}
					if (storedOldestFirst) store.keys.sort((a, b) => a.created - b.created || (a.appKey < b.appKey ? 1 : -1));
					const expected = [...store.keys].sort((a, b) => {
						const byColumn = buildKeyIndex({...store, keys: [a, b]}, sort, descending).keys[0] === a ? -1 : 1;
						return byColumn;
					});
					expect(buildKeyIndex(store, sort, descending).keys.map(k => k.appKey)).toEqual(expected.map(k => k.appKey));
				},
			),
			{numRuns: 300},
		);
	});

	it('filters to keys with a renewal alert', () => {
		expect(queryKeys(data, {alertOnly: true}, T0 + DAY)).toEqual([]);
		expect(queryKeys(data, {alertOnly: true}, T0 + 100 * DAY)).toHaveLength(4);
	});

	it('counts and filters keys due soon (within 14 days of the period) apart from those past due (orange and red)', () => {
		const store = freshStore('acme', 'alice', addMonths(T0, -12));
		const made = (name: string, tokenCreated: number) => generateKey(store, {name, roles: []}, context(tokenCreated)).key;
		const fresh = made('fresh', T0 - 10 * DAY);
		const soon = [made('soon a', addMonths(T0, -3) + 13 * DAY), made('soon b', addMonths(T0, -3) + DAY)];
		const orange = made('orange', addMonths(T0, -4));
		const red = made('red', addMonths(T0, -7));
		expect(countAlerts(store.keys, 3, T0)).toEqual({dueSoon: 2, pastDue: 2});
		expect(filterByAlert(store.keys, 'due-soon', 3, T0)).toEqual(soon);
		expect(filterByAlert(store.keys, 'past-due', 3, T0)).toEqual([orange, red]);
		expect(queryKeys(store, {alertOnly: true, sort: 'name'}, T0).map(k => k.name)).toEqual(['orange', 'red', 'soon a', 'soon b']);
		// With a 6-month period none is past due, and the 4-month-old token is not yet within 14 days.
		expect(countAlerts(store.keys, 6, T0)).toEqual({dueSoon: 0, pastDue: 1});
		expect(filterByAlert([fresh], 'due-soon', 3, T0)).toEqual([]);
	});
});
