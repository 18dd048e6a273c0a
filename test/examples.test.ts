import {execFile, spawn} from 'node:child_process';
import {join, resolve} from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {call, startVerifyServer, storeWithKeys, type Keys} from './verify/helpers.js';

const ROOT = resolve(import.meta.dirname, '..');
const EXAMPLES = ['examples/orders-over-http.mjs', 'examples/orders-in-process.mjs'];

/** Starts an example service, resolved with its address once it prints it. */
async function startExample(file: string, env: Record<string, string>) {
	const child = spawn(process.execPath, [join(ROOT, file)], {cwd: ROOT, env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', ...env}});
	let output = '';
	child.stderr.on('data', chunk => (output += chunk));
	const url = await new Promise<string>((resolvePromise, reject) => {
		child.stdout.on('data', chunk => {
			output += chunk;
			const found = /orders service at (http:\/\/127\.0\.0\.1:\d+)\/orders/.exec(output);
			if (found) resolvePromise(found[1]!);
		});
		child.on('close', () => reject(new Error(`${file} exited: ${output}`)));
	});
	return {url, child, output: () => output};
}

/** The route as a client sees it with each kind of token. */
async function routeAnswers(url: string, keys: Keys) {
	const get = (token?: string) => call(url, {path: '/orders', headers: token ? {Authorization: `Bearer ${token}`} : {}});
	const allowed = await get(keys.erp.token);
	expect(allowed.status).toBe(200);
	expect(JSON.parse(allowed.text)).toEqual({for: 'ERP', orders: [{id: 'v1001', status: 'invoiced'}]});
	expect(await get(keys.checkout.token)).toMatchObject({status: 403, text: '{"error":"INSUFFICIENT_ROLES"}'});
	// A typo in the last character (one that differs from it: a token ends in x one time in 62).
	expect(await get(`${keys.erp.token.slice(0, -1)}${keys.erp.token.endsWith('x') ? 'y' : 'x'}`)).toMatchObject({status: 401, text: '{"error":"MALFORMED"}'});
	expect((await get()).status).toBe(401);
}

describe('the examples', () => {
	it('orders-over-http.mjs protects its route through apikeys verify-server', async () => {
		const keys = await storeWithKeys();
		const verifier = await startVerifyServer(keys.store);
		const example = await startExample(EXAMPLES[0]!, {VERIFY_URL: verifier.url, APIKEYS_GATEWAY_TOKEN: keys.gateway.token});
		try {
			await routeAnswers(example.url, keys);
		} finally {
			example.child.kill('SIGTERM');
			await verifier.stop();
		}
	});

	it('orders-in-process.mjs protects its route with openVerifier from the package', async () => {
		const keys = await storeWithKeys();
		const example = await startExample(EXAMPLES[1]!, {APIKEYS_STORE: keys.store});
		try {
			await routeAnswers(example.url, keys);
			expect(example.output()).not.toContain('apikt_');
		} finally {
			example.child.kill('SIGTERM');
		}
	});

	it('both type-check against the package\'s own declarations (package.json "types")', async () => {
		const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
		const args = ['--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', ...EXAMPLES];
		const {stdout} = await promisify(execFile)(process.execPath, [tsc, ...args], {cwd: ROOT});
		expect(stdout).toBe('');
	});
});
