import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';

async function store() {
	const path = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store: path})).code).toBe(0);
	return path;
}

describe('single-access links on the command line', () => {
	it('nothing in the store file can reveal a token or its link, after every step of the lifecycle', async () => {
		const path = await store();
		const seen: string[] = [];
		const check = () => {
			const text = readFileSync(path, 'utf8');
			expect(text).not.toMatch(TOKEN_IN_TEXT);
			for (const secret of seen) expect(text).not.toContain(secret);
		};
		const generated = JSON.parse((await runCli(['generate', '--name', 'ERP', '--json'], {store: path})).stdout);
		seen.push(generated.link.split('/').pop());
		check();
		const first = (await runCli(['redeem'], {store: path, input: generated.link})).stdout.match(TOKEN_IN_TEXT)![0];
		seen.push(first);
		check();
		const renewed = JSON.parse((await runCli(['renew', generated.appKey, '--delete-old', 'later', '--json'], {store: path})).stdout);
		seen.push(renewed.link.split('/').pop());
		check();
		expect((await runCli(['undo-renewal', generated.appKey, '--yes'], {store: path})).code).toBe(0);
		check();
		// Undoing the renewal destroyed its link.
		expect((await runCli(['redeem'], {store: path, input: renewed.link})).stderr).toBe('apikeys: this link is unknown or has expired\n');
		const again = JSON.parse((await runCli(['renew', generated.appKey, '--delete-old', 'now', '--json'], {store: path})).stdout);
		seen.push(again.link.split('/').pop());
		check();
		const second = (await runCli(['redeem'], {store: path, input: again.link})).stdout.match(TOKEN_IN_TEXT)![0];
		seen.push(second);
		check();
		expect((await runCli(['verify', '--key', generated.appKey], {store: path, input: second})).code).toBe(0);
		expect((await runCli(['verify', '--key', generated.appKey], {store: path, input: first})).code).toBe(1);
	});

	it('50 simultaneous redemptions of one link reveal exactly one token; the rest say when it was used', async () => {
		const path = await store();
		const {link} = JSON.parse((await runCli(['generate', '--name', 'ERP', '--json'], {store: path})).stdout);
		const results = await Promise.all(
			Array.from(
				{length: 50},
				() =>
					new Promise<{code: number; stdout: string; stderr: string}>(resolve => {
						const child = spawn(process.execPath, [CLI, 'redeem'], {env: {...process.env, APIKEYS_STORE: path, APIKEYS_OPERATOR: 'alice'}});
						child.stdin.end(link);
						let stdout = '';
						let stderr = '';
						child.stdout.on('data', c => (stdout += c));
						child.stderr.on('data', c => (stderr += c));
						child.on('close', code => resolve({code: code ?? -1, stdout, stderr}));
					}),
			),
		);
		const winners = results.filter(r => r.code === 0);
		expect(winners).toHaveLength(1);
		expect(winners[0]!.stdout).toMatch(TOKEN_IN_TEXT);
		const losers = results.filter(r => r.code !== 0);
		expect(losers).toHaveLength(49);
		for (const loser of losers) {
			expect(loser.stderr).toMatch(/^apikeys: this link was already used at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n$/);
			expect(loser.stdout).not.toMatch(TOKEN_IN_TEXT);
		}
	});
});

describe('apikeys serve', () => {
	it('serves the share page on an ephemeral port, and stops gracefully on SIGTERM', async () => {
		const path = await store();
		const {link} = JSON.parse((await runCli(['generate', '--name', 'ERP', '--json'], {store: path})).stdout);
		const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {env: {...process.env, APIKEYS_STORE: path, APIKEYS_OPERATOR: 'alice'}});
		let stdout = '';
		child.stdout.on('data', c => (stdout += c));
		const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
		const base = await new Promise<string>((resolve, reject) => {
			const poll = setInterval(() => {
				const match = /Serving single-access links at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
				if (match) {
					clearInterval(poll);
					resolve(match[1]!);
				}
			}, 20);
			child.on('close', () => reject(new Error(`serve exited: ${stdout}`)));
		});
		const page = await fetch(base + new URL(link).pathname);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Reveal token');
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(stdout).toContain('Stopped.');
	});

	it('refuses bad flags in one line', async () => {
		const path = await store();
		expect(await runCli(['serve', '--port', 'http'], {store: path})).toMatchObject({code: 2, stderr: 'apikeys: --port is a number from 0 to 65535\n'});
		expect(await runCli(['serve', '--host', 'evil host'], {store: path})).toMatchObject({code: 2});
		expect(await runCli(['serve', '--port', '99999'], {store: path})).toMatchObject({code: 2});
	});
});
