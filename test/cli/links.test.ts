import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, TOKEN_IN_TEXT, runCli, tempDir} from '../helpers.js';
import {eachStore, type TestStore} from '../stores.js';

eachStore('single-access links on the command line', stores => {
	async function store(): Promise<TestStore> {
		const made = await stores.fresh();
		await made.init();
		return made;
	}

	it('nothing in the store can reveal a token or its link, after every step of the lifecycle', async () => {
		const made = await store();
		const cli = (args: string[], input?: string) => made.cli(args, {input});
		const seen: string[] = [];
		const check = async () => {
			const text = await made.contents();
			expect(text).not.toMatch(TOKEN_IN_TEXT);
			for (const secret of seen) expect(text).not.toContain(secret);
		};
		const generated = JSON.parse((await cli(['generate', '--name', 'ERP', '--json'])).stdout);
		seen.push(generated.link.split('/').pop());
		await check();
		const first = (await cli(['redeem'], generated.link)).stdout.match(TOKEN_IN_TEXT)![0];
		seen.push(first);
		await check();
		const renewed = JSON.parse((await cli(['renew', generated.appKey, '--delete-old', 'later', '--json'])).stdout);
		seen.push(renewed.link.split('/').pop());
		await check();
		expect((await cli(['undo-renewal', generated.appKey, '--yes'])).code).toBe(0);
		await check();
		// Undoing the renewal destroyed its link.
		expect((await cli(['redeem'], renewed.link)).stderr).toBe('apikeys: this link is unknown or has expired\n');
		const again = JSON.parse((await cli(['renew', generated.appKey, '--delete-old', 'now', '--json'])).stdout);
		seen.push(again.link.split('/').pop());
		await check();
		const second = (await cli(['redeem'], again.link)).stdout.match(TOKEN_IN_TEXT)![0];
		seen.push(second);
		await check();
		expect((await cli(['verify', '--key', generated.appKey], second)).code).toBe(0);
		expect((await cli(['verify', '--key', generated.appKey], first)).code).toBe(1);
	});

	it('50 simultaneous redemptions of one link reveal exactly one token; the rest say when it was used', async () => {
		const made = await store();
		const {link} = JSON.parse((await made.cli(['generate', '--name', 'ERP', '--json'])).stdout);
		const results = await Promise.all(
			Array.from(
				{length: 50},
				() =>
					new Promise<{code: number; stdout: string; stderr: string}>(resolve => {
						const child = spawn(process.execPath, [CLI, 'redeem'], {env: {...process.env, ...made.env('alice'), APIKEYS_OPERATOR: 'alice'}});
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

	it('apikeys serve serves the share page on an ephemeral port, and stops gracefully on SIGTERM', async () => {
		const made = await store();
		const {link} = JSON.parse((await made.cli(['generate', '--name', 'ERP', '--json'])).stdout);
		const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {env: {...process.env, ...made.env('alice'), APIKEYS_OPERATOR: 'alice'}});
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
});

describe('apikeys serve', () => {
	it('refuses bad flags in one line', async () => {
		const path = join(tempDir(), 'store.json');
		expect((await runCli(['init', '--account', 'acme'], {store: path})).code).toBe(0);
		expect(await runCli(['serve', '--port', 'http'], {store: path})).toMatchObject({code: 2, stderr: 'apikeys: --port is a number from 0 to 65535\n'});
		expect(await runCli(['serve', '--host', 'evil host'], {store: path})).toMatchObject({code: 2});
		expect(await runCli(['serve', '--port', '99999'], {store: path})).toMatchObject({code: 2});
	});
});
