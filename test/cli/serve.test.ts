import {execFileSync, spawn} from 'node:child_process';
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CLI, runCli, tempDir} from '../helpers.js';

async function store() {
	const path = join(tempDir(), 'store.json');
	expect((await runCli(['init', '--account', 'acme'], {store: path})).code).toBe(0);
	return path;
}

/** `apikeys serve ARGS`, resolved once it says it is serving. */
async function startServe(store: string, args: string[]) {
	const child = spawn(process.execPath, [CLI, 'serve', ...args], {env: {...process.env, APIKEYS_STORE: store, APIKEYS_OPERATOR: 'alice'}});
	let stdout = '';
	let stderr = '';
	child.stderr.on('data', chunk => (stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	await new Promise<void>((resolve, reject) => {
		child.stdout.on('data', chunk => {
			stdout += chunk;
			// The last line serve prints on a socket: everything it says is there once it is.
			if (stdout.includes(' this-host\n')) resolve();
		});
		child.on('close', () => reject(new Error(`serve exited: ${stdout}${stderr}`)));
	});
	return {child, exited, stdout: () => stdout};
}

/** GET over a Unix socket, with the Host a browser behind `ssh -L 8470:PATH` sends. */
function getOverSocket(socketPath: string, path: string) {
	return new Promise<{status: number; text: string}>((resolve, reject) => {
		const req = request({socketPath, path, headers: {Host: '127.0.0.1:8470'}}, response => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', chunk => (text += chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, text}));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('apikeys serve --socket', () => {
	it('serves the page on a Unix socket only its owner can connect to (0600), and removes it on exit', async () => {
		const path = await store();
		const {link} = JSON.parse((await runCli(['generate', '--name', 'ERP', '--json'], {store: path})).stdout);
		const socket = join(tempDir(), 'share.sock');
		const serve = await startServe(path, ['--socket', socket]);
		expect(serve.stdout()).toContain(`Serving single-access links on the socket ${socket}, mode 0600`);
		expect(serve.stdout()).toContain(`ssh -N -L 8470:${socket} `);
		const stats = statSync(socket);
		expect(stats.isSocket()).toBe(true);
		expect(stats.mode & 0o777).toBe(0o600);
		const page = await getOverSocket(socket, new URL(link).pathname);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Reveal token');

		// A second server on the same path is refused while the first one listens.
		expect(await runCli(['serve', '--socket', socket], {store: path})).toMatchObject({
			code: 2,
			stderr: `apikeys: a server is already listening on ${socket}: stop it or choose another --socket path\n`,
		});
		serve.child.kill('SIGTERM');
		expect(await serve.exited).toBe(0);
		expect(existsSync(socket)).toBe(false);
	});

	it('with --socket-group, the group may connect too (0660)', async () => {
		const path = await store();
		const socket = join(tempDir(), 'share.sock');
		const group = execFileSync('id', ['-gn'], {encoding: 'utf8'}).trim();
		const serve = await startServe(path, ['--socket', socket, '--socket-group', group]);
		const stats = statSync(socket);
		expect(stats.mode & 0o777).toBe(0o660);
		expect(stats.gid).toBe(process.getgid!());
		expect((await getOverSocket(socket, '/assets/share.css')).status).toBe(200);
		// What a closed ssh session sends.
		serve.child.kill('SIGHUP');
		expect(await serve.exited).toBe(0);
		expect(existsSync(socket)).toBe(false);
	});

	it('replaces a stale socket left by a server that was killed', async () => {
		const path = await store();
		const socket = join(tempDir(), 'share.sock');
		const killed = await startServe(path, ['--socket', socket]);
		killed.child.kill('SIGKILL');
		await killed.exited;
		expect(statSync(socket).isSocket()).toBe(true);
		const serve = await startServe(path, ['--socket', socket]);
		expect((await getOverSocket(socket, '/assets/share.css')).status).toBe(200);
		serve.child.kill('SIGTERM');
		expect(await serve.exited).toBe(0);
	});

	it('refuses a path that is not a socket, an unknown group, and --socket with --host or --port, in one line', async () => {
		const path = await store();
		const directory = tempDir();
		const file = join(directory, 'notes.txt');
		writeFileSync(file, 'keep me');
		expect(await runCli(['serve', '--socket', file], {store: path})).toEqual({
			code: 2,
			stdout: '',
			stderr: `apikeys: ${file} exists and is not a socket: choose another --socket path\n`,
		});
		expect(readFileSync(file, 'utf8')).toBe('keep me');

		const long = join(directory, `${'s'.repeat(120)}.sock`);
		const tooLong = await runCli(['serve', '--socket', long], {store: path});
		expect(tooLong.code).toBe(2);
		expect(tooLong.stderr).toMatch(/^apikeys: the socket path is \d+ bytes long, more than the 10\d a socket's path can be: choose a shorter --socket path\n$/);
		expect(readdirSync(directory)).toEqual(['notes.txt']);

		const socket = join(directory, 'share.sock');
		const noGroup = await runCli(['serve', '--socket', socket, '--socket-group', 'no-such-group-apikeys'], {store: path});
		expect(noGroup.code).toBe(2);
		expect(noGroup.stderr).toMatch(/^apikeys: cannot give the socket to group no-such-group-apikeys: .+\n$/);
		expect(existsSync(socket)).toBe(false);

		for (const extra of [['--port', '8470'], ['--host', '127.0.0.1']]) {
			expect(await runCli(['serve', '--socket', socket, ...extra], {store: path})).toEqual({
				code: 2,
				stdout: '',
				stderr: 'apikeys: --socket replaces --host and --port: give one or the other\n',
			});
		}
		expect(await runCli(['serve', '--socket-group', 'staff'], {store: path})).toMatchObject({code: 2, stderr: 'apikeys: --socket-group goes with --socket PATH\n'});
		expect(existsSync(socket)).toBe(false);
	});
});
