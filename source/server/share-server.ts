import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {isApiKeysError} from '../core/errors.js';
import {MINUTE} from '../core/time.js';
import type {ApiKeysService} from '../service.js';
import {
	COPY_SCRIPT,
	STYLESHEET,
	expiredPage,
	notFoundPage,
	readyPage,
	refusedPage,
	renderPage,
	tokenPage,
	unavailablePage,
	unknownPage,
	usedPage,
	type Page,
} from './pages.js';
import {BodyTooLarge, readBody} from './body.js';
import {originOf, requestOrigin} from './request-origin.js';

const LINK_PATH = /^\/credentials\/([0-9A-Za-z]{43})\/?$/;
const MAX_URL = 512;
const MAX_BODY = 4096;
const PROOF_TTL = 15 * MINUTE;

/** What a slow or greedy client runs into (the README's share page section names these values). */
export const SHARE_LIMITS = {
	headersTimeout: 5_000,
	requestTimeout: 10_000,
	keepAliveTimeout: 5_000,
	/** How often Node looks for connections past those timeouts (its default, 30 s, let them run 30 s). */
	checkInterval: 500,
	maxConnections: 64,
} as const;

/** Headers on every response: nothing cached, no referrer to other sites, no framing, nothing but our own assets. */
const SECURITY_HEADERS: Record<string, string> = {
	'Cache-Control': 'no-store',
	Pragma: 'no-cache',
	// Never a referrer to another site, and the page's own origin (not "null") in its form post's Origin.
	'Referrer-Policy': 'same-origin',
	'Content-Security-Policy':
		"default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	'X-Content-Type-Options': 'nosniff',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Resource-Policy': 'same-origin',
	'X-Robots-Tag': 'noindex, nofollow',
};

export interface ShareServerOptions {
	service: ApiKeysService;
	/** Called with one line about a failure; never with a link or a token. */
	log?: (line: string) => void;
}

/**
 * The share page for single-access links. GET and HEAD show what a link is for and consume
 * nothing, whatever asks (link previewers, chat unfurlers and mail scanners open links); only
 * the POST of the page's own button, carrying a proof issued with that page, reveals the token.
 */
export function createShareServer({service, log = () => undefined}: ShareServerOptions): Server {
	const proofKey = randomBytes(32);
	const proofFor = (secret: string, issued: number) =>
		`${issued}.${createHmac('sha256', proofKey).update(`${secret}.${issued}`).digest('base64url')}`;
	const proofValid = (secret: string, proof: string, now: number) => {
		const issued = Number(proof.split('.')[0]);
		if (!Number.isSafeInteger(issued) || now - issued > PROOF_TTL || issued > now + MINUTE) return false;
		const expected = Buffer.from(proofFor(secret, issued));
		const given = Buffer.from(proof);
		return expected.length === given.length && timingSafeEqual(expected, given);
	};

	const send = (response: ServerResponse, status: number, type: string, body: string, head: boolean, extra: Record<string, string> = {}) => {
		response.writeHead(status, {...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra});
		response.end(head ? undefined : body);
	};
	const page = (response: ServerResponse, content: Page, head = false) =>
		send(response, content.status, 'text/html; charset=utf-8', renderPage(content), head);

	async function linkPage(secret: string, ownOrigin: string, request: IncomingMessage, response: ServerResponse, head: boolean) {
		let link;
		try {
			link = await service.inspectLink(secret);
		} catch (error) {
			if (isApiKeysError(error) && error.kind !== 'store') return page(response, unknownPage, head);
			throw error;
		}
		if (link.state === 'used') return page(response, usedPage(link), head);
		if (link.state === 'expired') return page(response, expiredPage(link), head);
		if (request.method !== 'POST') return page(response, readyPage(link, proofFor(secret, service.now())), head);

		const crossSite = request.headers['sec-fetch-site'];
		if (crossSite !== undefined && crossSite !== 'same-origin') return page(response, refusedPage('The request did not come from this page.'));
		// Browsers send Origin on every POST; a POST without one (curl, a script) is refused: scripts use apikeys redeem.
		if (originOf(request.headers.origin) !== ownOrigin) return page(response, refusedPage('The request did not come from this page.'));
		const form = new URLSearchParams(await readBody(request, MAX_BODY));
		if (!proofValid(secret, form.get('proof') ?? '', service.now())) {
			return page(response, refusedPage('The page was too old or did not come from this server.'));
		}
		try {
			const {appKey, token} = await service.redeem(secret, 'share page');
			return page(response, tokenPage(appKey, link.name, token));
		} catch (error) {
			// Another request won the race: show what it left behind.
			if (isApiKeysError(error) && error.kind !== 'store') {
				const after = await service.inspectLink(secret).catch(() => null);
				return page(response, after?.state === 'used' ? usedPage(after) : unknownPage);
			}
			throw error;
		}
	}

	async function handle(request: IncomingMessage, response: ServerResponse) {
		const method = request.method ?? 'GET';
		const head = method === 'HEAD';
		// Read per request: a changed share base URL applies without a restart (the read is cached until the file changes).
		const shareBaseUrl = await service.shareBaseUrl();
		const ownOrigin = requestOrigin(request.headers.host, shareBaseUrl);
		if (!ownOrigin) return send(response, 421, 'text/plain; charset=utf-8', 'This server does not answer for that host name.\n', head, {Connection: 'close'});
		if ((request.url ?? '').length > MAX_URL) return send(response, 414, 'text/plain; charset=utf-8', 'URI too long\n', head);
		const path = new URL(request.url ?? '/', 'http://share.invalid').pathname;
		if (path === '/assets/share.css') return send(response, 200, 'text/css; charset=utf-8', STYLESHEET, head);
		if (path === '/assets/copy.js') return send(response, 200, 'text/javascript; charset=utf-8', COPY_SCRIPT, head);
		const match = LINK_PATH.exec(path);
		if (!match) return page(response, notFoundPage, head);
		if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
			return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', head, {Allow: 'GET, HEAD, POST'});
		}
		await linkPage(match[1]!, ownOrigin, request, response, head);
	}

	const limits = {
		maxHeaderSize: 8192,
		requestTimeout: SHARE_LIMITS.requestTimeout,
		headersTimeout: SHARE_LIMITS.headersTimeout,
		connectionsCheckingInterval: SHARE_LIMITS.checkInterval,
	};
	const server = createServer(limits, (request, response) => {
		handle(request, response).catch(error => {
			log(`share page: ${isApiKeysError(error) ? error.message : (error as Error).message.split('\n')[0]}`);
			if (error instanceof BodyTooLarge) {
				if (!response.headersSent) send(response, 413, 'text/plain; charset=utf-8', 'Request too large\n', false, {Connection: 'close'});
				return;
			}
			if (!response.headersSent) page(response, unavailablePage);
			else response.destroy();
		});
	});
	server.keepAliveTimeout = SHARE_LIMITS.keepAliveTimeout;
	// Connections past the cap are closed as they arrive.
	server.maxConnections = SHARE_LIMITS.maxConnections;
	return server;
}
