import {copyFileSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {ApiKeysService} from '../../source/service.js';
import {runCli, tempDir} from '../helpers.js';

const OWNER_ONLY = 'only an Owner (Admin Super) can grant or remove it';
const NOT_HELD = 'nobody can grant a resource they do not hold';

/** alice is Owner, ursula User Administrator, eddie holds only View and Edit API Keys (a custom role). */
async function team(): Promise<string> {
	const path = join(tempDir(), 'store.json');
	const owner = await ApiKeysService.init(path, 'acme', {operator: 'alice'});
	await owner.addOperator({login: 'ursula', roles: ['User Administrator - RESTRICTED']});
	await owner.addRole({name: 'Key editor', resources: ['View API Keys', 'Edit API Keys']});
	await owner.addOperator({login: 'eddie', roles: ['Key editor']});
	return path;
}

describe('operators and roles on the command line: nobody gives more than they hold', () => {
	let store: string;
	let before: Buffer;
	beforeEach(async () => {
		store = await team();
		before = readFileSync(store);
	});
	const cli = (operator: string, ...args: string[]) => runCli(args, {store, operator});

	/** Runs a command that must be refused with exactly `message`, leaving the store as it was. */
	async function expectRefusal(operator: string, args: string[], message: string) {
		expect(await cli(operator, ...args)).toEqual({code: 1, stdout: '', stderr: `apikeys: ${message}\n`});
		expect(readFileSync(store).equals(before)).toBe(true);
	}

	it('an operator holding only Edit API Keys cannot add an Owner, remove the Owner, or make a role', async () => {
		const needs = (what: string) => `operator "eddie" cannot ${what}: it needs the resource "Manage operators and roles"`;
		await expectRefusal('eddie', ['operators', 'add', 'mallory', '--role', 'Owner (Admin Super)'], needs('add operators'));
		await expectRefusal('eddie', ['operators', 'remove', 'alice', '--yes'], needs('remove operators'));
		await expectRefusal('eddie', ['roles', 'add', 'Everything', '--resource', 'View orders', '--resource', 'Edit API Keys settings'], needs('add roles'));
		await expectRefusal('eddie', ['roles', 'remove', 'Key editor', '--yes'], needs('remove roles'));
	});

	it('a User Administrator cannot grant Owner, a role or resource it lacks, or remove the Owner', async () => {
		await expectRefusal('ursula', ['operators', 'add', 'bob', '--role', 'Owner (Admin Super)'], `operator "ursula" cannot grant "Owner (Admin Super)": ${OWNER_ONLY}`);
		await expectRefusal('ursula', ['operators', 'add', 'bob', '--role', 'OMS - Full access'], `operator "ursula" cannot grant "OMS - Full access": it includes "View orders", and ${NOT_HELD}`);
		await expectRefusal('ursula', ['roles', 'add', 'Orders', '--resource', 'View API Keys', '--resource', 'View orders'], `operator "ursula" cannot grant "View orders": ${NOT_HELD}`);
		await expectRefusal('ursula', ['operators', 'remove', 'alice', '--yes'], `operator "ursula" cannot remove "alice", who holds "Owner (Admin Super)": ${OWNER_ONLY}`);
	});

	it('nobody adds or removes themselves, not even the Owner', async () => {
		await expectRefusal('alice', ['operators', 'remove', 'alice', '--yes'], 'operator "alice" cannot remove themselves: nobody changes their own roles');
		await expectRefusal('alice', ['operators', 'add', 'alice', '--role', 'API Keys - Read only'], 'operator "alice" cannot add themselves: nobody changes their own roles');
		await expectRefusal('ursula', ['operators', 'remove', 'ursula', '--yes'], 'operator "ursula" cannot remove themselves: nobody changes their own roles');
	});

	it('what an operator holds, it may grant: a User Administrator adds a peer and a key-editing role', async () => {
		expect(await cli('ursula', 'operators', 'add', 'bob', '--role', 'User Administrator - RESTRICTED')).toEqual({
			code: 0,
			stdout: 'Added operator bob: User Administrator - RESTRICTED\n',
			stderr: '',
		});
		expect((await cli('ursula', 'roles', 'add', 'Managers', '--resource', 'Manage operators and roles')).stdout).toBe('Added role Managers: Manage operators and roles\n');
		expect((await cli('ursula', 'operators', 'remove', 'eddie', '--yes')).stdout).toBe('Removed operator eddie.\n');
		expect((await cli('alice', 'operators', 'add', 'otto', '--role', 'Owner (Admin Super)')).code).toBe(0);
		expect((await cli('otto', 'operators', 'remove', 'alice', '--yes')).stdout).toBe('Removed operator alice.\n');
	});

	it('a stranger is told to ask the holders of Manage operators and roles', async () => {
		expect(await cli('mallory', 'list')).toEqual({
			code: 1,
			stdout: '',
			stderr: 'apikeys: operator "mallory" is not in this store: ask alice, ursula to run "apikeys operators add mallory --role ROLE"\n',
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
