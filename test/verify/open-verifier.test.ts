import {renameSync} from 'node:fs';
import {pathToFileURL} from 'node:url';
import {describe, expect, it} from 'vitest';
import {VerifierUnavailableError, openVerifier} from '../../source/index.js';
import {runCli, tempDir} from '../helpers.js';
import {everyCodeAndChange} from './changes.js';
import {storeWithKeys, until} from './helpers.js';

describe('openVerifier (the package API) on a store file', () => {
	it('answers every code, and sees each change to a key within a second', async () => {
		const keys = await storeWithKeys();
		const verifier = await openVerifier({store: keys.store});
		try {
			await everyCodeAndChange(keys, verifier);
		} finally {
			await verifier.close();
		}
	});

	it('records last uses in a batch, written at the latest when it closes', async () => {
		const keys = await storeWithKeys();
		const verifier = await openVerifier({store: keys.store});
		expect(verifier.verify(keys.checkout.token).valid).toBe(true);
		await verifier.close();
		const rows = JSON.parse((await runCli(['list', '--json'], keys.cli)).stdout) as Array<{appKey: string; lastUsed: string | null}>;
		expect(rows.find(row => row.appKey === keys.checkout.appKey)?.lastUsed).not.toBeNull();
		expect(rows.find(row => row.appKey === keys.erp.appKey)?.lastUsed).toBeNull();
	});

	it('fails closed past the stale bound: verify throws VerifierUnavailableError (code UNAVAILABLE)', async () => {
		const keys = await storeWithKeys();
		const lines: string[] = [];
		const verifier = await openVerifier({store: keys.store, staleAfterMs: 1000, log: line => lines.push(line)});
		try {
			renameSync(keys.store, `${keys.store}.away`);
			await until(async () => verifier.status().state, state => state === 'unavailable', 5000, 'unavailable');
			expect(() => verifier.verify(keys.erp.token)).toThrow(VerifierUnavailableError);
			try {
				verifier.verify(keys.erp.token);
			} catch (error) {
				expect((error as VerifierUnavailableError).code).toBe('UNAVAILABLE');
			}
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(/^the store is out of reach \(store .+ was deleted or moved since it was read\); answering from the keys read at .+ for up to 1 s, then refusing with 503$/);
		} finally {
			await verifier.close();
		}
	});

	it('refuses a store that is not there, in one line', async () => {
		await expect(openVerifier({store: '/nonexistent/apikeys/store.json'})).rejects.toThrow(/no store at \/nonexistent\/apikeys\/store.json/);
	});

	it('without a store, opens the one the command line would: APIKEYS_STORE (a file:// URL too), else the default file', async () => {
		const keys = await storeWithKeys();
		const verifier = await openVerifier({env: {APIKEYS_STORE: pathToFileURL(keys.store).href}});
		try {
			expect(verifier.verify(keys.erp.token)).toMatchObject({valid: true, appKey: keys.erp.appKey});
		} finally {
			await verifier.close();
		}
		const home = tempDir();
		await expect(openVerifier({env: {XDG_DATA_HOME: home}})).rejects.toThrow(`no store at ${home}/apikeys/store.json`);
		await expect(openVerifier({store: 42 as unknown as string})).rejects.toThrow('openVerifier: store is a file path or a postgres:// URL');
	});
});
