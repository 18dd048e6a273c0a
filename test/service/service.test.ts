import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ApiKeysError} from '../../source/core/errors.js';
import {resolveOperator} from '../../source/identity.js';
import {ApiKeysService} from '../../source/service.js';
import {HOUR, MINUTE} from '../../source/core/time.js';
import {T0, TOKEN_IN_TEXT, tempDir} from '../helpers.js';
import {eachStore, type Login} from '../stores.js';

eachStore('the service', stores => {
	async function service(operator: Login = 'alice') {
		let now = T0;
		const store = await stores.fresh();
		const clock = () => now;
		const owner = await store.init({clock});
		const as = operator === 'alice' ? owner : await store.open(operator, {clock});
		return {owner, as, store, advance: (ms: number) => (now += ms), revision: () => store.revision()};
	}

	it('records one activity entry per change, in the same write as the change', async () => {
		const {owner, revision} = await service();
		const before = await revision();
		const {row} = await owner.generate({name: 'ERP', roles: ['OMS - Read only']});
		expect(await revision()).toBe(before + 1);
		const [latest] = await owner.activity();
		expect(latest).toEqual({at: T0, operator: 'alice', action: 'generate', appKey: row.appKey, summary: 'name: ERP; roles: OMS - Read only'});
	});

	it('an edit that changes nothing writes nothing and logs nothing', async () => {
		const {owner, revision} = await service();
		const {row} = await owner.generate({name: 'ERP', roles: ['OMS - Read only']});
		const before = await revision();
		expect((await owner.edit(row.appKey, {roles: ['oms - read only']})).changed).toBe(false);
		expect(await revision()).toBe(before);
		expect((await owner.activity()).map(e => e.action)).toEqual(['generate', 'create store']);
	});

	it('a refused change leaves the store and the log as they were', async () => {
		const {owner, store} = await service();
		const before = await store.contents();
		await expect(owner.deactivate('appkey-acme-NOSUCH')).rejects.toThrow('no generated key');
		expect(await store.contents()).toBe(before);
	});

	it('verify records last use at most once a minute per key', async () => {
		const {owner, advance, revision} = await service();
		const {row, reveal} = await owner.generate({name: 'ERP', roles: []});
		if (reveal.kind !== 'link') throw new Error('expected a link');
		const {token} = await owner.redeem(reveal.url);
		const before = await revision();
		expect((await owner.verify(row.appKey, token)).valid).toBe(true);
		expect(await revision()).toBe(before + 1);
		advance(30_000);
		await owner.verify(row.appKey, token);
		expect(await revision()).toBe(before + 1);
		advance(MINUTE);
		await owner.verify(row.appKey, token);
		expect(await revision()).toBe(before + 2);
		expect((await owner.getKey(row.appKey)).lastUsed).toBe(T0 + 90_000);
	});

	it('purges expired links with the next change, and never logs a secret', async () => {
		const {owner, advance, store} = await service();
		await owner.generate({name: 'ERP', roles: []});
		advance(25 * HOUR);
		await owner.generate({name: 'CRM', roles: []});
		expect((await (await store.open('alice')).snapshot()).links).toHaveLength(1);
		expect(await store.contents()).not.toMatch(TOKEN_IN_TEXT);
		expect(JSON.stringify(await owner.activity())).not.toMatch(/credentials|apikt_/);
	});

	it('refuses every change to an operator without the resource, naming it', async () => {
		const {owner, store} = await service();
		const {row} = await owner.generate({name: 'ERP', roles: []});
		await owner.addOperator({login: 'bob', roles: ['API Keys - Token renewal']});
		const bob = await store.open('bob');
		await expect(bob.deactivate(row.appKey)).rejects.toThrow('operator "bob" cannot deactivate keys: it needs the resource "Edit API Keys"');
		await expect(bob.updateSettings({renewalAlertMonths: 6})).rejects.toThrow('it needs the resource "Edit API Keys settings"');
		expect((await bob.listKeys()).rows).toHaveLength(1);
		expect(await bob.missing('Renew API token')).toBeNull();
		expect(await bob.missing('Edit API Keys')).toBe('Edit API Keys');
	});

	it('writes an export for an operator who may view keys, and refuses one who may not, writing nothing', async () => {
		const {owner, store} = await service();
		await owner.generate({name: 'ERP', roles: ['OMS - Read only']});
		await owner.addOperator({login: 'bob', roles: ['OMS - Read only']});
		const directory = tempDir();
		const written = await owner.writeExport({file: join(directory, 'keys.json')});
		expect(written).toEqual({files: [join(directory, 'keys.json')], generated: 1, external: 0});
		expect(JSON.parse(readFileSync(join(directory, 'keys.json'), 'utf8')).generated[0].label).toBe('ERP');
		const bob = await store.open('bob');
		await expect(bob.writeExport({file: join(directory, 'bob.json')})).rejects.toThrow('it needs the resource "View API Keys"');
		expect(readdirSync(directory)).toEqual(['keys.json']);
	});

	it('gives the share page its base URL and the worker its revision, and checks tokens in a row without writing', async () => {
		const {owner, revision} = await service();
		await owner.updateSettings({shareBaseUrl: 'https://keys.example.com/'});
		expect(await owner.shareBaseUrl()).toBe('https://keys.example.com');
		const {row, reveal} = await owner.generate({name: 'ERP', roles: []});
		if (reveal.kind !== 'link') throw new Error('expected a link');
		const {token} = await owner.redeem(reveal.url);
		expect(owner.revision).toBe(await revision());
		const check = await owner.tokenChecker();
		expect(check(row.appKey, token)).toMatchObject({valid: true, matched: 'current'});
		expect(check(row.appKey, token.replace(/.$/, c => (c === 'a' ? 'b' : 'a')))).toMatchObject({valid: false});
		expect(await revision()).toBe(owner.revision);
		expect((await owner.getKey(row.appKey)).lastUsed).toBeUndefined();
	});
});

