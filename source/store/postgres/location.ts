import {resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {usage} from '../../core/errors.js';

const POSTGRES = /^postgres(ql)?:\/\//i;
/** A user:password@ before the host, whether or not the rest parses. */
const PASSWORD_IN_URL = /^postgres(ql)?:\/\/[^@/?#]*:[^@/?#]*@/i;

/** postgres://user@/database: a user and no host (the local socket, or PGHOST), as libpq takes it. */
const USER_WITHOUT_HOST = /^(postgres(?:ql)?:\/\/)([^@/?#:]+)@(\/[^?#]*)(?:\?([^#]*))?$/i;

/** Whether a store location names a PostgreSQL database (postgres:// or postgresql://) rather than a file. */
export const isPostgresLocation = (location: string) => POSTGRES.test(location);

/**
 * The store a `--store` value or APIKEYS_STORE names: a PostgreSQL URL as given, or a file path
 * (`file://` URLs included). A password inside a URL given on the command line is refused, since
 * every user of the machine can read a process's arguments; PGPASSWORD, ~/.pgpass or a service
 * file carry it instead.
 */
export function storeLocation(value: string, from: 'argv' | 'env'): {kind: 'postgres'; url: string} | {kind: 'file'; path: string} {
	if (isPostgresLocation(value)) {
		const refusePassword = () => {
			throw usage('a password in a --store URL is readable by every user of this machine: leave it out and use PGPASSWORD, ~/.pgpass or PGSERVICE');
		};
		// Looked for before the URL is parsed: one that does not parse may still hold a password (user:password@/database).
		if (from === 'argv' && PASSWORD_IN_URL.test(value)) refusePassword();
		// A URL's user needs a host to parse; with none the user moves to the query, where libpq also takes it.
		const hostless = USER_WITHOUT_HOST.exec(value);
		if (hostless) {
			const query = new URLSearchParams(hostless[4]);
			query.set('user', decodeURIComponent(hostless[2]!));
			value = `${hostless[1]}${hostless[3]}?${query}`;
		}
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			throw usage('the PostgreSQL URL does not parse: postgres://[user@]host[:port]/database[?sslmode=verify-full]');
		}
		if (url.password && from === 'argv') refusePassword();
		return {kind: 'postgres', url: value};
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

/** A PostgreSQL URL as it may be shown: never its password. */
export function displayUrl(location: string): string {
	try {
		const url = new URL(location);
		url.password = '';
		return url.toString();
	} catch {
		return 'postgres://…';
	}
}
