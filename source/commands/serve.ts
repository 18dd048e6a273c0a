import {listenOnPort, listenOnSocket} from '../server/listen.js';
import {createShareServer} from '../server/share-server.js';
import {sanitize} from '../text/sanitize.js';
import {noArguments, type Command} from './context.js';
import {listenTarget, untilStopped} from './listening.js';

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

		await untilStopped(server);
		ctx.out.out('Stopped.');
	},
};
