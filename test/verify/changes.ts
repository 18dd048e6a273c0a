import {randomBytes} from 'node:crypto';
import {expect} from 'vitest';
import {mintToken} from '../../source/core/token.js';
import type {Verifier} from '../../source/index.js';
import {runCli} from '../helpers.js';
import {until, type Keys} from './helpers.js';

/** Every code through the library, and each kind of change to a key seen by `verifier` within a second. */
export async function everyCodeAndChange(keys: Keys, verifier: Verifier): Promise<void> {
	const check = (token: string, options?: {appKey?: string; roles?: string[]}) => async () => verifier.verify(token, options);
	const within = (token: string, code: string, what: string, options?: {appKey?: string; roles?: string[]}) =>
		until(check(token, options), answer => answer.code === code, 1000, what);

	expect(verifier.verify(keys.erp.token)).toEqual({valid: true, code: 'VALID', appKey: keys.erp.appKey, name: 'ERP', roles: ['OMS - Read only'], tokenState: 'current'});
	expect(verifier.verify(keys.erp.token, {appKey: keys.erp.appKey, roles: ['OMS - READ ONLY']})).toMatchObject({valid: true});
	expect(verifier.verify('apikt_short')).toEqual({valid: false, code: 'MALFORMED'});
	expect(verifier.verify(`${keys.erp.token.slice(0, -1)}${keys.erp.token.endsWith('0') ? '1' : '0'}`)).toEqual({valid: false, code: 'MALFORMED'});
	expect(verifier.verify(mintToken(randomBytes(32)))).toEqual({valid: false, code: 'NOT_FOUND'});
	expect(verifier.verify(keys.erp.token, {appKey: keys.checkout.appKey})).toEqual({valid: false, code: 'NOT_FOUND'});
	expect(verifier.verify(keys.erp.token, {roles: ['Checkout Admin']})).toEqual({valid: false, code: 'INSUFFICIENT_ROLES'});
	expect(verifier.status()).toMatchObject({state: 'current'});

	expect((await runCli(['deactivate', keys.erp.appKey, '--yes'], keys.cli)).code).toBe(0);
	await within(keys.erp.token, 'INACTIVE', 'deactivate');
	expect((await runCli(['activate', keys.erp.appKey], keys.cli)).code).toBe(0);
	await within(keys.erp.token, 'VALID', 'activate');

	expect((await runCli(['edit', keys.erp.appKey, '--add-role', 'Checkout Admin'], keys.cli)).code).toBe(0);
	await within(keys.erp.token, 'VALID', 'roles added', {roles: ['Checkout Admin']});
	expect((await runCli(['edit', keys.erp.appKey, '--remove-role', 'Checkout Admin'], keys.cli)).code).toBe(0);
	await within(keys.erp.token, 'INSUFFICIENT_ROLES', 'roles removed', {roles: ['Checkout Admin']});

	// A renewal keeps the old token valid (tokenState old) until it is deleted; undo makes it current again.
	const renewed = JSON.parse((await runCli(['renew', keys.erp.appKey, '--delete-old', 'later', '--json'], keys.cli)).stdout).token as string;
	await within(renewed, 'VALID', 'renew');
	expect(verifier.verify(keys.erp.token)).toMatchObject({valid: true, tokenState: 'old'});
	expect((await runCli(['undo-renewal', keys.erp.appKey, '--yes'], keys.cli)).code).toBe(0);
	await within(renewed, 'NOT_FOUND', 'undo renewal');
	expect(verifier.verify(keys.erp.token)).toMatchObject({valid: true, tokenState: 'current'});

	const again = JSON.parse((await runCli(['renew', keys.erp.appKey, '--delete-old', 'later', '--json'], keys.cli)).stdout).token as string;
	await within(again, 'VALID', 'renew again');
	expect((await runCli(['delete-old-token', keys.erp.appKey, '--yes'], keys.cli)).code).toBe(0);
	await within(keys.erp.token, 'NOT_FOUND', 'delete old token');
	expect(verifier.verify(again)).toMatchObject({valid: true, tokenState: 'current'});

	expect((await runCli(['delete', keys.erp.appKey, '--yes'], keys.cli)).code).toBe(0);
	await within(again, 'NOT_FOUND', 'delete');
	expect(verifier.verify(keys.checkout.token)).toMatchObject({valid: true});
}
