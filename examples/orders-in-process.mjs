// @ts-check
// The same service as orders-over-http.mjs, checking tokens in process with the package's
// openVerifier: it reads the store (a file, or postgres://…) once, keeps it current, and answers
// from memory.
//
//   APIKEYS_STORE=/path/to/store.json PORT=8080 node examples/orders-in-process.mjs
import {createServer} from 'node:http';
import {VerifierUnavailableError, openVerifier} from 'apikeys';

const store = process.env.APIKEYS_STORE;
if (!store) {
	console.error('orders: set APIKEYS_STORE to the store (a file path or a postgres:// URL)');
	process.exit(2);
}
const verifier = await openVerifier({store, log: line => console.error(`orders: ${line}`)});

/**
 * @param {import('node:http').ServerResponse} response
 * @param {number} status
 * @param {object} body
 */
const send = (response, status, body) => response.writeHead(status, {'Content-Type': 'application/json'}).end(JSON.stringify(body));

const server = createServer((request, response) => {
	if (request.url !== '/orders') return send(response, 404, {error: 'not found'});
	const header = request.headers.authorization ?? '';
	if (!header.startsWith('Bearer ')) return send(response, 401, {error: 'send Authorization: Bearer TOKEN'});
	let answer;
	try {
		answer = verifier.verify(header.slice(7), {roles: ['OMS - Read only']});
	} catch (error) {
		// The store has been out of reach for longer than the stale bound: fail closed.
		if (error instanceof VerifierUnavailableError) return send(response, 503, {error: 'cannot check tokens now'});
		throw error;
	}
	if (!answer.valid) return send(response, answer.code === 'INSUFFICIENT_ROLES' ? 403 : 401, {error: answer.code});
	send(response, 200, {for: answer.name, orders: [{id: 'v1001', status: 'invoiced'}]});
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	console.log(`orders service at http://127.0.0.1:${address.port}/orders (tokens checked in process)`);
});
process.once('SIGTERM', () => server.close(() => void verifier.close()));
