import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {generateKey, renewToken} from '../../source/core/keys.js';
import {REDEEM_ADVICE, redeemLink} from '../../source/core/links.js';
import {DAY, HOUR, addMonths} from '../../source/core/time.js';
import {ApiKeysService} from '../../source/service.js';
import {TOKEN_IN_TEXT, context, freshStore, runCli, tempDir} from '../helpers.js';
import {eachStore, type Login, type TestStore} from '../stores.js';

/**
 * The command line as a new user walks it, on each kind of store: the same commands print the same
 * lines and keep the same secrets whether the store is a file or PostgreSQL.
 */
eachStore('apikeys on the command line', stores => {
	let store: TestStore;
	const cli = (args: string[], options: {input?: string; env?: Record<string, string>; as?: Login} = {}) => store.cli(args, options);

	async function generate(name = 'ERP', roles = ['OMS - Full access']) {
		const result = await cli(['generate', '--name', name, ...roles.flatMap(r => ['--role', r]), '--json']);
		expect(result.code, result.stderr).toBe(0);
		return JSON.parse(result.stdout) as {appKey: string; link: string; linkExpires: string};
	}

	async function redeem(link: string) {
		const result = await cli(['redeem'], {input: link});
		expect(result.code, result.stderr).toBe(0);
		const token = result.stdout.match(TOKEN_IN_TEXT)?.[0];
		expect(token).toBeDefined();
		return token!;
	}

	const verify = (appKey: string, token: string) => cli(['verify', '--key', appKey], {input: token});
	const storeText = () => store.contents();

	beforeEach(async () => {
		store = await stores.fresh();
		await store.init();
	});

	it('init creates the store and makes alice its Owner; refuses a second store and a bad account name', async () => {
		store = await stores.fresh();
		const init = await cli(['init', '--account', 'acme']);
		expect(init).toMatchObject({code: 0, stderr: '', stdout: `Created store ${store.where()} for account acme; alice is its Owner (Admin Super).\n`});
		expect(await cli(['init', '--account', 'acme'])).toMatchObject({code: 1, stderr: `apikeys: a store already exists ${store.kind === 'file' ? 'at' : 'in'} ${store.where()}\n`});
		store = await stores.fresh();
		const bad = await cli(['init', '--account', 'Not Valid!']);
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/^apikeys: "Not Valid!" is not an account name/);
	});

	it('generate prints an appKey and a single-access link, and the store holds no token', async () => {
		const result = await cli(['generate', '--name', 'ERP', '--role', 'OMS - Full access']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^Generated appkey-acme-[A-Z]{6} \(ERP\), active now, roles: OMS - Full access\n/);
		expect(result.stdout).toMatch(/\n {2}http:\/\/127\.0\.0\.1:8470\/credentials\/[0-9A-Za-z]{43}\n/);
		expect(result.stdout).toContain('it will not be shown again');
		expect(await storeText()).not.toMatch(TOKEN_IN_TEXT);
		expect(await storeText()).not.toContain(result.stdout.match(/credentials\/(\w+)/)![1]);
	});

	it('redeem prints the token once; a second redeem is refused with the time it was used', async () => {
		const {appKey, link} = await generate();
		const first = await cli(['redeem'], {input: link});
		expect(first.stdout).toMatch(new RegExp(`^Token for ${appKey} \\(shown once; save it in a safe place\\):\\napikt_\\w{49}\\n$`));
		const token = first.stdout.match(TOKEN_IN_TEXT)![0];
		expect(await storeText()).not.toContain(token);
		const second = await cli(['redeem'], {input: link});
		expect(second.code).toBe(1);
		expect(second.stderr).toMatch(/^apikeys: this link was already used at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n$/);
		expect(second.stdout).toBe('');
	});

	it('redeem reads the link piped on standard input: the URL or its bare secret, with or without a line end', async () => {
		const {appKey, link} = await generate();
		const result = await cli(['redeem'], {input: `${link}\n`});
		expect(result.stderr).toBe('');
		expect(result.stdout).toMatch(new RegExp(`^Token for ${appKey} \\(shown once; save it in a safe place\\):\\napikt_\\w{49}\\n$`));
		const other = await generate('CRM');
		const bare = await cli(['redeem', '--json'], {input: other.link.split('/').pop()});
		expect(JSON.parse(bare.stdout)).toEqual({appKey: other.appKey, token: expect.stringMatching(TOKEN_IN_TEXT)});
		expect(await cli(['redeem'], {input: 'https://evil.example/x\n'})).toMatchObject({
			code: 2,
			stderr: 'apikeys: that is not a single-access link: expected …/credentials/ followed by 43 letters and digits\n',
		});
	});

	it('a link on the command line is refused without being echoed or used: it still works afterwards', async () => {
		const {link} = await generate();
		const secret = link.split('/').pop()!;
		const before = await storeText();
		const refusal = `apikeys: a single-access link was given on the command line, where other users can read it (/proc/*/cmdline); it was not used: ${REDEEM_ADVICE}\n`;
		const cases = [
			['redeem', link],
			['redeem', secret],
			['redeem', '--json', `${link}?utm=x`],
			['redeem', '--', link],
			['list', '--search', link],
			['generate', `--name=${secret}`],
			['generate', '--name', ` ${secret}\n`],
			[link],
			['--store', link],
		];
		for (const args of cases) {
			const result = await cli(args, {input: link});
			expect(result, JSON.stringify(args)).toMatchObject({code: 2, stdout: '', stderr: refusal});
		}
		expect(await storeText()).toBe(before);
		expect(await cli(['redeem', 'https://evil.example/x'], {input: link})).toMatchObject({
			code: 2,
			stdout: '',
			stderr: `apikeys: redeem takes no argument: the link is never accepted on the command line; ${REDEEM_ADVICE}\n`,
		});
		expect(await storeText()).toBe(before);
		expect(await redeem(link)).toMatch(TOKEN_IN_TEXT);
	});

	it('verify exits 0 for the token from stdin or APIKEYS_TOKEN, 1 for a one-character typo', async () => {
		const {appKey, link} = await generate('ERP', ['OMS - Full access', 'Payments Notifier']);
		const token = await redeem(link);
		const ok = await verify(appKey, token);
		expect(ok).toMatchObject({code: 0, stdout: `valid: ${appKey} (the current token); roles: OMS - Full access, Payments Notifier\n`});
		expect((await cli(['verify', '--key', appKey], {env: {APIKEYS_TOKEN: token}})).code).toBe(0);
		const typo = token.slice(0, 20) + (token[20] === 'a' ? 'b' : 'a') + token.slice(21);
		expect(await verify(appKey, typo)).toMatchObject({code: 1, stderr: 'apikeys: invalid: the token checksum does not match (a typo?)\n'});
		expect((await verify('appkey-acme-NOSUCH', token)).code).toBe(1);
		const json = await cli(['verify', '--key', appKey, '--json'], {input: token});
		expect(JSON.parse(json.stdout)).toEqual({valid: true, appKey, roles: ['OMS - Full access', 'Payments Notifier'], matched: 'current'});
	});

	it('a token on the command line is refused without being echoed', async () => {
		const {appKey, link} = await generate();
		const token = await redeem(link);
		for (const args of [['verify', '--key', appKey, token], ['verify', `--key=${token}`], ['list', '--search', token]]) {
			const result = await cli(args);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(/^apikeys: a token was given on the command line/);
			expect(result.stderr + result.stdout).not.toContain(token);
		}
	});

	it('renew later keeps both tokens valid until delete-old-token; undo-renewal brings the old one back', async () => {
		const {appKey, link} = await generate();
		const oldToken = await redeem(link);
		const renewed = await cli(['renew', appKey, '--delete-old', 'later']);
		expect(renewed.code, renewed.stderr).toBe(0);
		expect(renewed.stdout).toContain(`both tokens are valid until you run "apikeys delete-old-token ${appKey} --yes"`);
		const newToken = await redeem(renewed.stdout.match(/http\S+/)![0]);
		expect((await verify(appKey, oldToken)).stdout).toContain('(the old token of a pending renewal)');
		expect((await verify(appKey, newToken)).stdout).toContain('(the current token)');

		const again = await cli(['renew', appKey, '--delete-old', 'now']);
		expect(again).toMatchObject({
			code: 1,
			stderr: `apikeys: ${appKey} already has a renewed token pending: delete the old token or undo the renewal first\n`,
		});

		const undo = await cli(['undo-renewal', appKey, '--yes']);
		expect(undo.stdout).toBe(`Undid the renewal of ${appKey} (ERP); the old token is current again.\n`);
		expect((await verify(appKey, oldToken)).code).toBe(0);
		expect((await verify(appKey, newToken)).code).toBe(1);

		const renewedAgain = await cli(['renew', appKey, '--delete-old', 'later']);
		const third = await redeem(renewedAgain.stdout.match(/http\S+/)![0]);
		expect(await cli(['delete-old-token', appKey])).toMatchObject({code: 2, stderr: 'apikeys: deleting the old token cannot be undone: add --yes to confirm\n'});
		expect((await cli(['delete-old-token', appKey, '--yes'])).code).toBe(0);
		expect((await verify(appKey, oldToken)).code).toBe(1);
		expect((await verify(appKey, third)).code).toBe(0);
		expect(await storeText()).not.toMatch(TOKEN_IN_TEXT);
	});

	it('renew now leaves only the new token valid', async () => {
		const {appKey, link} = await generate();
		const oldToken = await redeem(link);
		const renewed = await cli(['renew', appKey, '--delete-old', 'now']);
		expect(renewed.stdout).toContain('the old token was deleted; only the new one is valid');
		const newToken = await redeem(renewed.stdout.match(/http\S+/)![0]);
		expect((await verify(appKey, oldToken)).code).toBe(1);
		expect((await verify(appKey, newToken)).code).toBe(0);
	});

	it('renew is refused while the key\'s link is unused, saying until when', async () => {
		const {appKey, linkExpires} = await generate();
		const result = await cli(['renew', appKey, '--delete-old', 'later']);
		expect(result.code).toBe(1);
		const until = `${linkExpires.slice(0, 10)} ${linkExpires.slice(11, 16)} UTC`;
		expect(result.stderr).toBe(
			`apikeys: ${appKey} has a single-access link that has not been used yet (valid until ${until}): use it or revoke it (Revoke Link, or apikeys revoke-link ${appKey} --yes) before renewing again\n`,
		);
	});

	it('deactivate asks for --yes; an inactive key fails verification; activate warns', async () => {
		const {appKey, link} = await generate();
		const token = await redeem(link);
		expect((await cli(['deactivate', appKey])).code).toBe(2);
		expect((await cli(['deactivate', appKey, '--yes'])).stdout).toBe(`Deactivated ${appKey} (ERP).\n`);
		expect(await verify(appKey, token)).toMatchObject({code: 1, stderr: `apikeys: invalid: ${appKey} is inactive\n`});
		expect((await cli(['deactivate', appKey, '--yes'])).stderr).toBe(`apikeys: ${appKey} is already inactive\n`);
		const activated = await cli(['activate', appKey]);
		expect(activated.stdout).toContain('Only reactivate a key you are sure was not compromised');
		expect((await verify(appKey, token)).code).toBe(0);
	});

	it('COMMAND --help prints how to use it and runs nothing, whatever else is on the line', async () => {
		const {appKey} = await generate();
		const asked = await cli(['deactivate', appKey, '--yes', '--help']);
		expect(asked).toMatchObject({code: 0, stderr: ''});
		expect(asked.stdout).toBe(
			'Usage: apikeys deactivate APPKEY --yes\n  deactivate a key: every verification with it fails until it is activated\n\napikeys --help lists every command and the options they share.\n',
		);
		expect((await cli(['help', 'deactivate'])).stdout).toBe(asked.stdout);
		expect(await cli(['help', 'deactivat'])).toMatchObject({code: 2, stderr: 'apikeys: unknown command "deactivat" (see apikeys --help)\n'});
		expect((await cli(['delete', appKey, '--yes', '--help'])).code).toBe(0);
		const [key] = JSON.parse((await cli(['list', '--json'])).stdout) as Array<{appKey: string; status: string}>;
		expect(key).toMatchObject({appKey, status: 'Active'});
		// A server asked for help answers and exits rather than listening.
		expect((await cli(['verify-server', '--port', '0', '--help'])).stdout).toMatch(/^Usage: apikeys verify-server /);
		expect((await cli(['list', '--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		expect((await cli(['--version', '--json'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
		// Help turned off is not asked for: the command runs.
		expect((await cli(['deactivate', appKey, '--yes', '--help=false'])).stdout).toBe(`Deactivated ${appKey} (ERP).\n`);
	});

	it('edit replaces, adds and removes roles; delete removes the key', async () => {
		const {appKey} = await generate();
		const edited = await cli(['edit', appKey, '--role', 'OMS - Read only', '--add-role', 'Checkout Admin']);
		expect(edited.stdout).toBe(`Saved ${appKey} (ERP): roles OMS - Read only, Checkout Admin; Active\n`);
		expect((await cli(['edit', appKey, '--remove-role', 'Payments Notifier'])).stderr).toBe(
			`apikeys: ${appKey} does not hold the role "Payments Notifier"\n`,
		);
		expect((await cli(['edit', appKey])).code).toBe(2);
		expect((await cli(['delete', appKey, '--yes'])).stdout).toBe(`Deleted ${appKey} (ERP).\n`);
		expect(JSON.parse((await cli(['list', '--json'])).stdout)).toEqual([]);
	});

	it('list --json shows token ages, alert levels and pending renewals', async () => {
		const now = Date.now();
		const ago = (months: number, days = 0) => addMonths(now, -months) - days * DAY - HOUR;
		const data = freshStore('acme', 'alice', ago(12));
		const make = (name: string, created: number) => {
			const {key, reveal} = generateKey(data, {name, roles: ['OMS - Read only']}, context(created, 'alice'));
			if (reveal.kind === 'link') redeemLink(data, reveal.url, context(created, 'alice'));
			return key;
		};
		make('fresh', ago(0, 5));
		make('orange', ago(4, 2));
		make('red', ago(7, 2));
		const pending = make('pending', ago(8, 2));
		renewToken(data, pending.appKey, 'later', context(ago(0, 2), 'alice'));
		await store.seed(data);

		const rows = JSON.parse((await cli(['list', '--json', '--sort', 'name'])).stdout) as Array<Record<string, any>>;
		expect(rows.map(r => [r.name, r.token.age, r.alert, r.pendingRenewal, r.oldToken?.age ?? null])).toEqual([
			['fresh', '5 days', 'none', false, null],
			['orange', '4 months', 'orange', false, null],
			['pending', '2 days', 'none', true, '8 months'],
			['red', '7 months', 'red', false, null],
		]);
		const human = await cli(['list', '--alert']);
		expect(human.stdout).toMatch(/red\s+7 months\s+OMS - Read only.*RENEW!/);
		expect(human.stdout).toContain('2 of 4 keys');
		expect((await cli(['settings', '--renewal-alert', '6'])).code).toBe(0);
		const six = JSON.parse((await cli(['list', '--json', '--sort', 'name'])).stdout) as Array<Record<string, any>>;
		expect(six.map(r => r.alert)).toEqual(['none', 'none', 'none', 'orange']);
		const pendingHuman = (await cli(['list', '--search', 'PENDING'])).stdout;
		expect(pendingHuman).toContain('2 days (old: 8 months, pending deletion)');
	});

	it('a hostile name is refused in one line, with its control bytes escaped', async () => {
		const result = await cli(['generate', '--name', 'x\u001b]52;c;aGk=\u0007\u001b[2J']);
		expect(result).toMatchObject({code: 1, stderr: 'apikeys: a key name cannot contain U+001B (not a printable character)\n'});
	});

	it('a missing store says how to create one', async () => {
		store = await stores.fresh();
		const result = await cli(['list']);
		expect(result).toMatchObject({code: 1, stdout: ''});
		expect(result.stderr).toBe(
			store.kind === 'file'
				? `apikeys: no store at ${store.where()}: create one with "apikeys init --account NAME"\n`
				: `apikeys: no store in ${store.where()}: create one with "apikeys init --account NAME --store ${store.where()}"\n`,
		);
	});

	it('an unknown operator is refused and told who can add them; a read-only one cannot change anything', async () => {
		const stranger = await cli(['list'], {as: 'carol'});
		expect(stranger).toMatchObject({
			code: 1,
			stderr: 'apikeys: operator "carol" is not in this store: ask alice to run "apikeys operators add carol --role ROLE"\n',
		});
		expect((await cli(['operators', 'add', 'bob', '--role', 'API Keys - Read only'])).code).toBe(0);
		expect((await cli(['list'], {as: 'bob'})).code).toBe(0);
		const refused = await cli(['generate', '--name', 'x'], {as: 'bob'});
		expect(refused).toMatchObject({code: 1, stderr: 'apikeys: operator "bob" cannot generate keys: it needs the resource "Edit API Keys"\n'});
		const audit = JSON.parse((await cli(['audit', '--json'])).stdout) as Array<{action: string; operator: string}>;
		expect(audit.map(e => `${e.operator}:${e.action}`)).toEqual(['alice:operator add', 'alice:create store']);
	});

	it('shows a key within 14 days of its renewal period as due soon, in --json and under --alert', async () => {
		const now = Date.now();
		const data = freshStore('acme', 'alice', addMonths(now, -12));
		const make = (name: string, created: number) => {
			const {key, reveal} = generateKey(data, {name, roles: []}, context(created, 'alice'));
			if (reveal.kind === 'link') redeemLink(data, reveal.url, context(created, 'alice'));
			return key;
		};
		make('fresh', now - 30 * DAY);
		make('soon', addMonths(now, -3) + 5 * DAY);
		make('past', addMonths(now, -4));
		await store.seed(data);

		const rows = JSON.parse((await cli(['list', '--json', '--sort', 'name'])).stdout) as Array<Record<string, any>>;
		expect(rows.map(r => [r.name, r.alert])).toEqual([
			['fresh', 'none'],
			['past', 'orange'],
			['soon', 'due-soon'],
		]);
		const alerts = await cli(['list', '--alert', '--sort', 'name']);
		expect(alerts.stdout).toMatch(/\bpast\b.*\brenew\s*\n/);
		expect(alerts.stdout).toMatch(/\bsoon\b.*\bdue soon\s*\n/);
		expect(alerts.stdout).not.toContain('fresh');
		expect(alerts.stdout).toContain('2 of 3 keys');
	});

	it('names the unused link\'s end linkExpires in list --json, as generate --json does', async () => {
		const {appKey, linkExpires} = await generate();
		const [row] = JSON.parse((await cli(['list', '--json'])).stdout) as Array<Record<string, unknown>>;
		expect(row).toMatchObject({appKey, linkExpires});
		expect(row).not.toHaveProperty('linkValidUntil');
	});

	it('says "1 key", "1 external key" and "1 entry" for one', async () => {
		await generate();
		expect((await cli(['list'])).stdout).toMatch(/\n1 of 1 key\n$/);
		expect((await cli(['external', 'add', 'vtexappkey-partner-ABCDEF', '--role', 'OMS - Read only'])).code).toBe(0);
		expect((await cli(['external', 'list'])).stdout).toMatch(/\n1 external key\n$/);
		expect((await cli(['audit', '--action', 'external add'])).stdout).toMatch(/\n1 entry\n$/);
	});

	it('external add|edit|remove|list', async () => {
		expect((await cli(['external', 'add', 'vtexappkey-partner-ABCDEF', '--role', 'OMS - Read only'])).stdout).toBe(
			'Added external key vtexappkey-partner-ABCDEF (owner partner); roles: OMS - Read only\n',
		);
		expect((await cli(['external', 'add', 'appkey-acme-ABCDEF'])).stderr).toContain('belongs to this account (acme)');
		expect((await cli(['external', 'edit', 'vtexappkey-partner-ABCDEF', '--role', 'Checkout Admin'])).code).toBe(0);
		const listed = JSON.parse((await cli(['external', 'list', '--json'])).stdout);
		expect(listed).toMatchObject([{appKey: 'vtexappkey-partner-ABCDEF', owner: 'partner', roles: ['Checkout Admin'], status: 'Active'}]);
		expect((await cli(['external', 'remove', 'vtexappkey-partner-ABCDEF'])).code).toBe(2);
		expect((await cli(['external', 'remove', 'vtexappkey-partner-ABCDEF', '--yes'])).code).toBe(0);
		expect((await cli(['external', 'list'])).stdout).toBe('0 external keys\n');
	});

	it('settings direct reveal prints the token itself, once, and stores no link', async () => {
		const saved = (await cli(['settings', '--reveal', 'direct'])).stdout;
		expect(saved.split('\n')[0]).toBe('Saved: reveal link → direct.');
		expect(saved).toContain('direct (token shown once)');
		expect((await cli(['settings', '--reveal', 'direct'])).stdout.split('\n')[0]).toBe('Nothing to save: the settings were already so.');
		const result = await cli(['generate', '--name', 'ERP']);
		expect(result.stdout).toMatch(TOKEN_IN_TEXT);
		expect(result.stdout).not.toContain('credentials');
		expect(await storeText()).not.toMatch(TOKEN_IN_TEXT);
		expect((await cli(['settings', '--renewal-alert', '4'])).stderr).toBe('apikeys: the renewal alert period is 3 or 6 (months)\n');
		expect((await cli(['settings', '--share-base-url', 'ftp://x'])).code).toBe(1);
	});

	it('roles add makes a custom role usable on keys', async () => {
		expect((await cli(['roles', 'add', 'Key auditor', '--resource', 'View API Keys'])).code).toBe(0);
		expect((await cli(['roles', 'list'])).stdout).toMatch(/Key auditor\s+custom\s+View API Keys/);
		const {appKey} = await generate('audited', ['Key auditor']);
		const audit = JSON.parse((await cli(['audit', '--json', '--since', '1h'])).stdout) as Array<{action: string; appKey?: string; summary?: string}>;
		expect(audit[0]).toMatchObject({action: 'generate', appKey, summary: 'name: audited; roles: Key auditor'});
		expect(audit[1]).toMatchObject({action: 'role add', summary: 'Key auditor: View API Keys'});
	});

	it('a repeatable option repeats, a value that starts with "-" goes after "=", and --output - is standard output', async () => {
		const {appKey} = await generate('ERP', ['OMS - Read only', 'Checkout Admin']);
		const listed = JSON.parse((await cli(['list', '--search=-acme-', '--json'])).stdout) as Array<{appKey: string; roles: string[]}>;
		expect(listed).toMatchObject([{appKey, roles: ['OMS - Read only', 'Checkout Admin']}]);
		const exported = await cli(['export', '--format', 'json', '--output', '-']);
		expect(JSON.parse(exported.stdout).generated).toMatchObject([{keyName: appKey}]);
	});
});

/** What is about the command line's arguments or the store file itself, on a file store. */
describe('apikeys on a store file', () => {
	let store: string;
	const cli = (args: string[], options: {input?: string; env?: Record<string, string>; operator?: string} = {}) => runCli(args, {store, ...options});
	const storeText = () => readFileSync(store, 'utf8');

	beforeEach(async () => {
		store = join(tempDir(), 'store.json');
		await (await ApiKeysService.init(store, 'acme', {operator: 'alice'})).close();
	});

	it('keeps the store file at mode 0600', async () => {
		expect((await cli(['generate', '--name', 'ERP'])).code).toBe(0);
		expect(statSync(store).mode & 0o777).toBe(0o600);
	});

	it('--help shows redeem without a link argument, and says where links and tokens come from', async () => {
		const help = await cli(['--help']);
		expect(help.stdout).toContain('redeem [--json]    (the link pasted at the prompt or piped on standard input, never on the command line)');
		expect(help.stdout).not.toMatch(/redeem \[?LINK/);
		expect(help.stdout).toContain('redeem reads the');
	});

	it.each([
		[['frobnicate'], 'apikeys: unknown command "frobnicate" (see apikeys --help)'],
		[['list', '--bogus'], 'apikeys: unknown option --bogus (see apikeys --help)'],
		[['list', '-x'], 'apikeys: unknown option -x (see apikeys --help)'],
		[['generate', '--name'], 'apikeys: --name needs a value'],
		[['generate'], 'apikeys: a key needs a name: --name NAME'],
		[['list', '--status', 'maybe'], 'apikeys: --status is active or inactive'],
		[['list', '--yes'], 'apikeys: list does not take --yes (usage: apikeys list [--search Q] [--status active|inactive] [--alert] [--sort COLUMN] [--json])'],
		[['renew', 'appkey-acme-AAAAAA'], 'apikeys: choose what happens to the old token: --delete-old now or --delete-old later'],
		[['verify', '--key', 'appkey-acme-AAAAAA'], 'apikeys: no token: pipe it on standard input or set APIKEYS_TOKEN'],
		[['delete', 'a', 'b', '--yes'], 'apikeys: one appKey at a time (got 2 arguments)'],
		[['redeem'], `apikeys: no link was given: ${REDEEM_ADVICE}`],
	])('%j exits 2 with one line', async (args, message) => {
		const result = await cli(args);
		expect(result.stderr).toBe(`${message}\n`);
		expect(result.code).toBe(2);
	});

	it('a corrupt store gives one line naming the file and position, exit 1, and is left untouched', async () => {
		writeFileSync(store, '{"schemaVersion":1,"revision":3,"account":"acme",]');
		const result = await cli(['list']);
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`apikeys: store ${store} is not valid JSON at line 1, column 50 (character 49): expected a quoted property name; it was left untouched\n`,
		);
		expect((await cli(['generate', '--name', 'x'])).code).toBe(1);
		expect(storeText()).toBe('{"schemaVersion":1,"revision":3,"account":"acme",]');
	});

	it('no output on any path carries a stack trace', async () => {
		writeFileSync(store, 'garbage');
		for (const args of [['list'], ['generate', '--name', 'x'], ['audit'], ['redeem', 'x'.repeat(43)]]) {
			const result = await cli(args);
			expect(result.stderr).not.toMatch(/\n\s+at /);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
		}
	});

	const dashValue = (flag: string) => `--${flag} needs a value (one that starts with "-" is written --${flag}=VALUE)`;
	it.each([
		[['generate', '--name', 'a', '--name', 'b'], '--name is given more than once'],
		[['generate', '--name=a', '--name', 'b'], '--name is given more than once'],
		[['list', '--json', '--json'], '--json is given more than once'],
		[['--color', '--no-color'], '--color is given more than once'],
		[['generate', '--name', '--json'], dashValue('name')],
		[['generate', '--name', '-x'], dashValue('name')],
		[['generate', '--name', '-'], dashValue('name')],
		[['list', '--search', '-acme'], dashValue('search')],
		[['export', '--output', '--json'], dashValue('output')],
		[['export', '--output', '-x'], dashValue('output')],
		[['generate', '--name', 'x', '--store='], '--store needs a value'],
		[['generate', '--name', 'x', '--store', ''], '--store needs a value'],
		[['--store='], '--store needs a value'],
		[['generate', '--name='], '--name needs a value'],
		[['generate', '--name', 'x', '--bogus'], 'unknown option --bogus (see apikeys --help)'],
		[['generate', '--name', 'x', '--addRole', 'OMS - Read only'], 'unknown option --addRole (see apikeys --help)'],
		[['list', '--constructor'], 'unknown option --constructor (see apikeys --help)'],
		[['generate', '-n', 'x'], 'unknown option -n (see apikeys --help)'],
	])('%j', async (args, message) => {
		const before = storeText();
		expect(await cli(args)).toMatchObject({code: 2, stdout: '', stderr: `apikeys: ${message}\n`});
		expect(storeText()).toBe(before);
	});
});
