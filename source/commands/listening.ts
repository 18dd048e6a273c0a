import type {Server} from 'node:http';
import {isIP} from 'node:net';
import {resolve} from 'node:path';
import {usage} from '../core/errors.js';
import type {CommandContext} from './context.js';

/** Where to listen, from the flags, checked before the store is opened. */
export function listenTarget(ctx: CommandContext): {socket: string; group?: string} | {host: string; port?: number} {
	const {socket, socketGroup} = ctx.flags;
	if (socket !== undefined) {
		if (ctx.given.has('host') || ctx.given.has('port')) throw usage('--socket replaces --host and --port: give one or the other');
		if (socket === '') throw usage('--socket is the path of the socket to create');
		if (socketGroup === '') throw usage('--socket-group is a group name or number');
		return {socket: resolve(socket), group: socketGroup};
	}
	if (socketGroup !== undefined) throw usage('--socket-group goes with --socket PATH');
	const host = ctx.flags.host ?? '127.0.0.1';
	if (host !== 'localhost' && !isIP(host)) throw usage('--host is an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost');
	if (ctx.flags.port !== undefined && !/^\d{1,5}$/.test(ctx.flags.port)) throw usage('--port is a number from 0 to 65535');
	const port = ctx.flags.port === undefined ? undefined : Number(ctx.flags.port);
	if (port !== undefined && port > 65535) throw usage('--port is a number from 0 to 65535');
	return {host, port};
}

/** Until SIGINT, SIGTERM or SIGHUP: then stop accepting, let requests under way finish (5 s at most), and close (removing a socket file). */
export function untilStopped(server: Server): Promise<void> {
	return new Promise<void>(resolve => {
		const stop = () => {
			server.close(() => resolve());
			server.closeIdleConnections();
			setTimeout(() => server.closeAllConnections(), 5000).unref();
		};
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
		// A closed ssh session hangs up: stop the same way, so a socket file is not left behind.
		process.once('SIGHUP', stop);
	});
}
