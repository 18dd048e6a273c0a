import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Socket} from 'node:net';
import {TOKEN_LENGTH, tokenDigest} from '../core/token.js';
import {BodyTooLarge, collectBody} from '../server/body.js';
import {hostAllowed} from '../server/request-origin.js';
import {FailureLimiter} from './rate-limit.js';
import {VerifierUnavailableError} from './unavailable.js';
import type {StoreVerifier} from './verifier.js';

/** What a slow or greedy client runs into (the README's verify API section names these values). */
export const VERIFY_LIMITS = {
	maxBody: 8192,
	maxHeaderSize: 8192,
	headersTimeout: 5_000,
	requestTimeout: 10_000,
	/** Longer than a load balancer's idle timeout (60 s is common), so it is the balancer that closes idle connections. */
	keepAliveTimeout: 65_000,
	checkInterval: 500,
	maxConnections: 1024,
	/** At most this many roles in one request. */
	maxRoles: 64,
} as const;

export const DEFAULT_FAILURES_PER_MINUTE = 1000;

export interface VerifyServerOptions {
	verifier: StoreVerifier;
	/** Host names the server answers to besides loopback names and IP addresses (a load balancer's name). */
	hostNames?: readonly string[];
	/** Failed verifications (MALFORMED, NOT_FOUND) allowed per calling key per minute; 0: no limit. */
	failuresPerKey?: number;
	/** Failed verifications and failed caller authentications allowed per source address per minute; 0: no limit. */
	failuresPerAddress?: number;
	maxConnections?: number;
	/** Called with one line about a failure: never with a token or a digest. */
	log?: (line: string) => void;
}

// Headers as flat lists: Node writes them as they are, without validating an object's keys again.
const HEADERS = ['Content-Type', 'application/json; charset=utf-8', 'Cache-Control', 'no-store', 'X-Content-Type-Options', 'nosniff'];

/** The headers of a JSON answer with this body. */
const jsonHeaders = (body: string, extra: readonly string[] = []) => [...HEADERS, 'Content-Length', String(Buffer.byteLength(body)), ...extra];

function send(response: ServerResponse, status: number, body: string, extra: readonly string[] = []): void {
	response.writeHead(status, jsonHeaders(body, extra));
	response.end(body);
}

/** Each answer object is serialized once, with its headers: the verifier hands out the same object for a key's token. */
const serialized = new WeakMap<object, {body: string; headers: string[]}>();
function answerReply(answer: object): {body: string; headers: string[]} {
	let reply = serialized.get(answer);
	if (reply === undefined) {
		const body = JSON.stringify(answer);
		reply = {body, headers: jsonHeaders(body)};
		serialized.set(answer, reply);
	}
	return reply;
}

/**
 * The digest of the caller's token, hashed once per connection: a keep-alive connection sends the
 * same Authorization header with each request. Only the connection's own header is compared with
 * it, and it goes with the connection.
 */
const callers = new WeakMap<Socket, {header: string; digest: string}>();
function callerDigest(request: IncomingMessage): string | null {
	const header = request.headers.authorization;
	const known = callers.get(request.socket);
	if (known !== undefined && known.header === header) return known.digest;
	const token = bearer(header);
	if (token === null || token.length !== TOKEN_LENGTH) return null;
	const digest = tokenDigest(token);
	callers.set(request.socket, {header: header!, digest});
	return digest;
}

const error = (message: string) => JSON.stringify({error: message});
const UNAVAILABLE = error('the key store has been out of reach for longer than this server answers from memory: try again later');

/** The token of `Authorization: Bearer TOKEN`, or null. */
function bearer(header: string | undefined): string | null {
	if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
	return header.slice(7).trim();
}

/** The request's fields, or what is wrong with them (answered 400). */
function parseRequest(text: string): {token: string; appKey?: string; roles?: string[]} | string {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		return 'the body is not JSON: send {"token": "…", "appKey": "…" (optional), "roles": ["…"] (optional)}';
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is a JSON object: {"token": "…"}';
	const {token, appKey, roles} = body as Record<string, unknown>;
	if (typeof token !== 'string') return '"token" is a string';
	if (appKey !== undefined && typeof appKey !== 'string') return '"appKey" is a string when given';
	if (roles !== undefined && (!Array.isArray(roles) || roles.length > VERIFY_LIMITS.maxRoles || !roles.every(role => typeof role === 'string'))) {
		return `"roles" is a list of at most ${VERIFY_LIMITS.maxRoles} role names when given`;
	}
	return {token, appKey: appKey as string | undefined, roles: roles as string[] | undefined};
}

/**
 * The verify API: POST /v1/verify answers whether a token is valid, for a caller that
 * authenticates with its own key (one holding Verify API tokens); GET /healthz tells a load
 * balancer whether this server answers. Answers come from the verifier's memory; neither a token
 * nor a digest is ever logged or answered.
 */
