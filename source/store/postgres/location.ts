import {resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {ApiKeysError, usage} from '../../core/errors.js';
import {sanitize} from '../../text/sanitize.js';

const POSTGRES = /^postgres(ql)?:\/\//i;
/** A user:password@ before the host, whether or not the rest parses. */
const PASSWORD_IN_URL = /^postgres(ql)?:\/\/[^@/?#]*:[^@/?#]*@/i;
/** postgres://user[:password]@/database: no host (the local socket, or PGHOST), as libpq takes it. */
const USER_WITHOUT_HOST = /^(postgres(?:ql)?:\/\/)([^@/?#:]+)(?::([^@/?#]*))?@(\/[^?#]*)(?:\?([^#]*))?$/i;
/**
 * The URL parameters the program connects with. Any other is refused rather than ignored: an
 * sslcrl or a misspelt sslmode that did nothing would look like protection that is not there.
 */
const PARAMETERS = ['host', 'port', 'user', 'service', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'connect_timeout'];
/** libpq's sslmode values (node-postgres also takes no-verify, which checks no certificate). */
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const URL_FORM = 'postgres://[user@][host][:port]/database[?sslmode=verify-full]';

/** Whether a store location names a PostgreSQL database (postgres:// or postgresql://) rather than a file. */
export const isPostgresLocation = (location: string) => POSTGRES.test(location);

/**
 * The store a `--store` value or APIKEYS_STORE names: a PostgreSQL URL (a user with no host moved
 * to the query, where the URL parser takes it), or a file path (`file://` URLs included). A
 * password inside a URL given on the command line is refused, in the user part or as ?password=,
 * since every user of the machine can read a process's arguments; PGPASSWORD, ~/.pgpass or a
 * service file carry it instead.
 */
export function storeLocation(value: string, from: 'argv' | 'env'): {kind: 'postgres'; url: string} | {kind: 'file'; path: string} {
	if (isPostgresLocation(value)) {
		const refusePassword = () => {
			throw usage('a password in a store URL on the command line is readable by every user of this machine: leave it out and use PGPASSWORD, ~/.pgpass or PGSERVICE');
		};
		// Looked for before the URL is parsed: one that does not parse may still hold a password.
		if (from === 'argv' && PASSWORD_IN_URL.test(value)) refusePassword();
		let given: string;
		let url: URL;
		try {
			given = withoutHostlessUser(value);
			url = new URL(given);
		} catch (error) {
			throw error instanceof ApiKeysError ? error : usage(`the PostgreSQL URL does not parse: ${URL_FORM}`);
		}
		if (url.password && from === 'argv') refusePassword();
		// Unencoded, these end the user part early: what follows (a password, say) would be read as a host, a database or a parameter, and shown.
		if (url.hash || (url.pathname + url.search).includes('@')) {
			throw usage('the PostgreSQL URL has an @ or a # after its host: percent-encode one that belongs to a name (%40, %23); a password belongs in PGPASSWORD, ~/.pgpass or PGSERVICE');
		}
		const seen = new Set<string>();
		for (const [name, parameterValue] of url.searchParams) {
			// A name is shown only when it is one a parameter could have: a password cut loose in the URL could be read as one.
			const named = /^[a-z_]{1,40}$/i.test(name) ? `the parameter "${name}"` : 'a parameter';
			if (seen.has(name)) throw usage(`the PostgreSQL URL gives ${named} twice`);
			seen.add(name);
			if (name === 'password') {
				if (from === 'argv') refusePassword();
			} else if (!PARAMETERS.includes(name)) {
				throw usage(`the PostgreSQL URL gives ${named}, which apikeys does not support: it connects with ${PARAMETERS.join(', ')}, and refuses any other rather than ignore it`);
			} else if (name === 'sslmode' && !SSL_MODES.includes(parameterValue)) {
				throw usage(`the PostgreSQL URL's sslmode is one of ${SSL_MODES.join(', ')}`);
			} else if (name === 'connect_timeout' && !/^\d{1,6}$/.test(parameterValue)) {
				throw usage("the PostgreSQL URL's connect_timeout is a number of seconds");
			}
		}
		return {kind: 'postgres', url: given};
	}
	if (value.startsWith('file://')) {
		try {
			return {kind: 'file', path: fileURLToPath(value)};
		} catch {
			throw usage(`the file URL ${value.slice(0, 100)} does not parse`);
		}
	}
	return {kind: 'file', path: value};
}

/** The store a value names, as the program opens it: a PostgreSQL URL as given, or an absolute file path. */
export function storePath(value: string, from: 'argv' | 'env'): string {
	const location = storeLocation(value, from);
	return location.kind === 'postgres' ? location.url : resolve(location.path);
}

/** `postgres://user[:password]@/database` as `postgres:///database?user=user[&password=…]`. */
function withoutHostlessUser(value: string): string {
	const hostless = USER_WITHOUT_HOST.exec(value);
	if (!hostless) return value;
	const [, scheme, user, password, path, query] = hostless;
	const parameters = new URLSearchParams(query);
	if (parameters.has('user')) throw usage('the PostgreSQL URL names its user twice: before the @ and as ?user=');
	parameters.set('user', decodeURIComponent(user!));
	if (password !== undefined) parameters.set('password', decodeURIComponent(password));
	return `${scheme}${path}?${parameters}`;
}

/** A PostgreSQL URL as it may be shown: never its password, in the user part or as ?password=. */
export function displayUrl(location: string): string {
	try {
		const url = new URL(location);
		url.password = '';
		url.hash = '';
		if (url.searchParams.has('password')) url.searchParams.delete('password');
		return url.toString();
	} catch {
		return 'postgres://…';
	}
}
