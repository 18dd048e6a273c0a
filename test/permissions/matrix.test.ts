import {beforeAll, expect, it} from 'vitest';
import type {ApiKeysService} from '../../source/service.js';
import {MANAGE_OPERATORS, OPERATOR_RESOURCES, type OperatorResource} from '../../source/core/types.js';
import {eachStore, type Login, type TestStore} from '../stores.js';

interface Action {
	what: string;
	resource: OperatorResource;
	/** Through the service: resolves when allowed. */
	service(s: ApiKeysService, target: Target): Promise<unknown>;
	/** The same through the command line. */
	cli(target: Target): string[];
}

interface Target {
	appKey: string;
	pending: string;
	/** A key whose link was never used. */
	linked: string;
	external: string;
	role: string;
	login: string;
}

const ACTIONS: Action[] = [
	{what: 'list keys', resource: 'View API Keys', service: s => s.listKeys(), cli: () => ['list']},
	{what: 'export', resource: 'View API Keys', service: s => s.exportTables(), cli: () => ['export', '--format', 'json', '--output', '-']},
	{what: 'read the activity', resource: 'View API Keys', service: s => s.activity(), cli: () => ['audit']},
	{what: 'list external keys', resource: 'View API Keys', service: s => s.listExternal(), cli: () => ['external', 'list']},
	{what: 'generate', resource: 'Edit API Keys', service: s => s.generate({name: 'x', roles: []}), cli: () => ['generate', '--name', 'x']},
	{what: 'edit', resource: 'Edit API Keys', service: (s, t) => s.edit(t.appKey, {addRoles: ['Checkout Admin']}), cli: t => ['edit', t.appKey, '--add-role', 'Checkout Admin']},
	{what: 'deactivate', resource: 'Edit API Keys', service: (s, t) => s.deactivate(t.appKey), cli: t => ['deactivate', t.appKey, '--yes']},
	{what: 'delete', resource: 'Edit API Keys', service: (s, t) => s.deleteKey(t.appKey), cli: t => ['delete', t.appKey, '--yes']},
	{what: 'add an external key', resource: 'Edit API Keys', service: s => s.addExternal({appKey: 'vtexappkey-other-AAAAAA', roles: []}), cli: () => ['external', 'add', 'vtexappkey-other-AAAAAA']},
	{what: 'edit an external key', resource: 'Edit API Keys', service: (s, t) => s.editExternal(t.external, ['Checkout Admin']), cli: t => ['external', 'edit', t.external, '--role', 'Checkout Admin']},
	{what: 'remove an external key', resource: 'Edit API Keys', service: (s, t) => s.removeExternal(t.external), cli: t => ['external', 'remove', t.external, '--yes']},
	{what: 'add a role', resource: MANAGE_OPERATORS, service: s => s.addRole({name: 'New role', resources: ['View API Keys']}), cli: () => ['roles', 'add', 'New role', '--resource', 'View API Keys']},
	{what: 'remove a role', resource: MANAGE_OPERATORS, service: (s, t) => s.removeRole(t.role), cli: t => ['roles', 'remove', t.role, '--yes']},
	{what: 'add an operator', resource: MANAGE_OPERATORS, service: s => s.addOperator({login: 'newbie', roles: ['API Keys - Read only']}), cli: () => ['operators', 'add', 'newbie', '--role', 'API Keys - Read only']},
	{what: 'remove an operator', resource: MANAGE_OPERATORS, service: (s, t) => s.removeOperator(t.login), cli: t => ['operators', 'remove', t.login, '--yes']},
	{what: 'renew', resource: 'Renew API token', service: (s, t) => s.renew(t.appKey, 'now'), cli: t => ['renew', t.appKey, '--delete-old', 'now']},
	{what: 'delete an old token', resource: 'Renew API token', service: (s, t) => s.deleteOldToken(t.pending), cli: t => ['delete-old-token', t.pending, '--yes']},
	{what: 'undo a renewal', resource: 'Renew API token', service: (s, t) => s.undoRenewal(t.pending), cli: t => ['undo-renewal', t.pending, '--yes']},
	{what: 'revoke a link', resource: 'Renew API token', service: (s, t) => s.revokeLink(t.linked), cli: t => ['revoke-link', t.linked, '--yes']},
	{what: 'change settings', resource: 'Edit API Keys settings', service: s => s.updateSettings({renewalAlertMonths: 6}), cli: () => ['settings', '--renewal-alert', '6']},
];

/** A fresh store with a target for every action, and a role for each resource holding every other one. */
async function world(store: TestStore) {
	const owner = await store.init();
	const {row: key, reveal} = await owner.generate({name: 'target', roles: []});
	if (reveal.kind === 'link') await owner.redeem(reveal.url);
	const {row: pending, reveal: pendingReveal} = await owner.generate({name: 'pending', roles: []});
	if (pendingReveal.kind === 'link') await owner.redeem(pendingReveal.url);
	const renewal = await owner.renew(pending.appKey, 'later');
	if (renewal.reveal.kind === 'link') await owner.redeem(renewal.reveal.url);
	const {row: linked} = await owner.generate({name: 'linked', roles: []});
	await owner.addExternal({appKey: 'vtexappkey-partner-QWERTY', roles: []});
	await owner.addRole({name: 'Unused role', resources: ['View orders']});
	await owner.addOperator({login: 'leaving', roles: ['API Keys - Read only']});
	for (const resource of OPERATOR_RESOURCES) await owner.addRole({name: `all but ${resource}`, resources: OPERATOR_RESOURCES.filter(r => r !== resource)});
	const target: Target = {appKey: key.appKey, pending: pending.appKey, linked: linked.appKey, external: 'vtexappkey-partner-QWERTY', role: 'Unused role', login: 'leaving'};
	/** Gives `login` every resource but `without`, as the Owner would. */
	const without = async (login: Login, resource: OperatorResource) => {
		if ((await owner.operators()).some(o => o.login === login)) await owner.removeOperator(login);
		await owner.addOperator({login, roles: [`all but ${resource}`]});
	};
	return {target, without};
}

