import {join} from 'node:path';
import {expect} from 'vitest';
import {runCli, tempDir} from '../helpers.js';

/** A store where alice (the app) and bob (another shell) are both admins; bob's commands run the built program. */
export async function twoAdminStore() {
	const store = join(tempDir(), 'store.json');
	const as = async (operator: string, args: string[]) => {
		const result = await runCli([...args, '--store', store], {operator});
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		return result.stdout;
	};
	await as('alice', ['init', '--account', 'acme']);
	await as('alice', ['operators', 'add', 'bob', '--role', 'User Administrator - RESTRICTED']);
	const generate = async (name: string, roles: string[] = []) =>
		(JSON.parse(await as('alice', ['generate', '--name', name, ...roles.flatMap(r => ['--role', r]), '--json'])) as {appKey: string}).appKey;
	const key = async (appKey: string) =>
		(JSON.parse(await as('alice', ['list', '--json'])) as Array<{appKey: string; roles: string[]; pendingRenewal: boolean}>).find(k => k.appKey === appKey)!;
	return {store, alice: (args: string[]) => as('alice', args), bob: (args: string[]) => as('bob', args), generate, key};
}

/** The text inside the open dialog's border, its wrapped lines joined, so a sentence reads whole at any width. */
export function dialogText(screen: string): string {
	return screen
		.split('\n')
		.filter(line => /^\s*│/.test(line))
		.map(line => line.replace(/^\s*│/, '').replace(/│\s*$/, '').trim())
		.join(' ')
		.replace(/\s+/g, ' ');
}
