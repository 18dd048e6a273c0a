import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

/**
 * The README's shared-store recipe, run for real: a service account owns the store, admins reach
 * it only through `sudo -u` and a root-owned wrapper, so identities cannot be claimed and the file
 * cannot be edited around the program. Needs root, useradd and sudo (.ci/run installs sudo).
 */
const root = process.getuid?.() === 0;
const tools = ['/usr/sbin/useradd', '/usr/sbin/userdel', '/usr/bin/sudo', '/usr/sbin/runuser', '/usr/sbin/visudo'].every(existsSync);
const reason = !root ? 'not running as root' : !tools ? 'useradd, sudo, runuser or visudo is missing' : '';
if (reason) console.warn(`shared-store recipe test skipped: ${reason}`);

describe.skipIf(Boolean(reason))('the shared store behind sudo -u', () => {
	const suffix = randomBytes(3).toString('hex');
	const service = `akt-svc-${suffix}`;
	const admin = `akt-adm-${suffix}`;
	const viewer = `akt-view-${suffix}`;
	const intruder = `akt-out-${suffix}`;
	const sudoers = `/etc/sudoers.d/apikeys-test-${suffix}`;
	let base: string;
	let wrapper: string;
	let store: string;

	/** Runs a command as `user` (a login without a password, as the admin would at their shell). */
	const as = (user: string, args: string[], env: Record<string, string> = {}) =>
		spawnSync('/usr/sbin/runuser', ['-u', user, '--', ...args], {encoding: 'utf8', env: {PATH: '/usr/bin:/bin:/usr/sbin', ...env}, cwd: '/'});
	const apikeys = (user: string, args: string[], env: Record<string, string> = {}) => as(user, ['sudo', '-n', '-u', service, wrapper, ...args], env);

	beforeAll(() => {
		base = mkdtempSync(join(tmpdir(), 'apikeys-shared-'));
		chmodSync(base, 0o755);
		// The program where every user can run it: a copy of the bundle and a root-owned wrapper that pins the store.
		cpSync(resolve(import.meta.dirname, '../../dist'), join(base, 'app', 'dist'), {recursive: true});
		store = join(base, 'var', service, 'data', 'store.json');
		wrapper = join(base, 'bin', 'apikeys');
		execFileSync('mkdir', ['-p', join(base, 'bin'), join(base, 'var')]);
		writeFileSync(wrapper, `#!/bin/sh\nAPIKEYS_STORE='${store}' exec '${process.execPath}' '${join(base, 'app', 'dist', 'cli.js')}' "$@"\n`, {mode: 0o755});
		execFileSync('/usr/sbin/useradd', ['--system', '--home-dir', join(base, 'var', service), '--create-home', '--shell', '/usr/sbin/nologin', service]);
		for (const user of [admin, viewer, intruder]) execFileSync('/usr/sbin/useradd', ['--no-create-home', '--shell', '/bin/sh', user]);
		const rules = `${admin} ALL=(${service}) NOPASSWD: ${wrapper}\n${viewer} ALL=(${service}) NOPASSWD: ${wrapper}\n`;
		writeFileSync(join(base, 'sudoers'), rules, {mode: 0o440});
		execFileSync('/usr/sbin/visudo', ['-c', '-q', '-f', join(base, 'sudoers')]);
		cpSync(join(base, 'sudoers'), sudoers);
		chmodSync(sudoers, 0o440);
	});

	afterAll(() => {
		rmSync(sudoers, {force: true});
		for (const user of [admin, viewer, intruder, service]) spawnSync('/usr/sbin/userdel', [user]);
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
});