/** Holding every other resource is not enough; holding this one is (what is granted, View API Keys, is held too). */
const holderOf = (resource: OperatorResource): OperatorResource => (resource === 'Edit API Keys settings' ? 'Renew API token' : 'Edit API Keys settings');

eachStore('every action needs its resource, through the service', stores => {
	it.each(ACTIONS.map(a => [a.what, a] as const))('%s', async (_, action) => {
		const store = await stores.fresh();
		const {target, without} = await world(store);
		await without('bob', action.resource);
		await without('carol', holderOf(action.resource));
		await expect(action.service(await store.open('bob'), target)).rejects.toThrow(`it needs the resource "${action.resource}"`);
		await expect(action.service(await store.open('carol'), target)).resolves.toBeDefined();
	});
});

eachStore('every action needs its resource, through the command line', stores => {
	// One store for all: each refusal changes nothing (checked), so the next action finds its target.
	let store: TestStore;
	let shared: Awaited<ReturnType<typeof world>>;
	beforeAll(async () => {
		store = await stores.fresh();
		shared = await world(store);
	});

	it.each(ACTIONS.map(a => [a.what, a] as const))('%s exits 1 naming the resource, changing nothing', async (_, action) => {
		await shared.without('bob', action.resource);
		const before = await store.contents();
		const result = await store.cli(action.cli(shared.target), {as: 'bob'});
		expect(result.stderr).toMatch(new RegExp(`^apikeys: operator "bob" cannot .+: it needs the resource "${action.resource}"\\n$`));
		expect(result.code).toBe(1);
		expect(result.stdout).toBe('');
		expect(await store.contents()).toBe(before);
	});
});

eachStore('what each operator may grant, through the service', stores => {
	const OWNER_ONLY = 'only an Owner (Admin Super) can grant or remove it';
	const NOT_HELD = (role: string, resource: string) => `cannot grant "${role}": it includes "${resource}", and nobody can grant a resource they do not hold`;
	// bob is a User Administrator; carol holds every resource but Edit API Keys. Granter, role granted, the refusal's end (null: allowed).
	const GRANTS: Array<[Login, string, string | null]> = [
		['alice', 'Owner (Admin Super)', null],
		['alice', 'User Administrator - RESTRICTED', null],
		['alice', 'OMS - Read only', null],
		['bob', 'Owner (Admin Super)', `cannot grant "Owner (Admin Super)": ${OWNER_ONLY}`],
		['bob', 'User Administrator - RESTRICTED', null],
		['bob', 'API Keys - Read only', null],
		['bob', 'OMS - Read only', NOT_HELD('OMS - Read only', 'View orders')],
		['carol', 'Owner (Admin Super)', `cannot grant "Owner (Admin Super)": ${OWNER_ONLY}`],
		['carol', 'User Administrator - RESTRICTED', NOT_HELD('User Administrator - RESTRICTED', 'Edit API Keys')],
		['carol', 'API Keys - Token renewal', null],
	];

	async function team(): Promise<TestStore> {
		const store = await stores.fresh();
		const owner = await store.init();
		await owner.addOperator({login: 'bob', roles: ['User Administrator - RESTRICTED']});
		await owner.addRole({name: 'all but Edit API Keys', resources: OPERATOR_RESOURCES.filter(r => r !== 'Edit API Keys')});
		await owner.addOperator({login: 'carol', roles: ['all but Edit API Keys']});
		await owner.addOperator({login: 'otto', roles: ['Owner (Admin Super)']});
		return store;
	}

	it.each(GRANTS)('%s granting "%s"', async (granter, role, refusal) => {
		const service = await (await team()).open(granter);
		const granting = service.addOperator({login: 'newbie', roles: [role]});
		if (refusal === null) await expect(granting).resolves.toMatchObject({login: 'newbie', roles: [role], addedBy: granter});
		else await expect(granting).rejects.toThrow(`operator "${granter}" ${refusal}`);
		expect((await service.operators()).some(o => o.login === 'newbie')).toBe(refusal === null);
	});

	it.each([
		['alice', null],
		['bob', `operator "bob" cannot remove "otto", who holds "Owner (Admin Super)": ${OWNER_ONLY}`],
		['carol', `operator "carol" cannot remove "otto", who holds "Owner (Admin Super)": ${OWNER_ONLY}`],
	] as Array<[Login, string | null]>)('%s removing an Owner', async (remover, refusal) => {
		const service = await (await team()).open(remover);
		if (refusal === null) await expect(service.removeOperator('otto')).resolves.toMatchObject({login: 'otto'});
		else await expect(service.removeOperator('otto')).rejects.toThrow(refusal);
		expect((await service.operators()).some(o => o.login === 'otto')).toBe(refusal !== null);
	});

	it.each(['alice', 'bob'] as Login[])('%s cannot remove themselves', async login => {
		const service = await (await team()).open(login);
		await expect(service.removeOperator(login)).rejects.toThrow(`operator "${login}" cannot remove themselves: nobody changes their own roles`);
	});
});
