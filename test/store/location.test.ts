import {describe, expect, it} from 'vitest';
import {displayUrl, storeLocation} from '../../source/store/postgres/location.js';
import {connectionConfig} from '../../source/store/postgres/connection.js';

const refusal = (value: string, from: 'argv' | 'env' = 'argv') => {
	try {
		storeLocation(value, from);
	} catch (error) {
		return (error as Error).message;
	}
	return null;
};

const PASSWORD = 'a password in a store URL on the command line is readable by every user of this machine: leave it out and use PGPASSWORD, ~/.pgpass or PGSERVICE';

describe('a PostgreSQL store URL', () => {
	it('keeps a password off the command line, in the user part or as a parameter, however it is spelt', () => {
		for (const url of ['postgres://alice:s3cret@db/apikeys', 'postgres://alice:s3cret@/apikeys', 'postgresql://alice:s3cret@db/apikeys', 'postgres://alice@db/apikeys?password=s3cret', 'postgres://alice@db/apikeys?pass%77ord=s3cret', 'POSTGRES://alice@db/apikeys?sslmode=verify-full&password=s3cret']) {
			expect(refusal(url), url).toBe(PASSWORD);
		}
		// A parameter name in capitals is not libpq's: refused as unknown, its value unsaid.
		expect(refusal('postgres://alice@db/apikeys?PASSWORD=s3cret')).not.toContain('s3cret');
	});

	it('never shows a password given where only its user can read it (APIKEYS_STORE)', () => {
		for (const url of ['postgres://alice:s3cret@db/apikeys', 'postgres://alice:s3cret@/apikeys', 'postgres://alice@db/apikeys?password=s3cret&sslmode=verify-full']) {
			const {url: given} = storeLocation(url, 'env') as {url: string};
			expect(displayUrl(given), url).not.toContain('s3cret');
			expect(connectionConfig(given, {}).password).toBe('s3cret');
		}
		expect(storeLocation('postgres://alice:s3cret@/apikeys', 'env')).toEqual({kind: 'postgres', url: 'postgres:///apikeys?user=alice&password=s3cret'});
		expect(displayUrl('postgres:///apikeys?user=alice&password=s3cret')).toBe('postgres:///apikeys?user=alice');
	});

	it('refuses what would leave part of a password in a host, a database or a parameter name', () => {
		for (const url of ['postgres://alice:12#s3cret@db/apikeys', 'postgres://alice:12/s3cret@db/apikeys', 'postgres://alice:12?s3cret@db/apikeys']) {
			const said = refusal(url, 'env');
			expect(said, url).toMatch(/^the PostgreSQL URL has an @ or a # after its host/);
			expect(said).not.toContain('s3cret');
		}
	});

	it('refuses a parameter it would ignore, one given twice, and an sslmode that checks nothing', () => {
		expect(refusal('postgres://db/apikeys?sslmod=verify-full')).toBe(
			'the PostgreSQL URL gives the parameter "sslmod", which apikeys does not support: it connects with host, port, user, service, sslmode, sslrootcert, sslcert, sslkey, application_name, connect_timeout, and refuses any other rather than ignore it',
		);
		expect(refusal('postgres://db/apikeys?sslcrl=/etc/crl.pem')).toMatch(/^the PostgreSQL URL gives the parameter "sslcrl", which apikeys does not support/);
		expect(refusal('postgres://db/apikeys?sslmode=verify-full&sslmode=disable')).toBe('the PostgreSQL URL gives the parameter "sslmode" twice');
		expect(refusal('postgres://db/apikeys?sslmode=no-verify')).toBe("the PostgreSQL URL's sslmode is one of disable, allow, prefer, require, verify-ca, verify-full");
		expect(refusal('postgres://db/apikeys?connect_timeout=soon')).toBe("the PostgreSQL URL's connect_timeout is a number of seconds");
		expect(refusal('postgres://alice@/apikeys?user=bob')).toBe('the PostgreSQL URL names its user twice: before the @ and as ?user=');
	});

	it('takes a user with no host as libpq does, and the parameters it supports', () => {
		expect(storeLocation('postgres://alice@/apikeys', 'argv')).toEqual({kind: 'postgres', url: 'postgres:///apikeys?user=alice'});
		expect(storeLocation('postgres://alice@/apikeys?sslmode=disable', 'argv')).toEqual({kind: 'postgres', url: 'postgres:///apikeys?sslmode=disable&user=alice'});
		const url = 'postgres://alice@db.example.com:6432/apikeys?sslmode=disable&application_name=gateway&connect_timeout=3';
		expect(storeLocation(url, 'argv')).toEqual({kind: 'postgres', url});
		expect(connectionConfig(url, {})).toMatchObject({host: 'db.example.com', port: 6432, database: 'apikeys', user: 'alice', application_name: 'gateway', connectionTimeoutMillis: 3000});
	});
});
