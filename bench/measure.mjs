// The bench's figures: percentiles, a figure beside its baseline, time limits, and the fzf baseline.
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';

/** A whole number of 1 or more from the environment variable `name`, else `fallback`; anything else ends the bench in one line. */
export function envCount(name, fallback) {
	const text = process.env[name];
	if (text === undefined || text === '') return fallback;
	if (!/^[1-9]\d*$/.test(text)) {
		console.error(`bench: ${name} is a whole number of 1 or more; not "${text}"`);
		process.exit(2);
	}
	return Number(text);
}

export const RUNS = envCount('BENCH_RUNS', 7);
/** How long one measurement may take (BENCH_LIMIT_S, seconds) before it is reported as too slow and the bench goes on. */
export const LIMIT_MS = envCount('BENCH_LIMIT_S', 180) * 1000;

export const sorted = values => [...values].sort((a, b) => a - b);
export const median = values => sorted(values)[Math.floor((values.length - 1) / 2)];
/** The value `fraction` of the way up the sorted values (nearest rank). */
export const percentile = (values, fraction) => sorted(values)[Math.min(values.length - 1, Math.ceil(values.length * fraction) - 1)];
export const p95 = values => percentile(values, 0.95);
export const ms = value => (value === undefined ? '—' : `${value.toFixed(value < 10 ? 2 : 1)} ms`);

/** A measurement that ran out of its time. */
export class TimedOut extends Error {}

/** A point in time `limit` ms from now, and how much of it is left. */
export const deadline = (limit = LIMIT_MS) => {
	const at = performance.now() + limit;
	return {at, limit, left: () => at - performance.now(), passed: () => performance.now() >= at};
};

/** Resolves as `promise`, or rejects with TimedOut when `limit` runs out first. */
export function within(promise, limit, what) {
	let timer;
	const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new TimedOut(`${what}: not done within ${Math.round(limit / 1000)} s`)), Math.max(0, limit))));
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const results = {machine: {cpus: cpus().length, model: cpus()[0]?.model ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version}, figures: []};

const WIDTH = 52;
/** Adds an entry to the results and prints its line. */
export function record(entry, line) {
	results.figures.push(entry);
	console.log(line);
}

/**
 * A latency figure beside its baseline. `incomplete`: the measurement ran out of time (the figure is
 * what it had measured by then, and its target is missed).
 */
export function figure(name, values, baselineName, baselineValues, target, {incomplete = '', baselineP95 = false} = {}) {
	const entry = {name, samples: values.length, median: values.length ? median(values) : undefined, p95: values.length ? p95(values) : undefined, baseline: baselineName, baselineMedian: median(baselineValues), baselineP95: p95(baselineValues)};
	entry.ratio = entry.median / entry.baselineMedian;
	if (target) Object.assign(entry, values.length ? target(entry) : {target: target({median: Infinity, p95: Infinity, ratio: Infinity}).target, met: false});
	if (incomplete) Object.assign(entry, {incomplete, met: false});
	const ratio = Number.isFinite(entry.ratio) ? entry.ratio.toFixed(2) : '—';
	record(
		entry,
		`${name.padEnd(WIDTH)} median ${ms(entry.median).padStart(10)}  p95 ${ms(entry.p95).padStart(10)}  │ ${baselineName.padEnd(30)} ${ms(entry.baselineMedian).padStart(10)}${baselineP95 ? ` (p95 ${ms(entry.baselineP95)})` : ''}  │ ratio ${ratio.padStart(6)}${entry.target ? `  target ${entry.target} ${entry.met ? 'met' : 'MISSED'}` : ''}${incomplete ? `  (${incomplete}; ${values.length} samples)` : ''}`,
	);
}

/** A peak RSS beside the baseline's; `incomplete`: the app was stopped before it was done (the peak is a lower bound). */
export function rssFigure(name, peakMiB, baselineMiB, limitMiB, incomplete = '') {
	const entry = {name, peakMiB, baseline: 'bare Ink hello-world', baselineMiB, ...(limitMiB ? {target: `≤ ${limitMiB} MiB`, met: !incomplete && peakMiB <= limitMiB} : {}), ...(incomplete ? {incomplete} : {})};
	const verdict = entry.target ? `target ${entry.target} ${entry.met ? 'met' : 'MISSED'}` : '';
	record(entry, `${name.padEnd(WIDTH)} ${incomplete ? '≥ ' : ''}${peakMiB.toFixed(0).padStart(6)} MiB │ ${entry.baseline.padEnd(30)} ${baselineMiB.toFixed(0).padStart(6)} MiB │ ${verdict}${incomplete ? `  (${incomplete})` : ''}`);
}

