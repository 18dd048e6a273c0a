// The throughput half of the HTTP benchmark: autocannon with CONNECTIONS keep-alive connections
// sending the requests of REQUESTS.json (tokens never go on a command line) in turn, for a second
// to warm up and then for SECONDS, in a process of its own: in the bench's process the client
// shared a heap (a 100 000-key store) and a history with everything the bench had run before.
// Prints {requests, seconds, errors, non2xx, timeouts} of the measured run as JSON.
// usage: node load-client.mjs PORT SECONDS CONNECTIONS REQUESTS.json
import {readFileSync} from 'node:fs';
import autocannon from 'autocannon';

const [port, seconds, connections] = process.argv.slice(2, 5).map(Number);
const requests = JSON.parse(readFileSync(process.argv[5], 'utf8'));
const load = duration =>
	new Promise((resolve, reject) => autocannon({url: `http://127.0.0.1:${port}`, connections, duration, requests}, (error, result) => (error ? reject(error) : resolve(result))));
await load(1);
const result = await load(seconds);
process.stdout.write(JSON.stringify({requests: result.requests.total, seconds, errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts}));
