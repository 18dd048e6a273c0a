import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ApiKeysError} from '../../source/core/errors.js';
import {resolveOperator} from '../../source/identity.js';
import {ApiKeysService} from '../../source/service.js';
import {HOUR, MINUTE} from '../../source/core/time.js';
import {T0, TOKEN_IN_TEXT, tempDir} from '../helpers.js';

async function service(operator = 'alice') {
	let now = T0;
	const path = join(tempDir(), 'store.json');
	const clock = () => now;
	const owner = await ApiKeysService.init(path, 'acme', {operator: 'alice', clock});
	const as = operator === 'alice' ? owner : await ApiKeysService.open(path, {operator, clock});
	return {owner, as, path, advance: (ms: number) => (now += ms), revision: () => JSON.parse(readFileSync(path, 'utf8')).revision as number};
}

describe('the service', () => {
	it('records one activity entry per change, in the same write as the change', async () => {
		const {owner, revision} = await service();
		const before = revision();
		const {row} = await owner.generate({name: 'ERP', roles: ['OMS - Read only']});
		expect(revision()).toBe(before + 1);
		const [latest] = await owner.activity();
		expect(latest).toEqual({at: T0, operator: 'alice', action: 'generate', appKey: row.appKey, summary: 'name: ERP; roles: OMS - Read only'});
	});

	it('an edit that changes nothing writes nothing and logs nothing', async () => {
		const {owner, revision} = await service();
		const {row} = await owner.generate({name: 'ERP', roles: ['OMS - Read only']});
		const before = revision();
		expect((await owner.edit(row.appKey, {roles: ['oms - read only']})).changed).toBe(false);
		expect(revision()).toBe(before);
		expect((await owner.activity()).map(e => e.action)).toEqual(['generate', 'create store']);
	});

	it('a refused change leaves the file and the log as they were', async () => {
		const {owner, path} = await service();
		const before = readFileSync(path);
		await expect(owner.deactivate('appkey-acme-NOSUCH')).rejects.toThrow('no generated key');
		expect(readFileSync(path).equals(before)).toBe(true);
	});

	it('verify records last use at most once a minute per key', async () => {
		const {owner, advance, revision} = await service();
		const {row, reveal} = await owner.generate({name: 'ERP', roles: []});
		if (reveal.kind !== 'link') throw new Error('expected a link');
		const {token} = await owner.redeem(reveal.url);
		const before = revision();
		expect((await owner.verify(row.appKey, token)).valid).toBe(true);
		expect(revision()).toBe(before + 1);
		advance(30_000);
		await owner.verify(row.appKey, token);
		expect(revision()).toBe(before + 1);
		advance(MINUTE);
		await owner.verify(row.appKey, token);
		expect(revision()).toBe(before + 2);
		expect((await owner.getKey(row.appKey)).lastUsed).toBe(T0 + 90_000);
	});

	it('purges expired links with the next change, and never logs a secret', async () => {
		const {owner, advance, path} = await service();
		await owner.generate({name: 'ERP', roles: []});
		advance(25 * HOUR);
		await owner.generate({name: 'CRM', roles: []});
		const data = JSON.parse(readFileSync(path, 'utf8'));
		expect(data.links).toHaveLength(1);
		expect(readFileSync(path, 'utf8')).not.toMatch(TOKEN_IN_TEXT);
		expect(JSON.stringify(await owner.activity())).not.toMatch(/credentials|apikt_/);
	});

	it('refuses every change to an operator without the resource, naming it', async () => {
		const {owner, path} = await service();
		const {row} = await owner.generate({name: 'ERP', roles: []});
		await owner.addOperator({login: 'rita', roles: ['API Keys - Token renewal']});
		const rita = await ApiKeysService.open(path, {operator: 'rita'});
		await expect(rita.deactivate(row.appKey)).rejects.toThrow('operator "rita" cannot deactivate keys: it needs the resource "Edit API Keys"');
		await expect(rita.updateSettings({renewalAlertMonths: 6})).rejects.toThrow('it needs the resource "Edit API Keys settings"');
		expect((await rita.listKeys()).rows).toHaveLength(1);
		expect(await rita.missing('Renew API token')).toBeNull();
		expect(await rita.missing('Edit API Keys')).toBe('Edit API Keys');
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

describe('what the service offers besides its changes', () => {
	it('writes an export for an operator who may view keys, and refuses one who may not, writing nothing', async () => {
		const {owner, path} = await service();
		await owner.generate({name: 'ERP', roles: ['OMS - Read only']});
		await owner.addOperator({login: 'otto', roles: ['OMS - Read only']});
		const directory = tempDir();
		const written = await owner.writeExport({file: join(directory, 'keys.json')});
		expect(written).toEqual({files: [join(directory, 'keys.json')], generated: 1, external: 0});
		expect(JSON.parse(readFileSync(join(directory, 'keys.json'), 'utf8')).generated[0].label).toBe('ERP');
		const otto = await ApiKeysService.open(path, {operator: 'otto'});
		await expect(otto.writeExport({file: join(directory, 'otto.json')})).rejects.toThrow('it needs the resource "View API Keys"');
		expect(readdirSync(directory)).toEqual(['keys.json']);
	});

	it('gives the share page its base URL and the worker its revision, and checks tokens in a row without writing', async () => {
		const {owner, revision} = await service();
		await owner.updateSettings({shareBaseUrl: 'https://keys.example.com/'});
		expect(await owner.shareBaseUrl()).toBe('https://keys.example.com');
		const {row, reveal} = await owner.generate({name: 'ERP', roles: []});
		if (reveal.kind !== 'link') throw new Error('expected a link');
		const {token} = await owner.redeem(reveal.url);
		expect(owner.revision).toBe(revision());
		const check = await owner.tokenChecker();
		expect(check(row.appKey, token)).toMatchObject({valid: true, matched: 'current'});
		expect(check(row.appKey, token.replace(/.$/, c => (c === 'a' ? 'b' : 'a')))).toMatchObject({valid: false});
		expect(revision()).toBe(owner.revision);
		expect((await owner.getKey(row.appKey)).lastUsed).toBeUndefined();
	});

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
