// The verify API's figures at 100 000 keys: in process (openVerifier) against the bare
// crypto.hash + Map loop, and verify-server over HTTP against a bare node:http server on the same
// port and client (throughput, and p99 at half load); `--only million` adds a verify server on a
// PostgreSQL store of 1 000 000 keys (its start and memory).
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {createServer} from 'node:http';
import {readFileSync, writeFileSync} from 'node:fs';
import {userInfo} from 'node:os';
import {join} from 'node:path';
import {envCount, median, ms, percentile, record, results, RUNS} from './measure.mjs';

const OPERATOR = 'bench';
let CLI;
let root;
let work;
let stores;

export async function verifyBench(context) {
	({CLI, root, work} = context);
	stores = {100_000: context.store};
	const pairs = [...stores[100_000].tokens.entries()];
	{
		const iterations = envCount('BENCH_VERIFY_ITERATIONS', 20_000);
		// In a process of its own (bench/verify-loops.mjs), as a service runs it: the verifier and the
		// bare loop's Map built once, before the loops, then in turns, each loop starting from a
		// collected heap. Many short turns, and each loop's best: on this machine's shared cores a
		// turn of the same loop takes from one to three times its best, and that noise only ever
		// adds, so the fastest turn is the loop's own cost (the median of the turns' ratios swung
		// from 0.58 to 0.89 between runs).
		const pairsFile = join(work, 'verify-pairs.json');
		writeFileSync(pairsFile, JSON.stringify(pairs), {mode: 0o600});
		const run = spawnSync(process.execPath, ['--expose-gc', join(root, 'bench', 'verify-loops.mjs'), context.libPath, stores[100_000].path, pairsFile, String(iterations), String(10 * RUNS)], {encoding: 'utf8', maxBuffer: 16 * 2 ** 20});
		if (run.status !== 0) throw new Error(`bench/verify-loops.mjs: ${run.stderr}`);
		const {ours, bare} = JSON.parse(run.stdout);
		const perSecond = values => (iterations / Math.min(...values)) * 1000;
		const entry = {name: 'verify in process (openVerifier), 100 000 keys', perSecond: perSecond(ours), baseline: 'bare crypto.hash SHA-256 + Map lookup', baselinePerSecond: perSecond(bare)};
		entry.ratio = entry.perSecond / entry.baselinePerSecond;
		entry.medianRatio = median(ours.map((time, i) => bare[i] / time));
		entry.target = '≥ 0.8× baseline';
		entry.met = entry.ratio >= 0.8;
		record(entry, `${entry.name.padEnd(42)} ${Math.round(entry.perSecond).toLocaleString('en').padStart(10)}/s │ ${entry.baseline.padEnd(30)} ${Math.round(entry.baselinePerSecond).toLocaleString('en').padStart(10)}/s │ ratio ${entry.ratio.toFixed(2)} (best turns; median of turns ${entry.medianRatio.toFixed(2)})  target ${entry.target} ${entry.met ? 'met' : 'MISSED'}`);
	}
	await httpVerify(pairs);
}

export async function millionVerifyBench(context) {
	({CLI, root, work} = context);
	await millionKeys();
}

/**
 * The 100 000-key store the verify server reads: a copy in PostgreSQL when a local server answers
 * (as several verify servers are run; its last uses are one UPDATE, where a store file is written
 * whole, blocking the server for that time), else the store file.
 */
async function verifyStore() {
	const file = {kind: 'store file', location: stores[100_000].path, drop: async () => undefined};
	const {default: pg} = await import('pg');
	const admin = new pg.Client({host: '/var/run/postgresql', database: 'postgres', user: userInfo().username});
	try {
		await admin.connect();
	} catch {
		console.log('verify-server benchmark on the store file: no local PostgreSQL server');
		return file;
	}
	const name = `apikeys_bench_verify_${process.pid}`;
	await admin.query(`CREATE DATABASE ${name}`);
	const location = `postgres:///${name}`;
	const started = performance.now();
	execFileSync(process.execPath, [CLI, 'store', 'copy', '--from', stores[100_000].path, '--to', location], {env: {...process.env, APIKEYS_OPERATOR: OPERATOR}, stdio: 'ignore'});
	console.log(`copied the 100 000-key store to PostgreSQL for the verify-server benchmark in ${ms(performance.now() - started)}`);
	const drop = async () => {
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end();
	};
	process.once('exit', () => spawnSync('psql', ['-h', '/var/run/postgresql', '-d', 'postgres', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], {stdio: 'ignore'}));
	return {kind: 'PostgreSQL', location, drop};
}

