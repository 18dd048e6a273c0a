import {spawn} from 'node:child_process';
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, runCli} from '../helpers.js';

const STEPS = ['locked', 'temp-open', 'temp-write', 'temp-sync', 'check', 'rename', 'dir-sync'] as const;
const PAUSE_HOOK = join(import.meta.dirname, 'fixtures', 'pause-at.mjs');
/** Longer than any stale time a lock could have had (the old one was 10 s): a lock that can be taken over from a paused holder would have been by then. */
const OUTWAIT_MS = 12_000;
const locks = createRequire(import.meta.url)('fs-native-extensions') as {tryLock(fd: number): boolean};

interface Running {
	pid: number;
	exited: Promise<{code: number | null; stderr: string}>;
	done: boolean;
}

function startCli(args: string[], store: string, env: Record<string, string> = {}, preload: string[] = []): Running {
	const child = spawn(process.execPath, [...preload, CLI, ...args], {
		env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', APIKEYS_OPERATOR: 'alice', APIKEYS_STORE: store, ...env},
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr += chunk));
	const running: Running = {
		pid: child.pid!,
		done: false,
		exited: new Promise(resolve => child.on('close', code => {
			running.done = true;
			resolve({code, stderr});
		})),
	};
	return running;
}

/** Resolves when the process is stopped (state T in /proc), i.e. it reached its pause. */
async function stopped(run: Running): Promise<void> {
	for (;;) {
		if (run.done) throw new Error(`the writer ended before it paused: ${(await run.exited).stderr}`);
		const stat = (() => {
			try {
				return readFileSync(`/proc/${run.pid}/stat`, 'latin1');
			} catch {
				return ''; // Gone: the next turn reports how it ended.
			}
		})();
		const state = stat.replace(/^.*\) /, '')[0];
		if (state === 'T') return;
		await new Promise(resolve => setImmediate(resolve));
	}
}

/** Whether another process holds the store's kernel lock now. */
function lockHeld(store: string): boolean {
	const fd = openSync(`${store}.lock`, 'r+');
	try {
		return !locks.tryLock(fd);
	} finally {
		closeSync(fd);
	}
}

describe('a writer paused at any step of its write', () => {
	it.concurrent.for(STEPS)('paused at "%s": it keeps the lock, the other writer waits, and both changes survive', {timeout: 60_000}, async (step, {onTestFinished}) => {
		// Its own directory, removed by this test: the tests run at once, and tempDir()'s clean-up would run under the others.
		const dir = mkdtempSync(join(tmpdir(), 'apikeys-paused-'));
		onTestFinished(() => rmSync(dir, {recursive: true, force: true}));
		const store = join(dir, 'store.json');
		expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
		const made = await runCli(['generate', '--name', 'ERP', '--json'], {store});
		const {appKey} = JSON.parse(made.stdout) as {appKey: string};

		const paused = startCli(['edit', appKey, '--add-role', 'OMS - Read only'], store, {APIKEYS_TEST_PAUSE_AT: step}, ['--import', PAUSE_HOOK]);
		await stopped(paused);
		expect(lockHeld(store)).toBe(true);

		const other = startCli(['generate', '--name', 'Second'], store);
		const outwaited = await Promise.race([other.exited.then(() => false), new Promise<boolean>(resolve => setTimeout(() => resolve(true), OUTWAIT_MS))]);
		// The other writer did not get through while the first was paused: it is still waiting for the lock.
		expect(outwaited, 'the second writer finished while the first held the lock').toBe(true);

		process.kill(paused.pid, 'SIGCONT');
		expect(await paused.exited).toEqual({code: 0, stderr: ''});
		expect(await other.exited).toEqual({code: 0, stderr: ''});

		const list = await runCli(['list', '--json'], {store});
		expect(list.stderr).toBe('');
		const listed = JSON.parse(list.stdout) as Array<{appKey: string; name: string; roles: string[]}>;
		expect(listed.map(k => k.name).sort()).toEqual(['ERP', 'Second']);
		expect(listed.find(k => k.appKey === appKey)!.roles).toEqual(['OMS - Read only']);
		const audit = JSON.parse((await runCli(['audit', '--json'], {store})).stdout || 'null') as Array<{action: string}>;
		expect(audit.map(e => e.action)).toEqual(expect.arrayContaining(['edit', 'generate']));
		expect(audit.filter(e => e.action === 'generate')).toHaveLength(2);
	});
});
