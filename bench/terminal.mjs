// The pty driver: programs in a pseudo-terminal, their screen read through a headless xterm, and
// the timed interactions (first frame, search, scroll, peak memory) both stores' figures use.
import {readFileSync} from 'node:fs';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import {TimedOut} from './measure.mjs';

/** Programs still running: killed if the bench stops early, so none is left behind. */
const running = new Set();
process.on('exit', () => {
	for (const child of running) child.kill('SIGKILL');
});

/**
 * A program in a pseudo-terminal whose screen is read through a headless xterm. `env` is added to
 * PATH, HOME and TERM (APIKEYS_OPERATOR for a file store, PG* for PostgreSQL).
 */
export function terminal(args, {columns = 120, rows = 40, env = {}} = {}) {
	const term = new xterm.Terminal({cols: columns, rows, allowProposedApi: true});
	const started = performance.now();
	const child = pty.spawn(process.execPath, args, {name: 'xterm-256color', cols: columns, rows, env: {PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...env, ...(process.env.BENCH_NO_COLOR ? {NO_COLOR: '1'} : {})}});
	running.add(child);
	// A frame's time is when its last bytes arrived from the pseudo-terminal; the headless terminal
	// then parses them (asynchronously, in its own time) so the screen can be checked.
	let changed = () => undefined;
	child.onData(data => {
		const arrived = performance.now();
		term.write(data, () => changed(arrived));
	});
	const screen = () => {
		const buffer = term.buffer.active;
		const lines = [];
		for (let y = 0; y < rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines.join('\n');
	};
	/** Resolves with the time (from `since`) when the screen first satisfies `test`; rejects with TimedOut after `timeoutMs`. */
	const when = (test, since, timeoutMs = 60_000) =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				changed = () => undefined;
				reject(new TimedOut(`timed out after ${Math.round(timeoutMs / 1000)} s; screen:\n${screen()}`));
			}, Math.max(0, timeoutMs));
			const check = arrived => {
				if (test(screen())) {
					clearTimeout(timer);
					changed = () => undefined;
					resolve(Math.max(0, arrived - since));
				}
			};
			changed = check;
			check(performance.now());
		});
	const exited = new Promise(resolve => child.onExit(resolve));
	/** Ends the program and waits until it is gone, so it takes no CPU from the next measurement. */
	const kill = async () => {
		child.kill('SIGKILL');
		await exited;
		running.delete(child);
	};
	return {child, screen, when, started, pid: child.pid, type: text => child.write(text), kill};
}

/** The peak resident memory of a running process, in MiB. */
export const peakMiB = pid => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * The time from start to a first frame that shows `text`, or null when none came within `timeoutMs`.
 * `settled` is awaited once the program is gone (a database finishing what it was sending).
 */
export async function firstFrame(args, text, {env, timeoutMs, settled} = {}) {
	const t = terminal(args, {env});
	let time = null;
	try {
		time = await t.when(screen => (typeof text === 'function' ? text(screen) : screen.includes(text)), t.started, timeoutMs);
	} catch (error) {
		if (!(error instanceof TimedOut)) throw error;
	}
	// The app goes on reading the store after its first frame: it is stopped and gone before the next start.
	await t.kill();
	await settled?.();
	await new Promise(resolve => setTimeout(resolve, 50));
	return time;
}

/**
 * Types each query a character at a time, `rounds` times over, in a running app showing `total`
 * keys; the time of each frame that shows the query's matches (`matches(query)`, worked out before
 * typing, so the bench takes no CPU from the app between keystrokes). Stops at `until` (a deadline).
 */
export async function searchKeystrokes(app, {queries, rounds, total, matches, until}) {
	const times = [];
	const search = async query => {
		const expected = [...query].map((_, i) => `${matches(query.slice(0, i + 1))} of ${total} keys`);
		await new Promise(resolve => setTimeout(resolve, 50));
		app.type('/');
		await app.when(screen => screen.includes('Enter keep filter'), performance.now(), until.left());
		let typed = '';
		for (const [i, char] of [...query].entries()) {
			typed += char;
			const since = performance.now();
			app.type(char);
			times.push(await app.when(screen => screen.includes(expected[i]) && screen.includes(`search: ${typed}`), since, until.left()));
			if (process.env.BENCH_VERBOSE) console.log(`search ${typed}: ${times.at(-1).toFixed(2)} ms`);
		}
		app.type('\u001b');
		await app.when(screen => !screen.includes('search:'), performance.now(), until.left());
	};
	try {
		// Every keystroke counts, from the first of the session: no warm-up search is left out.
		for (let round = 0; round < rounds; round++) for (const query of queries) await search(query);
		return {times, incomplete: ''};
	} catch (error) {
		if (!(error instanceof TimedOut)) throw error;
		return {times, incomplete: `stopped at the time limit of ${Math.round(until.limit / 1000)} s`};
	}
}

const selectedLine = screen => screen.split('\n').find(line => line.startsWith('▶')) ?? '';
const atTop = screen => {
	const lines = screen.split('\n');
	return (lines[lines.findIndex(line => line.startsWith('├')) + 1] ?? '').startsWith('▶');
};

/** 30 rounds of ↓, PgDn and G from the top (so the p95 is not simply the slowest of a handful); stops at `until`. */
export async function scrollRounds(app, until) {
	const scroll = {down: [], pageDown: [], end: []};
	try {
		for (let i = 0; i < 30; i++) {
			app.type('g');
			await app.when(atTop, performance.now(), until.left());
			for (const [name, key] of [['down', '\u001b[B'], ['pageDown', '\u001b[6~'], ['end', 'G']]) {
				await new Promise(resolve => setTimeout(resolve, 20));
				const before = selectedLine(app.screen());
				const since = performance.now();
				app.type(key);
				scroll[name].push(await app.when(screen => selectedLine(screen) !== before, since, until.left()));
			}
		}
		return {...scroll, incomplete: ''};
	} catch (error) {
		if (!(error instanceof TimedOut)) throw error;
		return {...scroll, incomplete: `stopped at the time limit of ${Math.round(until.limit / 1000)} s`};
	}
}

/** The bare Ink hello-world's peak memory, the baseline of the app's. */
export async function helloPeakMiB(hello) {
	const t = terminal([hello]);
	await t.when(screen => screen.includes('Hello'), t.started);
	const peak = peakMiB(t.pid);
	await t.kill();
	return peak;
}
