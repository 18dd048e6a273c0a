import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {addExternalKey} from '../../source/core/external.js';
import {generateKey} from '../../source/core/keys.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {T0, context, freshStore, runCli, tempDir} from '../helpers.js';

// What a terminal would act on or hide, in any output: controls, bidi and invisible characters.
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u115f\u1160\u3164\uffa0\u2800\ufe0f]/;

const HOSTILE_LOGIN = 'ev\u001b]0;T\u0007';
// A role made by an older version, before role names were checked.
const HOSTILE_ROLE = 'Ops\u001b]0;pwn\u0007\uffa0';

let store: string;
const cli = (args: string[], options: {env?: Record<string, string>; input?: string} = {}) => runCli(args, {store, ...options});

/** A store as an older version could have written it: a role, a key and an external key with raw bytes. */
function olderStore() {
	const data = freshStore();
	data.roles.push({name: HOSTILE_ROLE, resources: ['View orders'], created: T0, createdBy: 'alice'});
	const {key: generated} = generateKey(data, {name: 'ERP', roles: []}, context());
	const key = {...generated, name: 'ERP\u0085\u202e\u2066\uffa0\u{e0001}\ue000'};
	data.keys[data.keys.indexOf(generated)] = key;
	addExternalKey(data, {appKey: 'vtexappkey-partner-ABCDEF', roles: [HOSTILE_ROLE]}, context());
	data.revision = 1;
	writeFileSync(store, serializeStore(data), {mode: 0o600});
	return {appKey: key.appKey, name: key.name};
}

beforeEach(() => {
	store = join(tempDir(), 'store.json');
});

describe('an operator login from the environment', () => {
	it('that is not a login name is refused in one line, shown escaped, and nothing is created', async () => {
		const result = await cli(['init', '--account', 'acme'], {env: {APIKEYS_OPERATOR: HOSTILE_LOGIN}});
		expect(result).toEqual({code: 1, stdout: '', stderr: 'apikeys: APIKEYS_OPERATOR "ev\\e]0;T\\x07" is not a login name: 1–64 letters, digits, _ . @ -\n'});
		expect(readdirSync(join(store, '..'))).toEqual([]);
	});

	it('from sudo is refused the same way, and the store is left as it was', async () => {
		expect((await cli(['init', '--account', 'acme'])).code).toBe(0);
		const before = readFileSync(store, 'utf8');
		const sudo = {SUDO_USER: 'ana\u202e\uffa0', SUDO_UID: String((process.getuid?.() ?? 0) + 1)};
		const result = await cli(['operators', 'add', 'bob', '--role', 'OMS - Read only'], {env: sudo});
		expect(result).toEqual({code: 1, stdout: '', stderr: 'apikeys: SUDO_USER "ana\\u{202e}\\u{ffa0}" is not a login name: 1–64 letters, digits, _ . @ -\n'});
		expect(readFileSync(store, 'utf8')).toBe(before);
	});

	it('typed for operators add is refused in one line, escaped', async () => {
		expect((await cli(['init', '--account', 'acme'])).code).toBe(0);
		const result = await cli(['operators', 'add', HOSTILE_LOGIN, '--role', 'OMS - Read only']);
		expect(result).toEqual({code: 1, stdout: '', stderr: 'apikeys: "ev\\e]0;T\\x07" is not a login name: 1–64 letters, digits, _ . @ -\n'});
	});
});

describe('success lines print names, roles and appKeys through the sanitizer', () => {
	it('generate, edit and external add/edit show a hostile role escaped', async () => {
		const {appKey} = olderStore();
		const shownRole = 'Ops\\e]0;pwn\\x07\\u{ffa0}';
		const generated = await cli(['generate', '--name', 'Sync', '--role', HOSTILE_ROLE]);
		expect(generated.stdout).toMatch(new RegExp(`^Generated appkey-acme-[A-Z]{6} \\(Sync\\), active now, roles: ${escapeRegExp(shownRole)}\\n`));
		const edited = await cli(['edit', appKey, '--role', HOSTILE_ROLE]);
		expect(edited.stdout).toBe(`Saved ${appKey} (ERP\\x85\\u{202e}\\u{2066}\\u{ffa0}\\u{e0001}\\u{e000}): roles ${shownRole}; Active\n`);
		const added = await cli(['external', 'add', 'vtexappkey-other-GHIJKL', '--role', HOSTILE_ROLE]);
		expect(added.stdout).toBe(`Added external key vtexappkey-other-GHIJKL (owner other); roles: ${shownRole}\n`);
		const saved = await cli(['external', 'edit', 'vtexappkey-partner-ABCDEF', '--role', HOSTILE_ROLE, '--role', 'OMS - Read only']);
		expect(saved.stdout).toBe(`Saved external key vtexappkey-partner-ABCDEF (owner partner); roles: ${shownRole}, OMS - Read only\n`);
		for (const result of [generated, edited, added, saved]) {
			expect(result.code, result.stderr).toBe(0);
			expect(result.stdout).not.toMatch(RAW);
		}
	});

	it('a new name or role with an invisible character is refused, naming it', async () => {
		expect((await cli(['init', '--account', 'acme'])).code).toBe(0);
		expect(await cli(['generate', '--name', 'ERP\uffa0'])).toEqual({
			code: 1,
			stdout: '',
			stderr: 'apikeys: a key name cannot contain U+FFA0 (not a printable character)\n',
		});
		expect((await cli(['roles', 'add', 'Ops\u{e0001}', '--resource', 'View orders'])).stderr).toBe(
			'apikeys: a role name cannot contain U+E0001 (not a printable character)\n',
		);
		expect((await cli(['generate', '--name', `zalgo e${'\u0301'.repeat(40)}`])).stderr).toBe(
			'apikeys: a key name cannot contain more than 4 combining marks in a row\n',
		);
	});
});

describe('--json output', () => {
	it('writes C1, bidi and invisible characters as \\uXXXX and parses to the stored text', async () => {
		const {name} = olderStore();
		const listed = await cli(['list', '--json']);
		expect(listed.stdout).toContain('"name": "ERP\\u0085\\u202e\\u2066\\uffa0\\udb40\\udc01\\ue000"');
		expect((JSON.parse(listed.stdout) as Array<{name: string}>)[0]!.name).toBe(name);
		const roles = await cli(['external', 'list', '--json']);
		expect(roles.stdout).toContain('"Ops\\u001b]0;pwn\\u0007\\uffa0"');
		const exported = await cli(['export', '--format', 'json', '--output', '-']);
		expect((JSON.parse(exported.stdout) as {generated: Array<{label: string}>}).generated[0]!.label).toBe(name);
		for (const result of [listed, roles, exported]) expect(result.stdout).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069\uffa0\u{e0001}\ue000]/u);
	});
});

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
