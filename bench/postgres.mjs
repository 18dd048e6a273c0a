// The PostgreSQL store's figures at 100 000 and 1 000 000 keys, in databases of this run's own,
// dropped after it (also when the bench is interrupted).
import {randomBytes} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {deadline, envCount, figure, fzfTimes, LIMIT_MS, ms, record, rssFigure, RUNS, scrollFigures, searchFigures, throughputFigure, TimedOut, within} from './measure.mjs';
import {firstFrame, helloPeakMiB, peakMiB, scrollRounds, searchKeystrokes, terminal} from './terminal.mjs';

/** What the app is given of the bench's own PostgreSQL settings (libpq's variables); no operator: in PostgreSQL it is the database login. */
const ENV = Object.fromEntries(['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGPASSFILE', 'PGSERVICE', 'PGSERVICEFILE', 'PGSSLMODE', 'PGSSLROOTCERT'].filter(name => process.env[name]).map(name => [name, process.env[name]]));
const label = count => `PostgreSQL ${count.toLocaleString('en').replaceAll(',', ' ')} keys`;
/** verify's timed turns (each loop runs this long per turn) and how many tokens they cycle through. */
const VERIFY_TURN_MS = envCount('BENCH_VERIFY_TURN_MS', 500);
const VERIFY_TOKENS = 20;

