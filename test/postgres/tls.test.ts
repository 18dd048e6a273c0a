import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli, suiteDir} from '../helpers.js';
import {privateServerReason, startPrivateServer, type PrivateServer} from '../pg-server.js';

const hasOpenssl = (() => {
	try {
		execFileSync('openssl', ['version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();
const reason = privateServerReason ?? (hasOpenssl ? null : 'openssl is not installed');

/** A test certificate authority, and optionally a server certificate it signs for `name` (CN and subjectAltName). */
function authority(dir: string, label: string) {
	const openssl = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'pipe'});
	const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
	openssl('req', '-x509', ...ec, '-keyout', `${label}.key`, '-out', `${label}.crt`, '-days', '2', '-subj', `/CN=apikeys test CA ${label}`);
	return {
		cert: join(dir, `${label}.crt`),
		sign(name: string) {
			openssl('req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${name}`);
			writeFileSync(join(dir, 'server.ext'), `subjectAltName=DNS:${name}\n`);
			openssl('x509', '-req', '-in', 'server.csr', '-CA', `${label}.crt`, '-CAkey', `${label}.key`, '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt');
			return {cert: join(dir, 'server.crt'), key: join(dir, 'server.key')};
		},
	};
}

describe.skipIf(reason !== null)(`PostgreSQL over TLS with sslmode=verify-full${reason ? ` (skipped: ${reason})` : ''}`, () => {
	let server: PrivateServer;
	let ca: ReturnType<typeof authority>;
	let otherCa: ReturnType<typeof authority>;
	beforeAll(async () => {
		const dir = suiteDir();
		ca = authority(dir, 'ca');
		otherCa = authority(dir, 'other-ca');
		server = await startPrivateServer({tls: ca.sign('localhost')});
		await server.createDatabase('apikeys');
	});
	afterAll(async () => {
		await server?.remove();
	});

	const url = (host: string, query: string) => server.tcpUrl('alice', 'apikeys', host, query);
	const as = (store: string, args: string[], env: Record<string, string> = {}) => runCli(args, {store, env: {...server.env('alice'), ...env}});

	it('connects and works when the server certificate is signed by sslrootcert and names the host', async () => {
		const store = url('localhost', `?sslmode=verify-full&sslrootcert=${ca.cert}`);
		expect(await as(store, ['init', '--account', 'acme'])).toMatchObject({code: 0, stderr: ''});
		expect(await as(store, ['generate', '--name', 'ERP integration'])).toMatchObject({code: 0, stderr: ''});
		expect((await as(store, ['list'])).stdout).toContain('ERP integration');
		// The same through PGSSLMODE and PGSSLROOTCERT, as libpq reads them.
		const listed = await as(url('localhost', ''), ['list', '--json'], {PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca.cert});
		expect(listed).toMatchObject({code: 0, stderr: ''});
		expect(JSON.parse(listed.stdout)).toMatchObject([{name: 'ERP integration'}]);
		// The server takes nothing but TLS over the network: the connections above were encrypted.
		const plain = await as(url('localhost', '?sslmode=disable'), ['list']);
		expect(plain).toMatchObject({code: 1, stdout: ''});
		expect(plain.stderr).toMatch(/^apikeys: could not reach the PostgreSQL store postgres:\/\/alice@localhost:\d+\/apikeys\?sslmode=disable: .*no encryption\n$/);
	});

	it('refuses a server whose certificate another CA signed, or that names another host, in one line', async () => {
		for (const [store, why] of [
			[url('localhost', `?sslmode=verify-full&sslrootcert=${otherCa.cert}`), 'is not signed by the certificate authority in sslrootcert'],
			[url('127.0.0.1', `?sslmode=verify-full&sslrootcert=${ca.cert}`), 'does not name the host 127.0.0.1'],
		] as const) {
			const refused = await as(store, ['list']);
			expect(refused).toMatchObject({code: 1, stdout: ''});
			expect(refused.stderr).toContain(`apikeys: could not reach the PostgreSQL store ${store}: the server's certificate ${why}`);
			expect(refused.stderr.split('\n')).toEqual([expect.any(String), '']);
			expect(refused.stderr).not.toContain(server.env('alice').PGPASSWORD);
		}
		const missing = url('localhost', '?sslmode=verify-full&sslrootcert=/nonexistent/ca.crt');
		const noFile = await as(missing, ['list']);
		expect(noFile).toMatchObject({code: 1, stdout: ''});
		expect(noFile.stderr).toBe(`apikeys: could not reach the PostgreSQL store ${missing}: cannot read sslrootcert /nonexistent/ca.crt (no such file)\n`);
	});

	it("trusts ~/.postgresql/root.crt as libpq does, and checks sslmode=require as verify-full, in silence", async () => {
		const home = suiteDir();
		mkdirSync(join(home, '.postgresql'));
		copyFileSync(ca.cert, join(home, '.postgresql', 'root.crt'));
		const fromHome = await as(url('localhost', '?sslmode=verify-full'), ['list', '--json'], {HOME: home});
		expect(fromHome).toMatchObject({code: 0, stderr: ''});
		expect(JSON.parse(fromHome.stdout)).toHaveLength(1);
		for (const mode of ['require', 'verify-ca', 'prefer']) {
			expect(await as(url('localhost', `?sslmode=${mode}&sslrootcert=${ca.cert}`), ['list']), mode).toMatchObject({code: 0, stderr: ''});
			// Not the "encrypt but trust anyone" of libpq's require: a certificate no trusted authority signed is refused.
			const untrusted = await as(url('localhost', `?sslmode=${mode}&sslrootcert=${otherCa.cert}`), ['list']);
			expect(untrusted, mode).toMatchObject({code: 1, stdout: ''});
			expect(untrusted.stderr, mode).toMatch(/^apikeys: could not reach the PostgreSQL store .+: the server's certificate is not signed by the certificate authority in sslrootcert \(nor by one this system trusts\)\n$/);
		}
	});
});
