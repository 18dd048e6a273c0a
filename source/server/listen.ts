import {execFile} from 'node:child_process';
import {once} from 'node:events';
import {chmod, lstat, unlink} from 'node:fs/promises';
import type {Server} from 'node:http';
import {connect} from 'node:net';
import {usage} from '../core/errors.js';

/** Listens on host:port; a port in use or another failure is one line for the person. */
export async function listenOnPort(server: Server, port: number, host: string): Promise<number> {
	server.listen(port, host);
	try {
		await once(server, 'listening');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw usage(
			code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use: choose another with --port` : `cannot listen on ${host}:${port} (${code ?? 'error'})`,
		);
	}
	const address = server.address();
	return typeof address === 'object' && address ? address.port : port;
}

/**
 * Listens on a Unix socket that only its owner (mode 0600) or also `group` (0660) can connect to.
 * A stale socket left by a server that died is replaced; anything else at `path` is refused.
 * Closing the server removes the socket file.
 */
export async function listenOnSocket(server: Server, path: string, group?: string): Promise<void> {
	// The kernel keeps this many bytes of a socket's path; a longer one would be bound, silently cut, elsewhere.
	const maxBytes = process.platform === 'linux' ? 107 : 103;
	if (Buffer.byteLength(path) > maxBytes) throw usage(`the socket path is ${Buffer.byteLength(path)} bytes long, more than the ${maxBytes} a socket's path can be: choose a shorter --socket path`);
	await clearStaleSocket(path);
	// bind() creates the socket file with the umask's mode: 0177 makes it 0600 from the first instant, never connectable by others.
	const umask = process.umask(0o177);
	try {
		server.listen(path);
	} finally {
		process.umask(umask);
	}
	try {
		await once(server, 'listening');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') throw usage(`${path} is already in use: choose another --socket path`);
		// libuv reports a missing directory as EACCES too.
		if (code === 'EACCES') throw usage(`cannot create the socket ${path}: its directory is missing or not writable`);
		throw usage(`cannot listen on ${path} (${code ?? 'error'})`);
	}
	if (group === undefined) return;
	try {
		// chgrp resolves group names the way the system does (files, LDAP…); only then may the group connect.
		await new Promise<void>((resolve, reject) =>
			execFile('chgrp', ['--', group, path], (error, _stdout, stderr) => (error ? reject(new Error(lastLine(stderr) || error.message)) : resolve())),
		);
		await chmod(path, 0o660);
	} catch (error) {
		await new Promise(resolve => server.close(resolve));
		throw usage(`cannot give the socket to group ${group}: ${(error as Error).message}`);
	}
}

/** Nothing at `path`, or a socket nobody listens on any more (removed); else a refusal. */
async function clearStaleSocket(path: string): Promise<void> {
	const stats = await lstat(path).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return null;
		throw usage(`cannot use ${path} as a socket (${error.code ?? 'error'})`);
	});
	if (!stats) return;
	if (!stats.isSocket()) throw usage(`${path} exists and is not a socket: choose another --socket path`);
	const probed = await new Promise<string>(resolve => {
		const probe = connect(path);
		probe.once('connect', () => {
			probe.destroy();
			resolve('live');
		});
		probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
	});
	if (probed === 'live') throw usage(`a server is already listening on ${path}: stop it or choose another --socket path`);
	if (probed !== 'ECONNREFUSED') throw usage(`cannot use ${path} as a socket (${probed})`);
	await unlink(path).catch((error: NodeJS.ErrnoException) => {
		throw usage(`cannot remove the stale socket ${path} (${error.code ?? 'error'})`);
	});
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
