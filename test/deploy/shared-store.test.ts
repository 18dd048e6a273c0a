import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

/**
 * The README's shared-store recipe, run for real: a service account owns the store, admins reach
 * it only through `sudo -u` and a root-owned wrapper, so identities cannot be claimed and the file
 * cannot be edited around the program. Needs root, useradd and sudo (.ci/run installs sudo).
 */
const root = process.getuid?.() === 0;
const tools = ['/usr/sbin/useradd', '/usr/sbin/userdel', '/usr/bin/sudo', '/usr/sbin/runuser', '/usr/sbin/visudo'].every(existsSync);
const SYSTEM_CONFIG = '/etc/apikeys/config.json';
const reason = !root
	? 'not running as root'
	: !tools
		? 'useradd, sudo, runuser or visudo is missing'
		: existsSync(SYSTEM_CONFIG)
			? `${SYSTEM_CONFIG} exists (a real deployment): the test will not replace it`
			: '';
if (reason) console.warn(`shared-store recipe test skipped: ${reason}`);

describe.skipIf(Boolean(reason))('the shared store behind sudo -u', () => {
	const suffix = randomBytes(3).toString('hex');
	const service = `akt-svc-${suffix}`;
	const admin = `akt-adm-${suffix}`;
	const viewer = `akt-view-${suffix}`;
	const intruder = `akt-out-${suffix}`;
	/** May run the wrapper through sudo, but is not an operator of the store. */
	const rogue = `akt-rogue-${suffix}`;
	const sudoers = `/etc/sudoers.d/apikeys-test-${suffix}`;
	let base: string;
	let wrapper: string;
	let home: string;
	let store: string;
	let createdConfigDir = false;

	/** Runs a command as `user` (a login without a password, as the admin would at their shell). */
	const as = (user: string, args: string[], env: Record<string, string> = {}) =>
		spawnSync('/usr/sbin/runuser', ['-u', user, '--', ...args], {encoding: 'utf8', env: {PATH: '/usr/bin:/bin:/usr/sbin', ...env}, cwd: '/'});
	const apikeys = (user: string, args: string[], env: Record<string, string> = {}) => as(user, ['sudo', '-n', '-u', service, wrapper, ...args], env);

	beforeAll(() => {
		base = mkdtempSync(join(tmpdir(), 'apikeys-shared-'));
		chmodSync(base, 0o755);
		// The program where every user can run it: a copy of the bundle with the package it loads at run time, and a root-owned wrapper.
		const project = resolve(import.meta.dirname, '../..');
		cpSync(join(project, 'dist'), join(base, 'app', 'dist'), {recursive: true});
		for (const name of runtimePackages(project, 'fs-native-extensions')) {
			cpSync(join(project, 'node_modules', name), join(base, 'app', 'node_modules', name), {recursive: true});
		}
		home = join(base, 'var', service);
		store = join(home, 'data', 'store.json');
		wrapper = join(base, 'bin', 'apikeys');
		execFileSync('mkdir', ['-p', join(base, 'bin'), join(base, 'var')]);
		writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${join(base, 'app', 'dist', 'cli.js')}' "$@"\n`, {mode: 0o755});
		// The system configuration fixes the store (and where the share page listens) for everyone but root.
		createdConfigDir = !existsSync(dirname(SYSTEM_CONFIG));
		mkdirSync(dirname(SYSTEM_CONFIG), {recursive: true, mode: 0o755});
		writeFileSync(SYSTEM_CONFIG, JSON.stringify({store, serve: {host: '127.0.0.1', port: 0}}), {mode: 0o644});
		execFileSync('/usr/sbin/useradd', ['--system', '--home-dir', home, '--create-home', '--shell', '/usr/sbin/nologin', service]);
		for (const user of [admin, viewer, intruder, rogue]) execFileSync('/usr/sbin/useradd', ['--no-create-home', '--shell', '/bin/sh', user]);
		const rules = [admin, viewer, rogue].map(user => `${user} ALL=(${service}) NOPASSWD: ${wrapper}\n`).join('');
		writeFileSync(join(base, 'sudoers'), rules, {mode: 0o440});
		execFileSync('/usr/sbin/visudo', ['-c', '-q', '-f', join(base, 'sudoers')]);
		cpSync(join(base, 'sudoers'), sudoers);
		chmodSync(sudoers, 0o440);
	});

	afterAll(() => {
		rmSync(sudoers, {force: true});
		rmSync(SYSTEM_CONFIG, {force: true});
		if (createdConfigDir) rmSync(dirname(SYSTEM_CONFIG), {recursive: true, force: true});
		for (const user of [admin, viewer, intruder, rogue, service]) spawnSync('/usr/sbin/userdel', [user]);
		if (base) rmSync(base, {recursive: true, force: true});
	});

	it('the admin who creates it through sudo is its Owner, and only the service account can read it', () => {
		const init = apikeys(admin, ['init', '--account', 'acme']);
		expect(init.stderr).toBe('');
		expect(init.stdout).toContain(`${admin} is its Owner (Admin Super)`);
		const info = statSync(store);
		expect(info.mode & 0o777).toBe(0o600);
		expect(statSync(join(store, '..')).mode & 0o777).toBe(0o700);
		const peek = as(intruder, ['cat', store]);
		expect(peek.status).not.toBe(0);
		expect(peek.stderr).toMatch(/Permission denied/);
	});

	it('admins act under their own name; the environment cannot claim another', () => {
		expect(apikeys(admin, ['operators', 'add', viewer, '--role', 'API Keys - Read only']).status).toBe(0);
		const claimed = apikeys(admin, ['generate', '--name', 'ERP', '--json'], {APIKEYS_OPERATOR: 'somebody-else'});
		expect(claimed.status).toBe(0);
		const audit = JSON.parse(apikeys(viewer, ['audit', '--json']).stdout) as Array<{operator: string; action: string}>;
		expect(audit[0]).toMatchObject({operator: admin, action: 'generate'});
		// sudo will not pass a variable on its command line either.
		const forced = as(admin, ['sudo', '-n', '-u', service, 'APIKEYS_OPERATOR=boss', wrapper, 'list']);
		expect(forced.status).not.toBe(0);
	});

	it('permissions are enforced: a read-only operator is refused, an outsider cannot run it at all', () => {
		const refused = apikeys(viewer, ['generate', '--name', 'sneaky']);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toBe(`apikeys: operator "${viewer}" cannot generate keys: it needs the resource "Edit API Keys"\n`);
		const outsider = apikeys(intruder, ['list']);
		expect(outsider.status).not.toBe(0);
		expect(outsider.stderr).toMatch(/sudo/);
		expect(JSON.parse(readFileSync(store, 'utf8')).keys).toHaveLength(1);
	});

	describe('a sudoer cannot steer the service account around the system configuration', () => {
		const pinned = (what: string) => `apikeys: ${what} is not accepted here: ${SYSTEM_CONFIG} fixes the store and where it is served, and only root may choose otherwise\n`;
		const homeListing = () => readdirSync(home, {recursive: true}).map(String).sort();

		it('--store cannot create files in the service account\'s private directory', () => {
			const before = homeListing();
			const planted = apikeys(rogue, ['--store', join(home, 'planted.json'), 'init', '--account', 'evil']);
			expect(planted).toMatchObject({status: 2, stderr: pinned('--store')});
			const viaOperator = apikeys(admin, ['init', '--account', 'evil', `--store=${join(home, 'data', 'other.json')}`]);
			expect(viaOperator).toMatchObject({status: 2, stderr: pinned('--store')});
			expect(homeListing()).toEqual(before);
		});

		it('--store cannot turn the lock into a directory and block every change', () => {
			const blocked = apikeys(rogue, ['--store', join(`${store}.lock`, 'x.json'), 'init', '--account', 'evil']);
			expect(blocked).toMatchObject({status: 2, stderr: pinned('--store')});
			expect(statSync(`${store}.lock`).isFile()).toBe(true);
			const change = apikeys(admin, ['generate', '--name', 'After the attempt']);
			expect(change.stderr).toBe('');
			expect(change.status).toBe(0);
		});

		it('--store cannot read a single byte of a private file', () => {
			const secret = join(home, 'secret.txt');
			writeFileSync(secret, 'Xsecret\n', {mode: 0o600});
			execFileSync('chown', [`${service}:`, secret]);
			const probe = apikeys(rogue, ['--store', secret, 'list']);
			expect(probe).toMatchObject({status: 2, stdout: '', stderr: pinned('--store')});
			const probeTui = apikeys(rogue, ['--store', secret]);
			expect(probeTui).toMatchObject({status: 2, stdout: '', stderr: pinned('--store')});
		});

		it('serve listens only where the configuration says', () => {
			const exposed = apikeys(rogue, ['serve', '--host', '0.0.0.0']);
			expect(exposed).toMatchObject({status: 2, stderr: pinned('--host')});
			const port = apikeys(admin, ['serve', '--port', '80']);
			expect(port).toMatchObject({status: 2, stderr: pinned('--port')});
			const socket = apikeys(rogue, ['serve', '--socket', join(home, 'planted.sock')]);
			expect(socket).toMatchObject({status: 2, stderr: pinned('--socket')});
			expect(existsSync(join(home, 'planted.sock'))).toBe(false);
		});

		it('export goes to the caller\'s standard output, never to a file written as the service account', () => {
			const overwrite = apikeys(admin, ['export', '--format', 'json', '--output', store]);
			expect(overwrite.status).toBe(2);
			expect(overwrite.stderr).toBe(`apikeys: --output FILE is not accepted here (${SYSTEM_CONFIG} applies): export to standard output with --output - and redirect it\n`);
			expect(JSON.parse(readFileSync(store, 'utf8')).account).toBe('acme');
			// Without --output an export would land in the caller's working directory, written as the service account.
			const inPlace = as(admin, ['sh', '-c', `cd '${home}' && sudo -n -u ${service} '${wrapper}' export --format csv`]);
			expect(inPlace.status).toBe(2);
			expect(inPlace.stderr).toBe(`apikeys: export writes to standard output here (${SYSTEM_CONFIG} applies): add --output - and redirect it\n`);
			expect(readdirSync(home).filter(name => name.endsWith('.csv'))).toEqual([]);
			const exported = apikeys(admin, ['export', '--format', 'json', '--output', '-']);
			expect(exported.status).toBe(0);
			expect(JSON.parse(exported.stdout)).toHaveProperty('generated');
		});

		it('root alone may still choose another store', () => {
			const dir = mkdtempSync(join(tmpdir(), 'apikeys-root-'));
			try {
				const created = spawnSync(process.execPath, [join(base, 'app', 'dist', 'cli.js'), 'init', '--account', 'rootsown', '--store', join(dir, 'store.json')], {encoding: 'utf8', env: {PATH: '/usr/bin:/bin', APIKEYS_OPERATOR: 'root'}});
				expect(created.stderr).toBe('');
				expect(existsSync(join(dir, 'store.json'))).toBe(true);
			} finally {
				rmSync(dir, {recursive: true, force: true});
			}
		});
	});
});

/** A package and every package it depends on, by name, as installed in the project. */
function runtimePackages(project: string, name: string, seen = new Set<string>()): Set<string> {
	const manifest = join(project, 'node_modules', name, 'package.json');
	if (seen.has(name) || !existsSync(manifest)) return seen;
	seen.add(name);
	const {dependencies = {}} = JSON.parse(readFileSync(manifest, 'utf8')) as {dependencies?: Record<string, string>};
	for (const dependency of Object.keys(dependencies)) runtimePackages(project, dependency, seen);
	return seen;
}