/** Whether Debian's wrk is installed (the latency half prefers it; see bench/paced.lua); BENCH_NO_WRK=1 uses the Node client. */
const HAVE_WRK = !process.env.BENCH_NO_WRK && spawnSync('wrk', ['--version']).error === undefined;
/** The latency half's turns (each server started afresh in each). */
const LATENCY_TURNS = envCount('BENCH_LATENCY_TURNS', 5);
/**
 * Each server is loaded at the paced rate this long before its p99 is measured: the steady state a
 * long-running server answers in. It covers the verify server's start (the JIT, the collections
 * after reading every key) and its first batch of last uses, written 5 s after it is ready; with the
 * bench's 500 tokens the next is a minute later (a key's use is noted once a minute).
 */
const WARM_SECONDS = 6;
/** wrk's paced connections wait this long on average before each request (see bench/paced.lua). */
const PACED_MEAN_MS = 10;

/**
 * One wrk run with bench/paced.lua: each connection waits `meanMs` on average before each request
 * (0: none, a closed loop at full speed). {requests, seconds, p50, p99, max}; a failed answer throws.
 */
function wrk(port, connections, seconds, meanMs, files) {
	const out = join(work, 'wrk.json');
	const run = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', join(root, 'bench', 'paced.lua'), `http://127.0.0.1:${port}`], {
		env: {...process.env, PACED_MEAN_MS: String(meanMs), PACED_REQUESTS: files.lines, PACED_OUT: out},
	});
	if (run.status !== 0) throw new Error(`wrk: ${run.stderr}`);
	const result = JSON.parse(readFileSync(out, 'utf8'));
	if (result.errors || result.status) throw new Error(`wrk: ${result.errors} errors, ${result.status} answers other than 2xx/3xx`);
	return result;
}

/**
 * The latency at about `rate` requests a second for `seconds`: with wrk when it is installed (a C
 * client, random arrivals), else with bench/paced-client.mjs. {p50, p99, rate}: what was achieved.
 */
function paced(port, rate, seconds, files) {
	if (HAVE_WRK) {
		const connections = Math.max(1, Math.round((rate * PACED_MEAN_MS) / 1000));
		const result = wrk(port, connections, seconds, PACED_MEAN_MS, files);
		return {p50: result.p50, p99: result.p99, rate: result.requests / result.seconds, client: `wrk, ${connections} connections at random moments`};
	}
	const run = spawnSync(process.execPath, [join(root, 'bench', 'paced-client.mjs'), String(port), String(rate), String(seconds), files.json], {maxBuffer: 256 * 2 ** 20});
	if (run.status !== 0) throw new Error(`paced client: ${run.stderr}`);
	const latencies = JSON.parse(run.stdout.toString());
	return {p50: median(latencies), p99: percentile(latencies, 0.99), rate: latencies.length / seconds, client: 'bench/paced-client.mjs (install wrk for a C client)'};
}

/**
 * Full-speed load for `seconds` after a second's warm-up: autocannon in a process of its own
 * (bench/load-client.mjs), and, when it is installed, wrk with the same connections and requests.
 * {autocannon, wrk}: requests a second (wrk: null without it).
 */