/** A throughput beside its baseline; the ratio is the median of each adjacent pair of turns' ratios (the machine drifts less within a pair). */
export function throughputFigure(name, ours, baselineName, bare, minRatio, incomplete = '') {
	const rate = turn => (turn.done / turn.ms) * 1000;
	const pairs = ours.map((turn, i) => [turn, bare[i]]).filter(([a, b]) => a?.done && b?.done);
	const entry = {name, perSecond: median(ours.filter(t => t.done).map(rate)) ?? 0, baseline: baselineName, baselinePerSecond: median(bare.filter(t => t.done).map(rate)) ?? 0, turns: pairs.length};
	entry.ratio = pairs.length ? median(pairs.map(([a, b]) => rate(a) / rate(b))) : 0;
	entry.target = `≥ ${minRatio}× baseline`;
	entry.met = !incomplete && entry.ratio >= minRatio;
	if (incomplete) entry.incomplete = incomplete;
	record(
		entry,
		`${name.padEnd(WIDTH)} ${Math.round(entry.perSecond).toLocaleString('en').padStart(10)}/s │ ${baselineName.padEnd(30)} ${Math.round(entry.baselinePerSecond).toLocaleString('en').padStart(10)}/s │ ratio ${entry.ratio.toFixed(2)}  target ${entry.target} ${entry.met ? 'met' : 'MISSED'}${incomplete ? `  (${incomplete})` : ''}`,
	);
}

/** The search figure beside fzf on the same names (or, without fzf, one 60 Hz frame). */
export function searchFigures(label, search, fzf, target) {
	if (fzf.length) {
		figure(`search keystroke → frame, ${label}`, search.times, 'fzf --filter, same names', fzf, target, {incomplete: search.incomplete});
	} else {
		console.log(`search baseline skipped: ${whyNoFzf()}`);
		figure(`search keystroke → frame, ${label}`, search.times, 'one 60 Hz frame', search.times.map(() => 1000 / 60), e => ({target: 'p95 ≤ 16.7 ms (the fzf target needs fzf)', met: e.p95 <= 16.7}), {incomplete: search.incomplete});
	}
}

/** The scroll figures, each beside one 60 Hz frame. */
export function scrollFigures(label, scroll) {
	const frameBudget = Array.from({length: 30}, () => 1000 / 60);
	for (const [name, key] of [['down', '↓'], ['pageDown', 'PgDn'], ['end', 'G']]) {
		figure(`scroll ${key} → frame, ${label}`, scroll[name], 'one 60 Hz frame', frameBudget, e => ({target: 'p95 ≤ 16.7 ms', met: e.p95 <= 16.7}), {incomplete: scroll.incomplete});
	}
}

let fzfMissing = '';
let fzfPath;
/** Debian's fzf, installed here when absent and apt-get can be run; '' (and why, in fzfMissing) when not. */
export function findOrInstallFzf() {
	if (fzfPath !== undefined) return fzfPath;
	const which = () => spawnSync('sh', ['-c', 'command -v fzf']).stdout.toString().trim();
	if (which()) return (fzfPath = which());
	if (process.getuid?.() !== 0 || !spawnSync('sh', ['-c', 'command -v apt-get']).stdout.length) {
		fzfMissing = 'fzf is not installed and this user cannot apt-get it (as root: apt-get install fzf)';
		return (fzfPath = '');
	}
	console.log('installing fzf (apt-get install fzf) for the search baseline');
	const install = spawnSync('sh', ['-c', 'apt-get install -y -qq fzf >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fzf >/dev/null 2>&1)']);
	if (install.status !== 0 || !which()) fzfMissing = 'fzf could not be installed with apt-get (no network to the Debian mirror?)';
	return (fzfPath = which());
}
export const whyNoFzf = () => fzfMissing;

/** `fzf --filter` for each query on the names in `namesFile`: its times, or [] when fzf is missing. */
export function fzfTimes(namesFile, queries) {
	const path = findOrInstallFzf();
	if (!path) return [];
	const names = readFileSync(namesFile);
	return queries.map(query => {
		const started = performance.now();
		spawnSync(path, ['--filter', query], {input: names, maxBuffer: 256 * 2 ** 20});
		return performance.now() - started;
	});
}
