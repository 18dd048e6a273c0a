import {existsSync, readFileSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import {join} from 'node:path';
import pg from 'pg';
import {parse} from 'pg-connection-string';
import {StoreUnreachableError, usage} from '../../core/errors.js';
import {displayUrl} from './location.js';

/** Service-file keys that name a connection parameter, as libpq reads them. */
const SERVICE_KEYS: Record<string, string> = {host: 'host', hostaddr: 'host', port: 'port', dbname: 'database', user: 'user', password: 'password', sslmode: 'sslmode', sslrootcert: 'sslrootcert', sslcert: 'sslcert', sslkey: 'sslkey', application_name: 'application_name', connect_timeout: 'connect_timeout'};

/**
 * The parameters of a service in pg_service.conf, as libpq finds it: PGSERVICEFILE, else
 * ~/.pg_service.conf, then the system file in PGSYSCONFDIR (Debian: /etc/postgresql-common).
 */
export function serviceParameters(name: string, env: NodeJS.ProcessEnv): Record<string, string> {
	const files = [env.PGSERVICEFILE ?? join(homedir(), '.pg_service.conf'), join(env.PGSYSCONFDIR ?? '/etc/postgresql-common', 'pg_service.conf')];
	for (const file of files) {
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		let inside = false;
		const found: Record<string, string> = {};
		for (const raw of text.split('\n')) {
			const line = raw.trim();
			if (!line || line.startsWith('#')) continue;
			const section = /^\[(.+)\]$/.exec(line);
			if (section) {
				if (inside) break;
				inside = section[1] === name;
				continue;
			}
			const pair = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
			if (inside && pair && SERVICE_KEYS[pair[1]!]) found[pair[1]!] = pair[2]!;
		}
		if (inside) return found;
	}
	throw usage(`no PostgreSQL service "${name.slice(0, 60)}" in ${files.join(' or ')}`);
}

/**
 * What the driver connects with, as libpq would: the URL first, then the service's parameters
 * (?service= or PGSERVICE), then the PG* environment (PGHOST, PGPORT, PGUSER, PGDATABASE,
 * PGSSLMODE, PGSSLROOTCERT), then the defaults (the local socket, the login name). With no
 * password given, node-postgres takes PGPASSWORD, else ~/.pgpass. Every sslmode but disable checks
 * the server's certificate against sslrootcert (else ~/.postgresql/root.crt, else the system's
 * authorities) and its name against the host, as verify-full does.
 */
export function connectionConfig(location: string, env: NodeJS.ProcessEnv = process.env): pg.ClientConfig {
	const url = new URL(location);
	const serviceName = url.searchParams.get('service') ?? env.PGSERVICE;
	url.searchParams.delete('service');
	const service = serviceName ? serviceParameters(serviceName, env) : {};
	if (!url.searchParams.has('sslmode') && (service.sslmode ?? env.PGSSLMODE)) url.searchParams.set('sslmode', (service.sslmode ?? env.PGSSLMODE)!);
	if (!url.searchParams.has('sslrootcert') && (service.sslrootcert ?? env.PGSSLROOTCERT)) url.searchParams.set('sslrootcert', (service.sslrootcert ?? env.PGSSLROOTCERT)!);
	const sslmode = url.searchParams.get('sslmode');
	// libpq's default authority file; without it the system's authorities are trusted.
	const defaultRoot = join(homedir(), '.postgresql', 'root.crt');
	if (sslmode && sslmode !== 'disable' && !url.searchParams.has('sslrootcert') && existsSync(defaultRoot)) url.searchParams.set('sslrootcert', defaultRoot);
	// node-postgres checks these as verify-full (stricter than libpq), and said so in a many-line warning on every run.
	if (sslmode === 'prefer' || sslmode === 'require' || sslmode === 'verify-ca') url.searchParams.set('sslmode', 'verify-full');
	let parsed: ReturnType<typeof parse>;
	try {
		parsed = parse(url.toString());
	} catch (error) {
		throw unreadableFile(location, url, error);
	}
	const user = parsed.user || service.user || env.PGUSER || userInfo().username;
	return {
		host: parsed.host || service.host || service.hostaddr || env.PGHOST || '/var/run/postgresql',
		port: Number(parsed.port || service.port || env.PGPORT || 5432),
		database: parsed.database || service.dbname || env.PGDATABASE || user,
		user,
		// libpq's order: the URL, the service file, PGPASSWORD (of the environment given), then ~/.pgpass (node-postgres reads it).
		...(parsed.password || service.password || env.PGPASSWORD ? {password: parsed.password || service.password || env.PGPASSWORD} : {}),
		...(parsed.ssl !== undefined ? {ssl: parsed.ssl as pg.ClientConfig['ssl']} : {}),
		application_name: url.searchParams.get('application_name') ?? 'apikeys',
		// libpq's connect_timeout, in seconds; 0 waits as long as the system does.
		connectionTimeoutMillis: url.searchParams.has('connect_timeout') ? Number(url.searchParams.get('connect_timeout')) * 1000 : 10_000,
	};
}

/** The TLS verdicts that mean the server's certificate chains to no authority trusted here. */
const UNTRUSTED_CERTIFICATE = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE']);

/** A connection failure as one line: which server, and why, never a password. */
export function connectionFailure(where: string, error: unknown): Error {
	const {code, host, cert} = error as {code?: string; host?: string; cert?: {subjectaltname?: string}};
	const message = (error as Error).message?.split('\n')[0] ?? String(error);
	const reason =
		code === 'ECONNREFUSED'
			? 'the server refused the connection (is PostgreSQL running there?)'
			: code === 'ENOTFOUND'
				? 'the host name does not resolve'
				: code && UNTRUSTED_CERTIFICATE.has(code)
					? "the server's certificate is not signed by the certificate authority in sslrootcert (nor by one this system trusts)"
					: code === 'ERR_TLS_CERT_ALTNAME_INVALID'
						? `the server's certificate does not name the host ${host ?? ''} (it names ${cert?.subjectaltname?.slice(0, 200) || 'no other'}): connect by a name it holds`
						: // The driver's words when the server asks for a password and it has none.
							/password must be a string/.test(message)
							? 'the server asks for a password and none was given: set PGPASSWORD, or put it in ~/.pgpass or a PGSERVICE entry'
							: message;
	return new StoreUnreachableError(`could not reach the PostgreSQL store ${where}: ${reason}`);
}

/** A certificate or key file named by the URL (sslrootcert, sslcert, sslkey) that cannot be read, in one line. */
function unreadableFile(location: string, url: URL, error: unknown): Error {
	const {code, path} = error as {code?: string; path?: string};
	if (!path) return error as Error;
	const parameter = ['sslrootcert', 'sslcert', 'sslkey'].find(name => url.searchParams.get(name) === path) ?? 'the file';
	const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
	return new StoreUnreachableError(`could not reach the PostgreSQL store ${displayUrl(location)}: cannot read ${parameter} ${path} (${why})`);
}

/**
 * A pool of connections: one that drops while idle is replaced on the next query, with nothing to
 * report. One that drops while taken (between two statements, or with a reset under a running
 * one) fails the statement it was given; the driver also raises an 'error' event on it, which the
 * pool listens to only while the connection is idle: unheard, it ended the process (a verify
 * server whose database cut its connections printed "unexpected error: read ECONNRESET" and quit).
 */
export function newPool(config: pg.PoolConfig): pg.Pool {
	const pool = new pg.Pool({...config, Client: ClosingClient});
	pool.on('error', () => undefined);
	pool.on('connect', client => client.on('error', () => undefined));
	return pool;
}

/**
 * A connection that closes its socket when it fails to connect. The driver leaves it open when the
 * failure is its own (no password to answer the server's SCRAM challenge): the server then waits
 * out its authentication_timeout, 60 s by default, and the process with it, its error long printed.
 */
class ClosingClient extends pg.Client {
	override connect(): Promise<pg.Client>;
	override connect(callback: (error: Error) => void): void;
	override connect(callback?: (error: Error) => void): Promise<pg.Client> | void {
		const close = () => void this.end().catch(() => undefined);
		if (!callback) {
			return super.connect().catch((error: unknown) => {
				close();
				throw error;
			});
		}
		super.connect((error: Error) => {
			if (error) close();
			callback(error);
		});
	}
}

/** A connection from `pool`, or the failure to get one in one line naming the store. */
export async function pooledClient(pool: pg.Pool, where: string): Promise<pg.PoolClient> {
	try {
		return await pool.connect();
	} catch (error) {
		throw connectionFailure(where, error);
	}
}

/** Closes a pool's connections; one already lost is no matter. */
export const closePool = (pool: pg.Pool): Promise<void> => pool.end().catch(() => undefined);