export async function postgresBench({lib, CLI, HELLO, work, parts, sizes, searches, searchRounds}) {
	let admin;
	try {
		admin = await lib.client('postgres:///postgres');
	} catch (error) {
		return skipped(`no PostgreSQL server answered (${error.message}; PGHOST and the other PG* variables say where one is)`);
	}
	const run = randomBytes(4).toString('hex');
	const databases = [];
	const drop = async () => {
		for (const name of databases.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(error => console.log(`could not drop the bench database ${name}: ${error.message}`));
	};
	const interrupted = async () => {
		await drop();
		process.exit(130);
	};
	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	/** Waits until the server has finished with a database's other connections (a killed app's query). */
	const settled = name => async () => {
		for (let i = 0; i < 500; i++) {
			const busy = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
			if (busy.rows[0].n === 0) return;
			await new Promise(resolve => setTimeout(resolve, 20));
		}
	};
	try {
		const stores = [];
		for (const count of sizes) {
			const name = `apikeys_bench_${run}_${count}`;
			try {
				await admin.query(`CREATE DATABASE ${name}`);
			} catch (error) {
				return skipped(`the bench cannot create its databases (${error.message}): it needs a login with CREATEDB`);
			}
			databases.push(name);
			const url = `postgres:///${name}`;
			const started = performance.now();
			const built = await lib.buildPgStore(url, count);
			const namesFile = join(work, `pg-names-${count}.txt`);
			writeFileSync(namesFile, built.names.join('\n') + '\n');
			const cached = new Map();
			const matches = query => cached.get(query) ?? cached.set(query, lib.countMatches(built, query)).get(query);
			stores.push({count, name, url, namesFile, matches, ...built});
			console.log(`built a PostgreSQL store of ${count} keys and ${3 * count} activity entries with COPY (${(await lib.pgStoreMiB(url)).toFixed(0)} MiB with indexes) in ${ms(performance.now() - started)}`);
		}
		console.log('');

		// ---- first frame, in turns with the hello-world, as for the file store ----
		if (parts.has('start')) {
			const hello = [];
			const times = new Map(stores.map(store => [store.count, []]));
			const slow = new Set();
			for (let i = 0; i < RUNS; i++) {
				hello.push(await firstFrame([HELLO], 'Hello, world'));
				for (const store of stores) {
					if (slow.has(store.count)) continue;
					// The app shows a database store's first rows (the newest, key 0 first, whole in the line under the table) while it reads the rest of its index.
					const full = screen => screen.includes('q/Ctrl-C quit') && screen.includes(`${store.appKeys[0]} ${store.names[0]} · `);
					const time = await firstFrame([CLI, '--store', store.url], full, {env: ENV, timeoutMs: LIMIT_MS, settled: settled(store.name)});
					if (time === null) slow.add(store.count);
					else times.get(store.count).push(time);
				}
			}
			for (const {count} of stores) {
				const incomplete = slow.has(count) ? `a start showed no full frame within ${LIMIT_MS / 1000} s` : '';
				figure(`first full frame, ${label(count)}`, times.get(count), 'bare Ink hello-world', hello, e => ({target: '≤ 2× baseline', met: e.ratio <= 2}), {incomplete});
			}
		}

		// ---- search, scroll and memory in a running app ----
		if (parts.has('interact')) {
			const helloMiB = await helloPeakMiB(HELLO);
			for (const store of stores) {
				const {count} = store;
				const app = terminal([CLI, '--store', store.url], {env: ENV});
				let shown = '';
				try {
					await app.when(screen => screen.includes(`of ${count} keys`), app.started, LIMIT_MS);
				} catch (error) {
					if (!(error instanceof TimedOut)) throw error;
					shown = `the app showed no full frame within ${LIMIT_MS / 1000} s`;
				}
				const million = count >= 1_000_000;
				const target = million
					? e => ({target: 'median ≤ 0.1× fzf median', met: e.median <= 0.1 * e.baselineMedian})
					: e => ({target: 'p95 ≤ 16.7 ms', met: e.p95 <= 16.7});
				const queries = Array.from({length: searchRounds}, () => searches).flat();
				if (shown) {
					searchFigures(label(count), {times: [], incomplete: shown}, fzfTimes(store.namesFile, queries), target);
					scrollFigures(label(count), {down: [], pageDown: [], end: [], incomplete: shown});
				} else {
					// The steady state a person types in, as for the file store.
					await new Promise(resolve => setTimeout(resolve, 1500));
					const search = await searchKeystrokes(app, {queries: searches, rounds: searchRounds, total: count, matches: store.matches, until: deadline()});
					searchFigures(label(count), search, fzfTimes(store.namesFile, queries), target);
					scrollFigures(label(count), await scrollRounds(app, deadline()));
				}
				const peak = peakMiB(app.pid);
				await app.kill();
				await settled(store.name)();
				rssFigure(`peak RSS of the app, ${label(count)}`, peak, helloMiB, million ? 250 : undefined, shown);
			}
		}

		// ---- persisting one change, and verify, through the service ----
		if (parts.has('persist') || parts.has('verify')) {
			for (const store of stores) {
				const opening = lib.openPgService(store.url);
				let service;
				try {
					service = await within(opening, LIMIT_MS, 'opening the service');
				} catch (error) {
					if (!(error instanceof TimedOut)) throw error;
					opening.then(late => late.close()).catch(() => undefined);
					const incomplete = `the service did not open within ${LIMIT_MS / 1000} s`;
					if (parts.has('persist')) figure(`persist one change, ${label(store.count)}`, [], 'bare UPDATE + INSERT transaction', [0], e => ({target: 'p95 ≤ 5 ms', met: e.p95 <= 5}), {incomplete});
					if (parts.has('verify')) throughputFigure(`verify, ${label(store.count)}`, [], 'bare SELECT … WHERE digest = $1', [], 0.5, incomplete);
					continue;
				}
				const connection = await lib.client(store.url);
				try {
					if (parts.has('persist')) await persist(lib, store, service, connection);
					if (parts.has('verify')) await verify(lib, store, service, connection);
				} finally {
					await connection.end();
					await service.close();
				}
			}
		}
	} finally {
		await drop();
		await admin.end();
		process.off('SIGINT', interrupted);
		process.off('SIGTERM', interrupted);
	}
}

function skipped(reason) {
	record({name: 'PostgreSQL', skipped: reason}, `PostgreSQL figures skipped: ${reason}`);
}

/** How many changes the persist figure times (and as many bare transactions). */
const PERSIST_CHANGES = 100;

/** Deactivate and activate a key through the service, in turns with a bare transaction on another key. */
async function persist(lib, store, service, connection) {
	const appKey = lib.appKeyAt(1);
	const bareKey = lib.appKeyAt(2);
	// Both are done once first (connections made, statements planned).
	await lib.persistOnce(service, appKey, true);
	await lib.barePersistOnce(connection, bareKey, false, service.revision);
	const until = deadline();
	const times = [];
	const bare = [];
	// 100 of each: the p95 is then the sixth slowest (of 30 it was the second, and swung with one
	// slow fsync); each takes a few milliseconds.
	for (let i = 0; i < PERSIST_CHANGES && !until.passed(); i++) {
		times.push(await lib.persistOnce(service, appKey, i % 2 === 1));
		bare.push(await lib.barePersistOnce(connection, bareKey, i % 2 === 0, service.revision));
	}
	const incomplete = times.length < PERSIST_CHANGES ? `stopped at the time limit of ${LIMIT_MS / 1000} s` : '';
	// The target is the p95's, so the baseline's p95 is shown too (both pay the server's fsync at commit).
	figure(`persist one change, ${label(store.count)}`, times, 'bare UPDATE + INSERT transaction', bare, e => ({target: 'p95 ≤ 5 ms', met: e.p95 <= 5}), {incomplete, baselineP95: true});
}

/**
 * service.verify with valid tokens, in short turns with the bare SELECT loop on a connection to the
 * same server. One untimed pass first: a verifier's first minute records "last used" once per key,
 * then verifies without writing (what the timed turns measure).
 */
async function verify(lib, store, service, connection) {
	const pairs = [...store.tokens.entries()].slice(0, VERIFY_TOKENS);
	const warmed = performance.now();
	const warm = await lib.pgServiceVerifyLoop(service, pairs, pairs.length, deadline().at);
	console.log(`(verify's untimed first pass over ${warm.done} tokens, each recording "last used": ${ms(warm.ms)})`);
	// The turns end before the first pass's "last used" is a minute old, when verify would write it
	// again; when the first pass itself took most of that minute, they run anyway, writes included.
	const beforeStale = warmed + lib.LAST_USED_RESOLUTION - 5000 - performance.now();
	const writing = warm.done < pairs.length || beforeStale < 3 * RUNS * 2 * VERIFY_TURN_MS;
	const until = deadline(writing ? LIMIT_MS : Math.min(LIMIT_MS, beforeStale));
	const ours = [];
	const bare = [];
	for (let i = 0; i < 3 * RUNS && !until.passed(); i++) {
		ours.push(await lib.pgServiceVerifyLoop(service, pairs, Infinity, Math.min(until.at, performance.now() + VERIFY_TURN_MS)));
		bare.push(await lib.bareSelectVerifyLoop(connection, pairs, Infinity, Math.min(until.at, performance.now() + VERIFY_TURN_MS)));
	}
	const turns = ours.filter(turn => turn.done).length;
	const incomplete = [
		...(warm.done < pairs.length ? [`the first pass checked ${warm.done} of ${pairs.length} tokens within ${LIMIT_MS / 1000} s`] : []),
		...(writing ? ['the turns include writes of "last used"'] : []),
		...(turns < 3 * RUNS ? [`${turns} of ${3 * RUNS} turns done within the limit`] : []),
	].join('; ');
	throughputFigure(`verify, ${label(store.count)}`, ours, 'bare SELECT … WHERE digest = $1', bare, 0.5, incomplete);
}
