import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterEach, expect} from 'vitest';
import {ApiKeysError} from '../source/core/errors.js';
import {emptyStore} from '../source/core/empty-store.js';
import type {RuleContext, StoreData} from '../source/core/types.js';

export const CLI = resolve(import.meta.dirname, '..', 'dist', 'cli.js');
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Deterministic bytes for core tests: SHA-256 of a counter. */
export function seededRandom(seed = 'apikeys') {
	let counter = 0;
	return (bytes: number): Uint8Array => {
		const out = Buffer.alloc(bytes);
		for (let filled = 0; filled < bytes; filled += 32) {
			createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, filled);
		}
		return out;
	};
}

let contexts = 0;

/** A rule context; each gets its own random stream so keys made with separate contexts differ. */
export function context(now = T0, operator = 'alice', random = seededRandom(`context-${contexts++}`)): RuleContext {
	return {now, operator, random};
}

export const freshStore = (account = 'acme', owner = 'alice', now = T0): StoreData => emptyStore(account, owner, now);

const dirs: string[] = [];
afterEach(() => {
	while (dirs.length > 0) rmSync(dirs.pop()!, {recursive: true, force: true});
});

/** A temporary directory for a whole file's tests (made in beforeAll), removed when the process exits. */
export function suiteDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'apikeys-suite-'));
	process.once('exit', () => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

/** A temporary directory removed after the test. */
export function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'apikeys-test-'));
	dirs.push(dir);
	return dir;
}

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}

/** Runs the built program the way a person would, with a clean environment. */
export function runCli(
	args: readonly string[],
	options: {store?: string; env?: Record<string, string>; input?: string; operator?: string} = {},
): Promise<CliResult> {
	return new Promise((resolvePromise, reject) => {
		const env: Record<string, string> = {
			PATH: process.env.PATH ?? '',
			HOME: process.env.HOME ?? '/tmp',
			APIKEYS_OPERATOR: options.operator ?? 'alice',
			...(options.store ? {APIKEYS_STORE: options.store} : {}),
			...options.env,
		};
		const child = spawn(process.execPath, [CLI, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		// Decoded as a stream: a character cut between two chunks stays whole.
		child.stdout.setEncoding('utf8');
		child.stderr.setEncoding('utf8');
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('error', reject);
		child.on('close', code => resolvePromise({code: code ?? -1, stdout, stderr}));
		child.stdin.end(options.input ?? '');
	});
}

export const TOKEN_IN_TEXT = /apikt_[0-9A-Za-z]{49}/;

/** The message of the refusal `run` throws (an ApiKeysError); fails the test when it throws nothing. */
export function refusal(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ApiKeysError);
		return (error as ApiKeysError).message;
	}
	throw new Error('expected a refusal');
}
