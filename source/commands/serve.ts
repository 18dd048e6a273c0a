import {isIP} from 'node:net';
import {resolve} from 'node:path';
import {usage} from '../core/errors.js';
import {listenOnPort, listenOnSocket} from '../server/listen.js';
import {createShareServer} from '../server/share-server.js';
import {sanitize} from '../text/sanitize.js';
import {noArguments, type Command, type CommandContext} from './context.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The port the links point at when they point at this machine; else the default. */
function defaultPort(shareBaseUrl: string): number {
	try {
		const url = new URL(shareBaseUrl);
		if (LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, '')) && url.port) return Number(url.port);
	} catch {
		// The setting is validated when written; fall back all the same.
	}
	return 8470;
}

/** Where to listen, from the flags, checked before the store is opened. */
function listenTarget(ctx: CommandContext): {socket: string; group?: string} | {host: string; port?: number} {
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

export const serve: Command = {
	usage: 'serve [--host 127.0.0.1] [--port N] | serve --socket PATH [--socket-group GROUP]',
	summary: 'the share page for single-access links: GET shows the link, only its Reveal button uses it',
	flags: ['host', 'port', 'socket', 'socketGroup'],
	async run(ctx) {
		noArguments(ctx);
		const target = listenTarget(ctx);
		const service = await ctx.service();
		const shareBaseUrl = await service.shareBaseUrl();

		const server = createShareServer({service, log: line => process.stderr.write(`apikeys: ${line}\n`)});
		const links = `Links point at ${sanitize(shareBaseUrl)} (apikeys settings --share-base-url URL changes it).`;
		if ('socket' in target) {
			await listenOnSocket(server, target.socket, target.group);
			const shown = sanitize(target.socket);
			ctx.out.out(`Serving single-access links on the socket ${shown}, mode ${target.group === undefined ? '0600' : '0660'} (Ctrl-C stops)`);
			ctx.out.out(links);
			ctx.out.out(`Reach it from your laptop with: ssh -N -L ${defaultPort(shareBaseUrl)}:${shown} this-host`);
		} else {
			const {host} = target;
			const bound = await listenOnPort(server, target.port ?? defaultPort(shareBaseUrl), host);
			const shown = host.includes(':') ? `[${host}]` : host;
			ctx.out.out(`Serving single-access links at http://${shown}:${bound}/credentials/… (Ctrl-C stops)`);
			ctx.out.out(links);
			if (!LOOPBACK.has(host)) ctx.out.out('Warning: this is plain HTTP beyond this machine; put it behind TLS or reach it through ssh -L.');
		}

		// Graceful shutdown: stop accepting, let requests under way finish, then leave (closing removes a socket file).
		await new Promise<void>(resolve => {
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
		ctx.out.out('Stopped.');
	},
};
