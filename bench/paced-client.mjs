// The latency half of the HTTP benchmark: RATE requests a second for SECONDS, paced (the due ones
// sent every millisecond) on keep-alive connections; each latency (ms) from its write (from when it
// was due, for one that waited for a free connection), printed as JSON. Raw sockets and requests
// written once, as autocannon does, in a process of its own. autocannon's own rate limit is not
// used: it sends each second's quota at once and then waits, full load for part of every second.
// usage: node paced-client.mjs PORT RATE SECONDS REQUESTS.json
import {readFileSync} from 'node:fs';
import {connect} from 'node:net';

const [port, rate, seconds] = process.argv.slice(2, 5).map(Number);
const requests = JSON.parse(readFileSync(process.argv[5], 'utf8')).map(({method, path, headers, body}) =>
	Buffer.from(
		`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(headers)
			.map(([name, value]) => `${name}: ${value}\r\n`)
			.join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
	),
);
const total = Math.round(rate * seconds);
const latencies = [];
const idle = [];
const waiting = [];
let sent = 0;
let opened = 0;
/** At most this many connections: past it, due requests wait for one to be free (and their wait counts). */
const MAX_CONNECTIONS = 64;

function open() {
	opened++;
	const socket = connect(port, '127.0.0.1');
	socket.setNoDelay(true);
	let buffered = Buffer.alloc(0);
	let due = 0;
	socket.on('data', chunk => {
		buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
		const end = buffered.indexOf('\r\n\r\n');
		if (end < 0) return;
		const length = Number(/content-length: *(\d+)/i.exec(buffered.toString('latin1', 0, end))?.[1] ?? 0);
		if (buffered.length < end + 4 + length) return;
		if (!buffered.toString('latin1', 0, 12).startsWith('HTTP/1.1 200')) fail(`answer ${buffered.toString('latin1', 0, 12)}`);
		buffered = buffered.subarray(end + 4 + length);
		latencies.push(performance.now() - due);
		if (latencies.length === total) finish();
		else if (waiting.length) send(socket, waiting.shift());
		else idle.push(socket);
	});
	socket.on('error', error => fail(error.message));
	socket.dispatch = at => {
		due = at;
		socket.write(requests[sent++ % requests.length]);
	};
	return socket;
}

function send(socket, at) {
	socket.dispatch(at);
}

function fail(message) {
	console.error(message);
	process.exit(1);
}

function finish() {
	process.stdout.write(JSON.stringify(latencies), () => process.exit(0));
}

const begun = performance.now();
let scheduled = 0;
const tick = () => {
	const due = Math.min(total, Math.floor(((performance.now() - begun) * rate) / 1000));
	for (; scheduled < due; scheduled++) {
		const at = begun + (scheduled * 1000) / rate;
		const socket = idle.pop() ?? (opened < MAX_CONNECTIONS ? open() : null);
		// Timed from the write (the timer's own lateness is not the server's); a request that waits for a connection, from when it was due.
		if (socket) send(socket, performance.now());
		else waiting.push(at);
	}
	if (scheduled < total) setTimeout(tick, 1);
};
tick();
