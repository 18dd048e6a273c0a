import {copyFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {runCli, tempDir} from '../helpers.js';
import {eachStore, type Login, type TestStore} from '../stores.js';

const OWNER_ONLY = 'only an Owner (Admin Super) can grant or remove it';
const NOT_HELD = 'nobody can grant a resource they do not hold';

/** alice is Owner, bob User Administrator, carol holds only View and Edit API Keys (a custom role). */
async function team(store: TestStore): Promise<TestStore> {
	const owner = await store.init();
	await owner.addOperator({login: 'bob', roles: ['User Administrator - RESTRICTED']});
	await owner.addRole({name: 'Key editor', resources: ['View API Keys', 'Edit API Keys']});
	await owner.addOperator({login: 'carol', roles: ['Key editor']});
	return store;
}

eachStore('operators and roles on the command line: nobody gives more than they hold', stores => {
	let store: TestStore;
	let before: string;
	beforeEach(async () => {
		store = await team(await stores.fresh());
		before = await store.contents();
	});
	const cli = (operator: Login, ...args: string[]) => store.cli(args, {as: operator});

	/** Runs a command that must be refused with exactly `message`, leaving the store as it was. */
	async function expectRefusal(operator: Login, args: string[], message: string) {
		expect(await cli(operator, ...args)).toEqual({code: 1, stdout: '', stderr: `apikeys: ${message}\n`});
		expect(await store.contents()).toBe(before);
	}

	it('an operator holding only Edit API Keys cannot add an Owner, remove the Owner, or make a role', async () => {
		const needs = (what: string) => `operator "carol" cannot ${what}: it needs the resource "Manage operators and roles"`;
		await expectRefusal('carol', ['operators', 'add', 'mallory', '--role', 'Owner (Admin Super)'], needs('add operators'));
		await expectRefusal('carol', ['operators', 'remove', 'alice', '--yes'], needs('remove operators'));
		await expectRefusal('carol', ['roles', 'add', 'Everything', '--resource', 'View orders', '--resource', 'Edit API Keys settings'], needs('add roles'));
		await expectRefusal('carol', ['roles', 'remove', 'Key editor', '--yes'], needs('remove roles'));
	});

	it('a User Administrator cannot grant Owner, a role or resource it lacks, or remove the Owner', async () => {
		await expectRefusal('bob', ['operators', 'add', 'dave', '--role', 'Owner (Admin Super)'], `operator "bob" cannot grant "Owner (Admin Super)": ${OWNER_ONLY}`);
		await expectRefusal('bob', ['operators', 'add', 'dave', '--role', 'OMS - Full access'], `operator "bob" cannot grant "OMS - Full access": it includes "View orders", and ${NOT_HELD}`);
		await expectRefusal('bob', ['roles', 'add', 'Orders', '--resource', 'View API Keys', '--resource', 'View orders'], `operator "bob" cannot grant "View orders": ${NOT_HELD}`);
		await expectRefusal('bob', ['operators', 'remove', 'alice', '--yes'], `operator "bob" cannot remove "alice", who holds "Owner (Admin Super)": ${OWNER_ONLY}`);
	});

	it('nobody adds or removes themselves, not even the Owner', async () => {
		await expectRefusal('alice', ['operators', 'remove', 'alice', '--yes'], 'operator "alice" cannot remove themselves: nobody changes their own roles');
		await expectRefusal('alice', ['operators', 'add', 'alice', '--role', 'API Keys - Read only'], 'operator "alice" cannot add themselves: nobody changes their own roles');
		await expectRefusal('bob', ['operators', 'remove', 'bob', '--yes'], 'operator "bob" cannot remove themselves: nobody changes their own roles');
	});

	it('what an operator holds, it may grant: a User Administrator adds a peer and a key-editing role', async () => {
		expect(await cli('bob', 'operators', 'add', 'dave', '--role', 'User Administrator - RESTRICTED')).toEqual({
			code: 0,
			stdout: 'Added operator dave: User Administrator - RESTRICTED\n',
			stderr: '',
		});
		expect((await cli('bob', 'roles', 'add', 'Managers', '--resource', 'Manage operators and roles')).stdout).toBe('Added role Managers: Manage operators and roles\n');
		expect((await cli('bob', 'operators', 'remove', 'carol', '--yes')).stdout).toBe('Removed operator carol.\n');
		// Another Owner may remove the first one.
		expect((await cli('alice', 'operators', 'add', 'carol', '--role', 'Owner (Admin Super)')).code).toBe(0);
		expect((await cli('carol', 'operators', 'remove', 'alice', '--yes')).stdout).toBe('Removed operator alice.\n');
	});

	it('a stranger is told to ask the holders of Manage operators and roles', async () => {
		expect((await cli('alice', 'operators', 'remove', 'carol', '--yes')).code).toBe(0);
		expect(await cli('carol', 'list')).toEqual({
			code: 1,
			stdout: '',
			stderr: 'apikeys: operator "carol" is not in this store: ask alice, bob to run "apikeys operators add carol --role ROLE"\n',
		});
	});

	it('roles list shows the new resource on Owner and User Administrator, and in the resources line', async () => {
		const {stdout} = await cli('alice', 'roles', 'list');
		expect(stdout).toMatch(/^Owner \(Admin Super\)\s+predefined\s+View API Keys, Edit API Keys, Renew API token, Edit API Keys settings, Manage operators and roles, View orders, /m);
		expect(stdout).toMatch(/^User Administrator - RESTRICTED\s+predefined\s+View API Keys, Edit API Keys, Renew API token, Edit API Keys settings, Manage operators and roles\n/m);
		expect(stdout).toMatch(/^API Keys - Read only\s+predefined\s+View API Keys\n/m);
		expect(stdout).toMatch(/^Resources: View API Keys, Edit API Keys, Renew API token, Edit API Keys settings, Manage operators and roles, View orders, .*\n$/m);
	});
});

describe('a store written before Manage operators and roles existed', () => {
	// Written by the build of 488f5bb: alice Owner, ursula User Administrator, eddie with a custom "Key editor" role (View and Edit API Keys).
	const FIXTURE = resolve(import.meta.dirname, '..', 'fixtures', 'store-before-manage-resource.json');

	it('keeps working: its Owner and User Administrator gain the resource through their roles; Edit API Keys alone no longer suffices', async () => {
		const store = join(tempDir(), 'store.json');
		copyFileSync(FIXTURE, store);
		const cli = (operator: string, ...args: string[]) => runCli(args, {store, operator});
		expect(await cli('alice', 'operators', 'add', 'bob', '--role', 'API Keys - Read only')).toEqual({code: 0, stdout: 'Added operator bob: API Keys - Read only\n', stderr: ''});
		expect((await cli('ursula', 'operators', 'add', 'carol', '--role', 'API Keys - Token renewal')).code).toBe(0);
		expect(await cli('eddie', 'operators', 'add', 'dave', '--role', 'API Keys - Read only')).toEqual({
			code: 1,
			stdout: '',
			stderr: 'apikeys: operator "eddie" cannot add operators: it needs the resource "Manage operators and roles"\n',
		});
		const operators = JSON.parse((await cli('alice', 'operators', 'list', '--json')).stdout) as Array<{login: string; addedBy: string}>;
		expect(operators.map(o => `${o.login} by ${o.addedBy}`)).toEqual(['alice by alice', 'ursula by alice', 'eddie by alice', 'bob by alice', 'carol by ursula']);
	});
});
