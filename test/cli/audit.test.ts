import {spawn} from 'node:child_process';
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it, vi} from 'vitest';
import {CLI, TOKEN_IN_TEXT, tempDir} from '../helpers.js';
import {eachStore, type Login} from '../stores.js';

eachStore('apikeys audit', stores => {
	it('filters by operator, action and text, newest first', async () => {
		const store = await stores.fresh();
		const cli = (args: string[], operator: Login = 'alice') => store.cli(args, {as: operator});
		expect((await cli(['init', '--account', 'acme'])).code).toBe(0);
		await cli(['operators', 'add', 'bob', '--role', 'User Administrator - RESTRICTED']);
		const {appKey} = JSON.parse((await cli(['generate', '--name', 'ERP', '--json'], 'bob')).stdout);
		await cli(['deactivate', appKey, '--yes'], 'bob');
		await cli(['settings', '--renewal-alert', '6']);
		const all = JSON.parse((await cli(['audit', '--json'])).stdout) as Array<{operator: string; action: string; appKey?: string; summary?: string; at: string}>;
		expect(all.map(e => `${e.operator} ${e.action}`)).toEqual(['alice settings', 'bob deactivate', 'bob generate', 'alice operator add', 'alice create store']);
		expect(all[1]).toMatchObject({appKey, summary: 'status: Active → Inactive'});
		const byBob = JSON.parse((await cli(['audit', '--json', '--operator', 'bob'])).stdout) as Array<{action: string}>;
		expect(byBob.map(e => e.action)).toEqual(['deactivate', 'generate']);
		const deactivations = (await cli(['audit', '--action', 'deact'])).stdout;
		expect(deactivations).toMatch(/bob\s+deactivate\s+appkey-acme-[A-Z]{6}\s+status: Active → Inactive\n1 entry\n$/);
		expect((await cli(['audit', '--search', 'renewalAlertMonths'])).stdout).toContain('renewalAlertMonths: 3 → 6');
		expect((await cli(['audit', '--since', 'yesterday'])).code).toBe(2);
	});

	it('after a whole session, no token or link is anywhere but the one place it was revealed', async () => {
		const dir = tempDir();
		const store = await stores.fresh();
		const outputs: string[] = [];
		const cli = async (args: string[], input?: string) => {
			const result = await store.cli(args, {input});
			outputs.push(result.stdout + result.stderr);
			return result;
		};
		await cli(['init', '--account', 'acme']);
		const generated = JSON.parse((await cli(['generate', '--name', 'ERP', '--role', 'OMS - Read only', '--json'])).stdout);
		const revealed = await store.cli(['redeem'], {input: generated.link});
		const first = revealed.stdout.match(TOKEN_IN_TEXT)![0];
		const renewed = JSON.parse((await cli(['renew', generated.appKey, '--delete-old', 'later', '--json'])).stdout);
		const second = (await store.cli(['redeem'], {input: renewed.link})).stdout.match(TOKEN_IN_TEXT)![0];
		await cli(['verify', '--key', generated.appKey], first);
		// While a verify waits for its token on stdin, nothing about it in /proc shows the token.
		const waiting = spawn(process.execPath, [CLI, 'verify', '--key', generated.appKey], {env: {...process.env, ...store.env('alice'), APIKEYS_OPERATOR: 'alice'}});
		const exited = new Promise<number | null>(resolve => waiting.on('close', code => resolve(code)));
		// Waits until it has parsed its arguments (the parser renames the process), so it is waiting on stdin.
		const cmdlineOf = (pid: number) => {
			try {
				return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			} catch {
				return '';
			}
		};
		await vi.waitFor(() => expect(cmdlineOf(waiting.pid!)).toMatch(/^apikeys/), {timeout: 10_000, interval: 20});
		const everyCmdline = readdirSync('/proc')
			.filter(name => /^\d+$/.test(name))
			.map(pid => {
				try {
					return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
				} catch {
					return '';
				}
			});
		// The waiting process is there (its title is "apikeys"), and no process's arguments hold this
		// session's tokens or links (another user's own commands on a shared machine are theirs).
		expect(cmdlineOf(waiting.pid!)).toMatch(/^apikeys/);
		for (const line of everyCmdline) {
			for (const secret of [first, second, generated.link.split('/').pop(), renewed.link.split('/').pop()]) expect(line).not.toContain(secret);
		}
		waiting.stdin.end(second);
		expect(await exited).toBe(0);
		await cli(['delete-old-token', generated.appKey, '--yes']);
		await cli(['list']);
		await cli(['list', '--json']);
		await cli(['audit']);
		await cli(['audit', '--json']);
		await cli(['export', '--output', join(dir, 'keys.json')]);
		await cli(['export', '--output', join(dir, 'keys.csv')]);
		const places = [
			...outputs,
			await store.contents(),
			readFileSync(join(dir, 'keys.json'), 'utf8'),
			readFileSync(join(dir, 'keys.csv'), 'utf8'),
			readFileSync(join(dir, 'keys.external.csv'), 'utf8'),
		];
		for (const text of places) {
			expect(text).not.toContain(first);
			expect(text).not.toContain(second);
		}
		// Each link appears once: in the output of the command that issued it.
		for (const link of [generated.link, renewed.link]) {
			expect(places.filter(text => text.includes(link.split('/').pop()))).toHaveLength(1);
		}
	});
});