describe('operator identity', () => {
	it('is APIKEYS_OPERATOR, else SUDO_USER, else the login name; under sudo as another user SUDO_USER wins', () => {
		expect(resolveOperator({APIKEYS_OPERATOR: 'demo'}, 1000)).toBe('demo');
		expect(resolveOperator({SUDO_USER: 'ana', SUDO_UID: '1000'}, 998)).toBe('ana');
		expect(resolveOperator({SUDO_USER: 'ana', SUDO_UID: '1000', APIKEYS_OPERATOR: 'boss'}, 998)).toBe('ana');
		expect(resolveOperator({}, 1000)).toMatch(/\S+/);
	});

	it('refuses a login that is not a login name, from wherever it comes, showing it escaped', () => {
		const refusal = (run: () => unknown) => {
			try {
				run();
			} catch (error) {
				expect(error).toBeInstanceOf(ApiKeysError);
				return (error as Error).message;
			}
			return 'not refused';
		};
		expect(refusal(() => resolveOperator({APIKEYS_OPERATOR: 'ev\u001b]0;T\u0007'}, 1000))).toBe(
			'APIKEYS_OPERATOR "ev\\e]0;T\\x07" is not a login name: 1–64 letters, digits, _ . @ -',
		);
		expect(refusal(() => resolveOperator({SUDO_USER: 'ana\u202e', SUDO_UID: '1000', APIKEYS_OPERATOR: 'boss'}, 998))).toBe(
			'SUDO_USER "ana\\u{202e}" is not a login name: 1–64 letters, digits, _ . @ -',
		);
		expect(refusal(() => resolveOperator({SUDO_USER: 'ana\uffa0'}, 1000))).toBe('SUDO_USER "ana\\u{ffa0}" is not a login name: 1–64 letters, digits, _ . @ -');
		expect(refusal(() => resolveOperator({}, 1000, () => 'John Smith'))).toBe(
			'your login name "John Smith" cannot be an operator login (1–64 letters, digits, _ . @ -): set APIKEYS_OPERATOR to one',
		);
		expect(resolveOperator({APIKEYS_OPERATOR: 'rita'}, 1000, () => 'John Smith')).toBe('rita');
	});
});

describe('a draft', () => {
	it('builds a draft in memory through the same rules and log, and writes it once', async () => {
		let now = T0;
		const draft = ApiKeysService.draft('acme', {operator: 'alice', clock: () => now});
		await draft.addOperator({login: 'maria', roles: ['API Keys - Read only']});
		now += HOUR;
		await expect(draft.as('maria').generate({name: 'ERP', roles: []})).rejects.toThrow('it needs the resource "Edit API Keys"');
		await draft.generate({name: 'ERP', roles: []});
		const path = join(tempDir(), 'store.json');
		await draft.saveAs(path);
		await expect(draft.saveAs(path)).rejects.toThrow('a store already exists');
		const opened = await ApiKeysService.open(path, {operator: 'maria'});
		expect((await opened.activity()).map(e => `${e.operator} ${e.action}`)).toEqual(['alice generate', 'alice operator add', 'alice create store']);
	});
});
