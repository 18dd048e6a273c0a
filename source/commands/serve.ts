import {once} from 'node:events';
import {isIP} from 'node:net';
import {usage} from '../core/errors.js';
import {createShareServer} from '../server/share-server.js';
import {noArguments, type Command} from './context.js';

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

export const serve: Command = {
	usage: 'serve [--host 127.0.0.1] [--port N]',
	summary: 'the share page for single-access links: GET shows the link, only its Reveal button uses it',
	flags: ['host', 'port'],
	async run(ctx) {
		noArguments(ctx);
		const host = ctx.flags.host ?? '127.0.0.1';
		if (host !== 'localhost' && !isIP(host)) throw usage('--host is an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost');
		if (ctx.flags.port !== undefined && !/^\d{1,5}$/.test(ctx.flags.port)) throw usage('--port is a number from 0 to 65535');
		const service = await ctx.service();
		const settings = await service.store.read().then(data => data.settings);
		const port = ctx.flags.port === undefined ? defaultPort(settings.shareBaseUrl) : Number(ctx.flags.port);
		if (port > 65535) throw usage('--port is a number from 0 to 65535');

		const server = createShareServer({service, log: line => process.stderr.write(`apikeys: ${line}\n`)});
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
		const bound = typeof address === 'object' && address ? address.port : port;
		const shown = host.includes(':') ? `[${host}]` : host;
		ctx.out.out(`Serving single-access links at http://${shown}:${bound}/credentials/… (Ctrl-C stops)`);
		ctx.out.out(`Links point at ${settings.shareBaseUrl} (apikeys settings --share-base-url URL changes it).`);
		if (!LOOPBACK.has(host)) ctx.out.out('Warning: this is plain HTTP beyond this machine; put it behind TLS or reach it through ssh -L.');

		// Graceful shutdown: stop accepting, let requests under way finish, then leave.
		await new Promise<void>(resolve => {
			const stop = () => {
				server.close(() => resolve());
				server.closeIdleConnections();
				setTimeout(() => server.closeAllConnections(), 5000).unref();
			};
			process.once('SIGINT', stop);
			process.once('SIGTERM', stop);
		});
		ctx.out.out('Stopped.');
	},
};