export function createVerifyServer(options: VerifyServerOptions): Server {
	const {verifier, log = () => undefined} = options;
	const names = new Set((options.hostNames ?? []).map(name => name.toLowerCase()));
	const perKey = new FailureLimiter(options.failuresPerKey ?? DEFAULT_FAILURES_PER_MINUTE);
	const perAddress = new FailureLimiter(options.failuresPerAddress ?? DEFAULT_FAILURES_PER_MINUTE);
	// Callers send the same few Host headers: each is judged once.
	const hosts = new Map<string, boolean>();
	const hostOk = (host: string | undefined) => {
		if (host === undefined) return false;
		let ok = hosts.get(host);
		if (ok === undefined) {
			ok = hostAllowed(host, names);
			if (hosts.size > 1000) hosts.clear();
			hosts.set(host, ok);
		}
		return ok;
	};

	function health(request: IncomingMessage, response: ServerResponse) {
		if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, error('GET /healthz'), ['Allow', 'GET, HEAD']);
		const {state, revision} = verifier.status();
		const body = JSON.stringify({status: state, revision});
		response.writeHead(state === 'unavailable' ? 503 : 200, jsonHeaders(body));
		response.end(request.method === 'HEAD' ? undefined : body);
	}

	function verify(request: IncomingMessage, response: ServerResponse) {
		const now = Date.now();
		const address = request.socket.remoteAddress ?? 'local';
		let wait = perAddress.retryAfter(address, now);
		if (wait > 0) return send(response, 429, error('too many failed verifications from this address'), ['Retry-After', String(wait)]);
		const digest = callerDigest(request);
		const caller = digest === null ? null : verifier.callerByDigest(digest);
		if (caller === null) {
			perAddress.fail(address, now);
			response.writeHead(401, ['WWW-Authenticate', 'Bearer', 'Cache-Control', 'no-store', 'Content-Length', '0']);
			return response.end();
		}
		wait = perKey.retryAfter(caller, now);
		if (wait > 0) return send(response, 429, error('too many failed verifications by this key'), ['Retry-After', String(wait)]);
		collectBody(request, VERIFY_LIMITS.maxBody, (failure, text) => {
			try {
				if (failure) throw failure;
				const fields = parseRequest(text);
				if (typeof fields === 'string') return send(response, 400, error(fields));
				const answer = verifier.verify(fields.token, fields);
				// A guess (a token of no key, or of no shape) counts; a real token of an inactive key or one without a role does not.
				if (answer.code === 'NOT_FOUND' || answer.code === 'MALFORMED') {
					perKey.fail(caller, now);
					perAddress.fail(address, now);
				}
				const reply = answerReply(answer);
				response.writeHead(200, reply.headers);
				response.end(reply.body);
			} catch (thrown) {
				fail(response, thrown);
			}
		});
	}

	function handle(request: IncomingMessage, response: ServerResponse) {
		if (!hostOk(request.headers.host)) return send(response, 421, error('this server does not answer for that host name'), ['Connection', 'close']);
		const path = request.url;
		if (path === '/v1/verify') {
			if (request.method !== 'POST') return send(response, 405, error('POST /v1/verify'), ['Allow', 'POST']);
			return verify(request, response);
		}
		if (path === '/healthz') return health(request, response);
		send(response, 404, error('not found: POST /v1/verify, GET /healthz'));
	}

	function fail(response: ServerResponse, failure: unknown) {
		if (response.headersSent) return void response.destroy();
		if (failure instanceof BodyTooLarge) return send(response, 413, error(`the body is larger than ${VERIFY_LIMITS.maxBody} bytes`), ['Connection', 'close']);
		if (failure instanceof VerifierUnavailableError) return send(response, 503, UNAVAILABLE, ['Retry-After', '5']);
		log(`verify-server: ${((failure as Error).message ?? String(failure)).split('\n')[0]}`);
		send(response, 500, error('internal error'));
	}

	const server = createServer(
		{
			maxHeaderSize: VERIFY_LIMITS.maxHeaderSize,
			requestTimeout: VERIFY_LIMITS.requestTimeout,
			headersTimeout: VERIFY_LIMITS.headersTimeout,
			connectionsCheckingInterval: VERIFY_LIMITS.checkInterval,
			keepAliveTimeout: VERIFY_LIMITS.keepAliveTimeout,
		},
		(request, response) => {
			try {
				handle(request, response);
			} catch (failure) {
				fail(response, failure);
			}
		},
	);
	server.maxConnections = options.maxConnections ?? VERIFY_LIMITS.maxConnections;
	// Callers that never failed again are forgotten.
	const sweep = setInterval(() => {
		perKey.forget(Date.now());
		perAddress.forget(Date.now());
	}, 60_000);
	sweep.unref();
	server.on('close', () => clearInterval(sweep));
	return server;
}
