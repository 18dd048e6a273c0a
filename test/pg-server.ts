import {execFileSync} from 'node:child_process';
import {chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {LOGINS, type Login} from './pg.js';

/** Debian's server programs (initdb, pg_ctl), newest version first. */
const BIN = (() => {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return null;
	const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
	const found = versions.map(version => join(root, version, 'bin')).find(dir => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
	return found ?? null;
})();

const isRoot = process.getuid?.() === 0;

/** The owner of a private server's files: initdb refuses to run as root, so root runs it as `postgres`. */
const owner = (() => {
	if (!isRoot) return {uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0};
	try {
		const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], {encoding: 'utf8'}).trim());
		return {uid: id('-u'), gid: id('-g')};
	} catch {
		return null;
	}
})();

/** Why no private server can be started here (null: one can); the tests that need one say it when they skip. */
export const privateServerReason: string | null = !BIN
	? "no PostgreSQL server programs in /usr/lib/postgresql/*/bin: .ci/run installs Debian's postgresql"
	: !owner
		? 'running as root without a postgres user to own a private server (initdb refuses root)'
		: null;

const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD = 'test-password-of-the-private-superuser';
const passwordOf = (login: Login) => `test-password-of-${login}`;
const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/** Runs a server program as the owner of the server's files. */
function asOwner(program: string, args: string[]): string {
	const command = [join(BIN!, program), ...args].map(quote).join(' ');
	return isRoot ? execFileSync('su', [SUPERUSER, '-s', '/bin/sh', '-c', command], {encoding: 'utf8'}) : execFileSync('sh', ['-c', command], {encoding: 'utf8'});
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise(resolve => server.close(resolve));
	return port;
}

export interface PrivateServer {
	readonly port: number;
	/** The directory of its Unix socket. */
	readonly socketDir: string;
	/** The URL a login reaches `database` with over TCP (the password goes in PGPASSWORD). */
	tcpUrl(login: Login, database: string, host?: string, query?: string): string;
	/** The URL a login reaches `database` with over the Unix socket. */
	socketUrl(login: Login, database: string): string;
	/** The environment the program needs as `login` (its password). */
	env(login: Login): Record<string, string>;
	/** A new database with a store-less schema, where alice may create the store. */
	createDatabase(name: string): Promise<void>;
	/** A query as the server's superuser, over the socket. */
	admin(sql: string, params?: unknown[], database?: string): Promise<pg.QueryResult>;
	stop(): void;
	/** Starts it again; `tcp: false` listens on the Unix socket only. */
	start(options?: {tcp?: boolean}): void;
	remove(): Promise<void>;
}

/**
 * A PostgreSQL server of the test file's own (initdb in a temp directory, on a free port), for
 * what the shared cluster must not undergo: a restart, TLS. Every login needs a password (SCRAM),
 * over TCP and the Unix socket alike; `tls` serves TLS only, with the given certificate and key.
 */
export async function startPrivateServer(options: {tls?: {cert: string; key: string}} = {}): Promise<PrivateServer> {
	const dir = mkdtempSync(join(tmpdir(), 'apikeys-pg-'));
	const data = join(dir, 'data');
	const port = await freePort();
	chownSync(dir, owner!.uid, owner!.gid);
	const passwordFile = join(dir, 'superuser-password');
	writeFileSync(passwordFile, SUPERUSER_PASSWORD, {mode: 0o600});
	chownSync(passwordFile, owner!.uid, owner!.gid);
	asOwner('initdb', ['-D', data, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
	const conf = [`port = ${port}`, `unix_socket_directories = '${dir}'`, 'fsync = off', 'max_connections = 40'];
	if (options.tls) {
		for (const [from, to] of [[options.tls.cert, 'server.crt'], [options.tls.key, 'server.key']] as const) {
			copyFileSync(from, join(data, to));
			chmodSync(join(data, to), 0o600);
			chownSync(join(data, to), owner!.uid, owner!.gid);
		}
		conf.push('ssl = on', "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'");
		// TLS or nothing over the network: a connection that works went through TLS.
		writeFileSync(join(data, 'pg_hba.conf'), 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n');
	}
	writeFileSync(join(data, 'postgresql.conf'), `${conf.join('\n')}\n`, {flag: 'a'});
	const start = ({tcp = true} = {}) =>
		void asOwner('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-c listen_addresses=${tcp ? (options.tls ? 'localhost' : '127.0.0.1') : "''"}`, 'start']);
	const stop = () => void asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
	start();

	const admin = async (sql: string, params?: unknown[], database = 'postgres') => {
		const client = new pg.Client({host: dir, port, user: SUPERUSER, password: SUPERUSER_PASSWORD, database});
		await client.connect();
		try {
			return await client.query(sql, params);
		} finally {
			await client.end();
		}
	};
	await admin('CREATE ROLE apikeys_admin NOLOGIN');
	for (const login of LOGINS) await admin(`CREATE ROLE ${login} LOGIN PASSWORD '${passwordOf(login)}' IN ROLE apikeys_admin`);

	let running = true;
	return {
		port,
		socketDir: dir,
		tcpUrl: (login, database, host = '127.0.0.1', query = '') => `postgres://${login}@${host}:${port}/${database}${query}`,
		socketUrl: (login, database) => `postgres:///${database}?host=${encodeURIComponent(dir)}&port=${port}&user=${login}`,
		env: login => ({PGPASSWORD: passwordOf(login)}),
		async createDatabase(name) {
			await admin(`CREATE DATABASE ${name}`);
			await admin(`GRANT CREATE ON DATABASE ${name} TO alice`);
		},
		admin,
		stop() {
			stop();
			running = false;
		},
		start(startOptions) {
			start(startOptions);
			running = true;
		},
		async remove() {
			if (running) stop();
			running = false;
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
