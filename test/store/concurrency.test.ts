import {spawn} from 'node:child_process';
import {readFileSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {bundleScript} from '../bundle.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Store} from '../../source/store/store.js';
import {CLI, TOKEN_IN_TEXT, freshStore, tempDir} from '../helpers.js';

let writer: string;
let removeWriter = () => undefined as void;

beforeAll(async () => {
	({file: writer, remove: removeWriter} = await bundleScript(join(import.meta.dirname, '..', 'reliability', 'worker.ts')));
});
afterAll(() => removeWriter());

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(command, args, {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', c => (stdout += c));
		child.stderr.on('data', c => (stderr += c));
		child.on('close', code => resolve({code: code ?? -1, stdout, stderr}));
	});
}

function assertIntact(path: string, acknowledged: string[], expected: number) {
	const text = readFileSync(path, 'utf8');
	const data = JSON.parse(text) as {revision: number; keys: Array<{appKey: string}>};
	const stored = new Set(data.keys.map(k => k.appKey));
	expect(acknowledged).toHaveLength(expected);
	expect(data.keys).toHaveLength(expected);
	expect(acknowledged.filter(appKey => !stored.has(appKey))).toEqual([]);
	expect(data.revision).toBe(expected + 1);
	expect(statSync(path).mode & 0o777).toBe(0o600);
	expect(readdirSync(join(path, '..')).filter(name => name.endsWith('.tmp'))).toEqual([]);
	expect(text).not.toMatch(TOKEN_IN_TEXT);
}

describe('concurrent writers on one store lose nothing and leave valid JSON', () => {
	it.each([2, 4])('%i processes × 100 changes through the service', async processes => {
		const path = join(tempDir(), 'store.json');
		await Store.create(path, freshStore());
		const results = await Promise.all(
			Array.from({length: processes}, (_, i) => run(process.execPath, [writer, 'write', path, '100', `w${i}`])),
		);
		for (const result of results) expect(result.stderr).toBe('');
		assertIntact(path, results.flatMap(r => r.stdout.trim().split('\n').map(line => line.split(' ')[1]!)), processes * 100);
	});

	it('4 processes × 50 `apikeys generate` leave exactly 200 keys, a parseable file, mode 0600', async () => {
		const path = join(tempDir(), 'store.json');
		const init = await run(process.execPath, [CLI, 'init', '--account', 'acme'], {APIKEYS_STORE: path, APIKEYS_OPERATOR: 'alice'});
		expect(init.code).toBe(0);
		// Each worker is a shell running 50 generate commands back to back: 200 program starts, each
		// taking the lock in turn (test/reliability has 8 writers × 200 changes through the service).
		const script = `for i in $(seq 1 50); do "${process.execPath}" "${CLI}" generate --name "$1-$i" --json | grep -o '"appKey": "[^"]*"' || exit 1; done`;
		const results = await Promise.all(
			Array.from({length: 4}, (_, i) => run('bash', ['-c', script, 'worker', `w${i}`], {APIKEYS_STORE: path, APIKEYS_OPERATOR: 'alice'})),
		);
		for (const result of results) expect(result.code, result.stderr).toBe(0);
		const acknowledged = results.flatMap(r => [...r.stdout.matchAll(/"appKey": "([^"]+)"/g)].map(m => m[1]!));
		assertIntact(path, acknowledged, 200);
	}, 300_000); // 200 program starts: on two busy cores this alone can pass the default two minutes.
});
