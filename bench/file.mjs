// The file store's figures: stores of 1 000, 10 000 and 100 000 keys.
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {deadline, figure, fzfTimes, ms, rssFigure, RUNS, scrollFigures, searchFigures, throughputFigure} from './measure.mjs';
import {verifyBench} from './verify.mjs';
import {firstFrame, helloPeakMiB, peakMiB, scrollRounds, searchKeystrokes, terminal} from './terminal.mjs';

const OPERATOR = 'bench';
const ENV = {APIKEYS_OPERATOR: OPERATOR};
const SIZES = [1_000, 10_000, 100_000];

export async function fileBench({lib, libPath, CLI, HELLO, work, root, parts, searches, searchRounds}) {
	const stores = {};
	for (const count of SIZES) {
		const path = join(work, `store-${count}.json`);
		const started = performance.now();
		const built = await lib.buildStore(path, count, OPERATOR);
		stores[count] = {path, ...built};
		const archive = existsSync(`${path}.activity`) ? ` + activity archive ${(statSync(`${path}.activity`).size / 2 ** 20).toFixed(1)} MiB` : '';
		console.log(`built a store of ${count} keys and ${3 * count} activity entries (${(readFileSync(path).length / 2 ** 20).toFixed(1)} MiB${archive}) in ${ms(performance.now() - started)}`);
	}
	writeFileSync(join(work, 'names.txt'), stores[100_000].names.join('\n') + '\n');
	console.log('');

	// ---- first frame ----
	if (parts.has('start')) {
		// In turns (hello-world, then each store, again and again), so a figure and its baseline are
		// sampled over the same stretch of time on a machine whose speed drifts.
		const programs = [{name: 'hello', args: [HELLO], text: 'Hello, world'}, ...SIZES.map(count => ({name: count, args: [CLI, '--store', stores[count].path], text: `of ${count} keys`}))];
		const times = new Map(programs.map(program => [program.name, []]));
		for (let i = 0; i < RUNS; i++) for (const {name, args, text} of programs) times.get(name).push(await firstFrame(args, text, {env: ENV}));
		for (const count of SIZES) {
			const limit = count === 100_000 ? 2.0 : count === 10_000 ? 1.3 : undefined;
			figure(`first full frame, ${count} keys`, times.get(count), 'bare Ink hello-world', times.get('hello'), limit ? e => ({target: `≤ ${limit}× baseline`, met: e.ratio <= limit}) : undefined);
		}
	}

	// ---- search, scroll and memory at 100 000 keys ----
	if (parts.has('interact')) {
		const app = terminal([CLI, '--store', stores[100_000].path], {env: ENV});
		await app.when(screen => screen.includes('of 100000 keys'), app.started);
		// Keystrokes are measured once the app has read the whole store and built its search lists:
		// the start is measured above; this is the steady state a person types in.
		await new Promise(resolve => setTimeout(resolve, 1500));
		const search = await searchKeystrokes(app, {queries: searches, rounds: searchRounds, total: 100_000, matches: query => lib.countMatches(stores[100_000], query), until: deadline()});
		const fzf = fzfTimes(join(work, 'names.txt'), Array.from({length: searchRounds}, () => searches).flat());
		searchFigures('100 000 keys', search, fzf, e => ({target: 'p95 ≤ 16.7 ms and median ≤ 0.05× fzf median', met: e.p95 <= 16.7 && e.median <= 0.05 * e.baselineMedian}));
		scrollFigures('100 000 keys', await scrollRounds(app, deadline()));
		const peak = peakMiB(app.pid);
		await app.kill();
		rssFigure('peak RSS of the app, 100 000 keys', peak, await helloPeakMiB(HELLO), 250);
	}

	// ---- persisting one change ----
	if (parts.has('persist')) {
		for (const count of [10_000, 100_000]) {
			const {path} = stores[count];
			const service = await lib.openService(path, OPERATOR);
			const appKey = (await lib.readStore(path)).keys[1].appKey;
			// The bytes a change writes (the store as it is; one field differs).
			const text = lib.serializeStore(await lib.readStore(path));
			// What the bench wrote before (the stores, ~30 MiB) goes to disk now, not during the timed fsyncs.
			spawnSync('sync');
			await lib.persistOnce(service, appKey, true);
			const times = [];
			const raw = [];
			// In turns, so both see the same disk.
			for (let i = 0; i < RUNS; i++) {
				times.push(await lib.persistOnce(service, appKey, i % 2 === 1));
				const started = performance.now();
				await lib.rawAtomicWrite(join(work, `raw-${count}.json`), text);
				raw.push(performance.now() - started);
			}
			figure(`persist one change, ${count} keys`, times, 'raw fsynced atomic write', raw, e => ({target: '≤ 1.5× baseline', met: e.ratio <= 1.5}));
		}
	}

	// ---- verify: in process and over HTTP (bench/verify.mjs) ----
	if (parts.has('verify')) await verifyBench({libPath, CLI, root, work, store: stores[100_000]});
}
