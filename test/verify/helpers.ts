import {spawn, type ChildProcess} from 'node:child_process';
import {Agent, request} from 'node:http';
import {join} from 'node:path';
import {expect} from 'vitest';
import {CLI, runCli, suiteDir} from '../helpers.js';

export interface Keys {
	store: string;
	/** The options runCli needs for this store (a PostgreSQL store's login and password). */
	cli: {store: string; env?: Record<string, string>};
	gateway: {appKey: string; token: string};
	erp: {appKey: string; token: string};
	checkout: {appKey: string; token: string};
}

/** A key made with `generate --json` while the store reveals tokens directly. */
async function generate(cli: Keys['cli'], name: string, roles: string[]): Promise<{appKey: string; token: string}> {
	const result = await runCli(['generate', '--name', name, ...roles.flatMap(role => ['--role', role]), '--json'], cli);
	expect(result.stderr).toBe('');
	const {appKey, token} = JSON.parse(result.stdout);
	return {appKey, token};
}

/** A store with a Gateway key (Key verifier) and two keys it verifies: ERP (OMS - Read only) and Checkout (Checkout Admin). */
export async function storeWithKeys(cli?: Keys['cli']): Promise<Keys> {
	// A directory kept until the process ends: a server started in beforeAll outlives each test.
	const options = cli ?? {store: join(suiteDir(), 'store.json')};
	expect((await runCli(['init', '--account', 'acme'], options)).code).toBe(0);
	expect((await runCli(['settings', '--reveal', 'direct'], options)).code).toBe(0);
	return {
		store: options.store,
		cli: options,
		gateway: await generate(options, 'Gateway', ['Key verifier']),
		erp: await generate(options, 'ERP', ['OMS - Read only']),
		checkout: await generate(options, 'Checkout', ['Checkout Admin']),
	};
}

export interface RunningServer {
	url: string;
	child: ChildProcess;
	stdout(): string;
	stderr(): string;
	stop(): Promise<number | null>;
}

/** `apikeys verify-server --port 0 ARGS` on `store`, resolved once it says where it listens. */
export async function startVerifyServer(store: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
	const child = spawn(process.execPath, [CLI, 'verify-server', '--port', '0', ...args], {
		env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', APIKEYS_STORE: store, APIKEYS_OPERATOR: 'alice', ...env},
	});
	let stdout = '';
	let stderr = '';
	child.stderr!.on('data', chunk => (stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	const url = await new Promise<string>((resolve, reject) => {
		child.stdout!.on('data', chunk => {
			stdout += chunk;
			const found = / at (http:\/\/127\.0\.0\.1:\d+)\/v1\/verify /.exec(stdout);
			if (found) resolve(found[1]!);
		});
		child.on('close', () => reject(new Error(`verify-server exited: ${stdout}${stderr}`)));
	});
	const running: RunningServer = {
		url,
		child,
		stdout: () => stdout,
		stderr: () => stderr,
		async stop() {
			child.kill('SIGTERM');
			return exited;
		},
	};
	servers.set(url, running);
	return running;
}

/** The servers started here, by address: a failed request says how the server it asked was doing. */
const servers = new Map<string, RunningServer>();

export interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	/** The client's end of the connection the answer came on. */
	localPort: number;
}

const agent = new Agent({keepAlive: true, maxSockets: 32});

type CallOptions = {method?: string; path?: string; body?: string; headers?: Record<string, string>; agent?: Agent};

/**
 * One HTTP request to the server (keep-alive, as a service calls it). A failure names the server's
 * state and what it printed (a bare "read ECONNRESET" once hid a verify server that had quit).
 */
export async function call(url: string, options: CallOptions = {}): Promise<Answer> {
	try {
		return await send(url, options);
	} catch (error) {
		const server = servers.get(url);
		const state = server ? `; the server ${server.child.exitCode === null && server.child.signalCode === null ? 'runs' : `exited (${server.child.exitCode ?? server.child.signalCode})`}, its stderr: ${JSON.stringify(server.stderr())}` : '';
		throw new Error(`${options.method ?? (options.body === undefined ? 'GET' : 'POST')} ${options.path ?? '/v1/verify'}: ${(error as Error).message}${state}`, {cause: error});
	}
}

function send(url: string, options: CallOptions): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const target = new URL(options.path ?? '/v1/verify', url);
		const req = request(target, {method: options.method ?? (options.body === undefined ? 'GET' : 'POST'), headers: options.headers, agent: options.agent ?? agent}, response => {
			let text = '';
			const localPort = response.socket.localPort ?? 0;
			response.setEncoding('utf8');
			response.on('data', chunk => (text += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, text, localPort}));
		});
		req.on('error', reject);
		req.end(options.body);
	});
}

/** POST /v1/verify as `caller` (a token), with a JSON body. */
export async function verifyAs(url: string, caller: string, body: object): Promise<Answer & {json: Record<string, unknown>}> {
	const answer = await call(url, {body: JSON.stringify(body), headers: {Authorization: `Bearer ${caller}`}});
	return {...answer, json: answer.text ? JSON.parse(answer.text) : {}};
}

/** Asks `ask` until `done` says yes, or fails after `deadlineMs`: how a "within N s" promise is checked without a sleep. */
export async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean, deadlineMs: number, what: string): Promise<T> {
	const deadline = performance.now() + deadlineMs;
	let last: T;
	do {
		last = await ask();
		if (done(last)) return last;
		await new Promise(resolve => setTimeout(resolve, 20));
	} while (performance.now() < deadline);
	throw new Error(`${what}: not within ${deadlineMs} ms (last: ${JSON.stringify(last)})`);
}
