import {usage} from '../core/errors.js';
import {listenOnPort, listenOnSocket} from '../server/listen.js';
import {displayLocation} from '../service/locations.js';
import {sanitize} from '../text/sanitize.js';
import {DEFAULT_STALE_AFTER_MS, StoreVerifier} from '../verify/verifier.js';
import {DEFAULT_FAILURES_PER_MINUTE, VERIFY_LIMITS, createVerifyServer} from '../verify/verify-server.js';
import {noArguments, type Command} from './context.js';
import {listenTarget, untilStopped} from './listening.js';

const DEFAULT_PORT = 8471;
const HOST_NAME = /^[0-9a-z]([0-9a-z.-]{0,251}[0-9a-z])?$/i;

/** A whole number from a flag, within bounds, or its default. */
function wholeNumber(value: string | undefined, flag: string, fallback: number, max: number, meaning: string): number {
	if (value === undefined) return fallback;
	if (!/^\d{1,9}$/.test(value) || Number(value) > max) throw usage(`${flag} is ${meaning}, a whole number from 0 to ${max}`);
	return Number(value);
}

export const verifyServer: Command = {
	usage:
		'verify-server [--host 127.0.0.1] [--port 8471] | --socket PATH [--socket-group GROUP]  [--host-name NAME,…] [--stale-after 60] [--failures-per-key 1000] [--failures-per-address 1000] [--max-connections 1024]',
	summary: 'the verify API for services: POST /v1/verify (the caller authenticates with a key that holds Verify API tokens), GET /healthz',
	flags: ['host', 'port', 'socket', 'socketGroup', 'hostName', 'staleAfter', 'failuresPerKey', 'failuresPerAddress', 'maxConnections'],
	async run(ctx) {
		noArguments(ctx);
		const target = listenTarget(ctx);
		const {flags} = ctx;
		const staleAfter = wholeNumber(flags.staleAfter, '--stale-after', DEFAULT_STALE_AFTER_MS / 1000, 86_400, 'how many seconds the server answers from memory while the store is out of reach');
		const failuresPerKey = wholeNumber(flags.failuresPerKey, '--failures-per-key', DEFAULT_FAILURES_PER_MINUTE, 1_000_000_000, 'the failed verifications a calling key may have per minute (0: no limit)');
		const failuresPerAddress = wholeNumber(flags.failuresPerAddress, '--failures-per-address', DEFAULT_FAILURES_PER_MINUTE, 1_000_000_000, 'the failures an address may have per minute (0: no limit)');
		const maxConnections = wholeNumber(flags.maxConnections, '--max-connections', VERIFY_LIMITS.maxConnections, 1_000_000, 'the most connections open at once');
		const hostNames = flags.hostName === undefined ? [] : flags.hostName.split(',').map(name => name.trim());
		const badName = hostNames.find(name => !HOST_NAME.test(name));
		if (badName !== undefined) throw usage(`--host-name takes host names separated by commas (like verify.internal), not "${sanitize(badName.slice(0, 60))}"`);

		const log = (line: string) => process.stderr.write(`apikeys: verify-server: ${sanitize(line)}\n`);
		const verifier = await StoreVerifier.open({store: ctx.storePath, staleAfterMs: staleAfter * 1000, log});
		const server = createVerifyServer({verifier, hostNames, failuresPerKey, failuresPerAddress, maxConnections, log});
		const keys = `${verifier.keyCount} key${verifier.keyCount === 1 ? '' : 's'} of ${sanitize(displayLocation(ctx.storePath))}`;
		try {
			if ('socket' in target) {
				await listenOnSocket(server, target.socket, target.group);
				ctx.out.out(`Verifying tokens for ${keys} on the socket ${sanitize(target.socket)}, mode ${target.group === undefined ? '0600' : '0660'}: POST /v1/verify (Ctrl-C stops)`);
			} else {
				const bound = await listenOnPort(server, target.port ?? DEFAULT_PORT, target.host);
				const shown = target.host.includes(':') ? `[${target.host}]` : target.host;
				ctx.out.out(`Verifying tokens for ${keys} at http://${shown}:${bound}/v1/verify (Ctrl-C stops)`);
				if (!['127.0.0.1', '::1', 'localhost'].includes(target.host)) ctx.out.out('Warning: this is plain HTTP beyond this machine; put it behind TLS (a load balancer or a proxy that terminates it).');
			}
		} catch (error) {
			await verifier.close();
			throw error;
		}
		ctx.out.out(`Callers send Authorization: Bearer TOKEN of a key with the role "Key verifier"; answers come from memory, and when the store is out of reach for ${staleAfter} s they are 503.`);
		await untilStopped(server);
		await verifier.close();
		ctx.out.out('Stopped.');
	},
};
