// @ts-check
// A small service whose route GET /orders answers only callers whose apikeys token is valid and
// holds the role "OMS - Read only", as an `apikeys verify-server` says. The service calls it with
// a key of its own that has the role "Key verifier".
//
//   apikeys verify-server &
//   VERIFY_URL=http://127.0.0.1:8471 APIKEYS_GATEWAY_TOKEN=… PORT=8080 node examples/orders-over-http.mjs
//   curl -H @<(printf 'Authorization: Bearer %s\n' "$CLIENT_TOKEN") http://127.0.0.1:8080/orders
//   (the header through a file descriptor: a command's arguments are readable by every local user)
import {createServer} from 'node:http';

const verifyUrl = new URL('/v1/verify', process.env.VERIFY_URL ?? 'http://127.0.0.1:8471');
const gatewayToken = process.env.APIKEYS_GATEWAY_TOKEN;
if (!gatewayToken) {
	console.error('orders: set APIKEYS_GATEWAY_TOKEN to the token of a key with the role "Key verifier"');
	process.exit(2);
}

/**
 * What the verify server says of a client's token; null when it cannot say (503, 429, down): the
 * route then fails closed.
 * @param {string} token
 * @returns {Promise<import('apikeys').Verification | null>}
 */
async function verify(token) {
	try {
		const response = await fetch(verifyUrl, {
			method: 'POST',
			headers: {Authorization: `Bearer ${gatewayToken}`, 'Content-Type': 'application/json'},
			body: JSON.stringify({token, roles: ['OMS - Read only']}),
		});
		return response.status === 200 ? /** @type {import('apikeys').Verification} */ (await response.json()) : null;
	} catch {
		return null;
	}
}

/**
 * @param {import('node:http').ServerResponse} response
 * @param {number} status
 * @param {object} body
 */
const send = (response, status, body) => response.writeHead(status, {'Content-Type': 'application/json'}).end(JSON.stringify(body));

const server = createServer(async (request, response) => {
	if (request.url !== '/orders') return send(response, 404, {error: 'not found'});
	const header = request.headers.authorization ?? '';
	if (!header.startsWith('Bearer ')) return send(response, 401, {error: 'send Authorization: Bearer TOKEN'});
	const answer = await verify(header.slice(7));
	if (answer === null) return send(response, 503, {error: 'cannot check tokens now'});
	if (!answer.valid) return send(response, answer.code === 'INSUFFICIENT_ROLES' ? 403 : 401, {error: answer.code});
	send(response, 200, {for: answer.name, orders: [{id: 'v1001', status: 'invoiced'}]});
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	console.log(`orders service at http://127.0.0.1:${address.port}/orders (tokens checked by ${verifyUrl.href})`);
});
process.once('SIGTERM', () => server.close());