function fullLoad(port, seconds, connections, files) {
	const run = spawnSync(process.execPath, [join(root, 'bench', 'load-client.mjs'), String(port), String(seconds), String(connections), files.json], {encoding: 'utf8'});
	if (run.status !== 0) throw new Error(`bench/load-client.mjs: ${run.stderr}`);
	const result = JSON.parse(run.stdout);
	if (result.errors || result.non2xx || result.timeouts) throw new Error(`autocannon: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
	if (!HAVE_WRK) return {autocannon: result.requests / seconds, wrk: null};
	wrk(port, connections, 1, 0, files);
	const measured = wrk(port, connections, seconds, 0, files);
	return {autocannon: result.requests / seconds, wrk: measured.requests / measured.seconds};
}

/**
 * verify-server against a bare node:http server on the same port, both loaded with the same
 * keep-alive connections and requests (POST /v1/verify, a valid token of a 100 000-key store):
 * throughput in alternating turns (autocannon; wrk beside it when installed), then the p99 latency
 * of each at half the verify server's throughput, paced.
 */
async function httpVerify(pairs) {
	const port = await new Promise(resolve => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const {port: free} = probe.address();
			probe.close(() => resolve(free));
		});
	});
	const start = async (args, ready) => {
		const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, APIKEYS_OPERATOR: OPERATOR}});
		// A bench that fails leaves no server behind.
		const leftBehind = () => child.kill('SIGKILL');
		process.once('exit', leftBehind);
		let said = '';
		await new Promise((resolve, reject) => {
			child.stdout.on('data', chunk => {
				said += chunk;
				if (said.includes(ready)) resolve();
			});
			child.on('exit', code => reject(new Error(`${args.join(' ')} exited (${code}): ${said}`)));
		});
		const exited = new Promise(resolve => child.on('exit', resolve));
		return {pid: child.pid, stop: async () => (child.kill('SIGTERM'), await exited, process.off('exit', leftBehind))};
	};
	const store = await verifyStore();
	// With its default limits, as it is run: valid tokens never touch them but for one lookup each.
	const servers = {
		ours: () => start([CLI, 'verify-server', '--port', String(port), '--store', store.location], 'Verifying tokens'),
		bare: () => start([join(root, 'bench', 'bare-http.mjs'), String(port)], 'listening'),
	};
	const requests = pairs.slice(0, 500).map(([appKey, token]) => ({
		method: 'POST',
		path: '/v1/verify',
		headers: {authorization: `Bearer ${stores[100_000].gateway}`, 'content-type': 'application/json'},
		body: JSON.stringify({token, appKey}),
	}));
	/** Which server goes first alternates from turn to turn, so that neither always follows the other. */
	const inTurn = turn => (turn % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare']);
	const CONNECTIONS = 10;
	const SECONDS = envCount('BENCH_HTTP_SECONDS', 4);
	const files = {json: join(work, 'requests.json'), lines: join(work, 'requests.txt')};
	writeFileSync(files.json, JSON.stringify(requests), {mode: 0o600});
	writeFileSync(files.lines, `${stores[100_000].gateway}\n${pairs.slice(0, 500).map(([appKey, token]) => `${appKey} ${token}\n`).join('')}`, {mode: 0o600});
	const throughput = {ours: [], bare: []};
	const rss = {};
	for (let turn = 0; turn < envCount('BENCH_HTTP_TURNS', 5); turn++) {
		for (const name of inTurn(turn)) {
			const server = await servers[name]();
			throughput[name].push(fullLoad(port, SECONDS, CONNECTIONS, files));
			rss[name] = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
			await server.stop();
		}
	}
	const by = (name, client) => throughput[name].map(turn => turn[client]);
	const ratioOf = client => median(by('ours', client).map((value, i) => value / by('bare', client)[i]));
	const ratio = ratioOf('autocannon');
	const entry = {name: `verify-server throughput, 100 000 keys (${store.kind})`, perSecond: median(by('ours', 'autocannon')), baseline: 'bare node:http fixed JSON, same port and client', baselinePerSecond: median(by('bare', 'autocannon')), ratio, target: '≥ 0.7× baseline', met: ratio >= 0.7, client: 'autocannon', connections: CONNECTIONS, peakRssMiB: rss.ours, baselinePeakRssMiB: rss.bare};
	if (HAVE_WRK) entry.wrk = {perSecond: median(by('ours', 'wrk')), baselinePerSecond: median(by('bare', 'wrk')), ratio: ratioOf('wrk')};
	results.figures.push(entry);
	const wrkSaid = entry.wrk ? `; wrk: ${Math.round(entry.wrk.perSecond).toLocaleString('en')}/s against ${Math.round(entry.wrk.baselinePerSecond).toLocaleString('en')}/s, ratio ${entry.wrk.ratio.toFixed(2)}` : '; install wrk for a second client beside it';
	console.log(`${entry.name.padEnd(42)} ${Math.round(entry.perSecond).toLocaleString('en').padStart(10)}/s │ ${'bare node:http, same client'.padEnd(30)} ${Math.round(entry.baselinePerSecond).toLocaleString('en').padStart(10)}/s │ ratio ${ratio.toFixed(2)}  target ${entry.target} ${entry.met ? 'met' : 'MISSED'} (autocannon${wrkSaid})`);

	// Half the load, paced by a client of its own (see paced()), in turns: each server started
	// afresh, warmed, then measured; the figure is the median of the turns' p99s (on this machine's
	// shared cores a single window's p99 swings between one and three times its usual value, for
	// either server), and the worst turn is printed beside it.
	const rate = Math.round(entry.perSecond / 2);
	const latency = {bare: [], ours: []};
	for (let turn = 0; turn < LATENCY_TURNS; turn++) {
		for (const name of inTurn(turn)) {
			const server = await servers[name]();
			paced(port, rate, WARM_SECONDS, files);
			latency[name].push(paced(port, rate, SECONDS, files));
			await server.stop();
		}
	}
	await store.drop();
	const p99s = name => latency[name].map(turn => turn.p99);
	const ours = median(p99s('ours'));
	const bare = median(p99s('bare'));
	const half = {
		name: `verify-server p99 latency at ${rate.toLocaleString('en')}/s (half), 100 000 keys (${store.kind})`,
		p99: ours,
		turns: p99s('ours'),
		median: median(latency.ours.map(turn => turn.p50)),
		achieved: median(latency.ours.map(turn => turn.rate)),
		baseline: 'bare node:http at the same rate',
		baselineP99: bare,
		baselineTurns: p99s('bare'),
		client: latency.ours[0].client,
		target: 'p99 ≤ 2 ms (median of the turns)',
	};
	half.met = half.p99 <= 2;
	results.figures.push(half);
	const worst = values => ms(Math.max(...values));
	console.log(
		`${half.name.padEnd(42)} p99 ${ms(half.p99).padStart(9)} (worst turn ${worst(half.turns)}; median ${ms(half.median)}, ${Math.round(half.achieved).toLocaleString('en')}/s) │ ${half.baseline.padEnd(30)} p99 ${ms(half.baselineP99).padStart(9)} (worst turn ${worst(half.baselineTurns)}) │ target ${half.target} ${half.met ? 'met' : 'MISSED'} (client: ${half.client}; ${LATENCY_TURNS} turns of ${SECONDS} s)`,
	);
	console.log(`${'peak RSS of verify-server, 100 000 keys'.padEnd(42)} ${rss.ours.toFixed(0).padStart(6)} MiB │ ${'bare node:http'.padEnd(30)} ${rss.bare.toFixed(0).padStart(6)} MiB`);
}


/**
 * Fills a throwaway database with a million keys (rows made by SQL, digests of made-up tokens) and
 * starts verify-server on it: the time to read every key, and the server's memory.
 */
async function millionKeys() {
	const {default: pg} = await import('pg');
	const name = `apikeys_bench_verify_${process.pid}`;
	const admin = new pg.Client({host: '/var/run/postgresql', database: 'postgres', user: userInfo().username});
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	try {
		const url = `postgres:///${name}`;
		// As the database login (the operator of a PostgreSQL store), not the bench's operator.
		const {APIKEYS_OPERATOR: _operator, ...asLogin} = process.env;
		execFileSync(process.execPath, [CLI, 'init', '--account', 'acme', '--store', url], {env: asLogin, stdio: 'ignore'});
		const db = new pg.Client({host: '/var/run/postgresql', database: name, user: userInfo().username});
		await db.connect();
		const started = performance.now();
		await db.query(`INSERT INTO apikeys.keys (app_key, name, roles, created, created_by, active, token_created, revision)
			SELECT 'appkey-acme-' || lpad(i::text, 7, '0'), 'Integration ' || i || ' – ' || (ARRAY['SAP', 'Adyen', 'FedEx', 'Zendesk'])[1 + i % 4], ARRAY[(ARRAY['OMS - Full access', 'OMS - Read only', 'Checkout Admin'])[1 + i % 3]], 1700000000000 + i, 'bench', i % 11 <> 0, 1700000000000 + i, 2
			FROM generate_series(1, 1000000) AS i`);
		await db.query(`INSERT INTO apikeys.tokens (digest, app_key, state, hint, created)
			SELECT translate(rtrim(encode(sha256(('token ' || i)::bytea), 'base64'), '='), '+/', '-_'), 'appkey-acme-' || lpad(i::text, 7, '0'), 'current', 'apikt_AAAA', 1700000000000 + i
			FROM generate_series(1, 1000000) AS i`);
		await db.query('UPDATE apikeys.store SET revision = 2');
		await db.end();
		console.log(`filled a PostgreSQL store with 1 000 000 keys in ${ms(performance.now() - started)}`);
		const child = spawn(process.execPath, [CLI, 'verify-server', '--port', '0', '--store', url], {stdio: ['ignore', 'pipe', 'inherit'], env: asLogin});
		const launched = performance.now();
		await new Promise((resolve, reject) => {
			let said = '';
			child.stdout.on('data', chunk => ((said += chunk), said.includes('Verifying tokens') && resolve()));
			child.on('exit', code => reject(new Error(`verify-server exited (${code}): ${said}`)));
		});
		const ready = performance.now() - launched;
		const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
		const kib = field => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
		const entry = {name: 'verify-server on PostgreSQL, 1 000 000 keys', readyMs: ready, rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024};
		record(entry, `${entry.name.padEnd(42)} ready in ${ms(ready)} │ RSS ${entry.rssMiB.toFixed(0)} MiB, peak ${entry.peakRssMiB.toFixed(0)} MiB`);
		child.kill('SIGTERM');
		await new Promise(resolve => child.on('exit', resolve));
	} finally {
		await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end();
	}
}
