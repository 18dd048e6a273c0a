import {isIP} from 'node:net';

/** The names this machine answers to whatever the share base URL says; any port (ssh -L may forward from another one). */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A Host header is a name or address and an optional port: nothing else may ride along. */
const HOST_SHAPE = /^[0-9A-Za-z.\-:[\]]{1,255}$/;

/**
 * The origin of the page the browser loaded, from the request's Host header: the share base URL's
 * origin when Host names its host (with its port or none: proxies may drop it), `http://` and the
 * Host for a loopback name; null for any other host, which this server does not answer (a rebound
 * DNS name pointing at this machine is one).
 */
export function requestOrigin(host: string | undefined, shareBaseUrl: string): string | null {
	if (!host || !HOST_SHAPE.test(host)) return null;
	let requested: URL;
	let base: URL;
	try {
		requested = new URL(`http://${host}`);
		base = new URL(shareBaseUrl);
	} catch {
		return null;
	}
	if (requested.hostname === base.hostname) {
		const port = new URL(`${base.protocol}//${host}`).port;
		if (port === '' || port === base.port) return base.origin;
	}
	return LOOPBACK_NAMES.has(requested.hostname) ? requested.origin : null;
}

/** An Origin header as a browser serializes it, or null for a missing, opaque ("null") or malformed one. */
export function originOf(header: string | undefined): string | null {
	if (!header || header === 'null') return null;
	try {
		const url = new URL(header);
		return url.origin === 'null' ? null : url.origin;
	} catch {
		return null;
	}
}

/**
 * Whether a server that is not a browser page (the verify API) answers a request with this Host:
 * a loopback name, an IP address (a rebound DNS name is never one), or one of `names` (the name a
 * load balancer or the callers use), any port. Anything else is what DNS rebinding sends.
 */
export function hostAllowed(host: string | undefined, names: ReadonlySet<string>): boolean {
	if (!host || !HOST_SHAPE.test(host)) return false;
	let hostname: string;
	try {
		hostname = new URL(`http://${host}`).hostname;
	} catch {
		return false;
	}
	return LOOPBACK_NAMES.has(hostname) || isIP(hostname.replace(/^\[|\]$/g, '')) !== 0 || names.has(hostname);
}
