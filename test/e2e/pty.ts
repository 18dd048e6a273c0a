import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import {CLI} from '../helpers.js';

export const KEY = {
	enter: '\r',
	escape: '\u001b',
	tab: '\t',
	shiftTab: '\u001b[Z',
	up: '\u001b[A',
	down: '\u001b[B',
	space: ' ',
	ctrlC: '\u0003',
};

/**
 * The built program in a real pseudo-terminal, its output fed to a headless xterm so the test
 * reads the screen a person would see.
 */
export function startTui(args: string[], options: {columns: number; rows: number; env?: Record<string, string>; command?: string[]}) {
	const terminal = new xterm.Terminal({cols: options.columns, rows: options.rows, allowProposedApi: true});
	let raw = '';
	let exit: {code: number; signal?: number} | null = null;
	const [file, ...commandArgs] = options.command ?? [process.execPath, CLI, ...args];
	const child = pty.spawn(file!, commandArgs, {
		name: 'xterm-256color',
		cols: options.columns,
		rows: options.rows,
		env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', APIKEYS_OPERATOR: 'alice', ...options.env},
	});
	child.onData(data => {
		raw += data;
		terminal.write(data);
	});
	child.onExit(({exitCode, signal}) => {
		exit = {code: exitCode, signal};
	});

	/** The visible screen, one string per row, trailing spaces trimmed. */
	const screen = () => {
		const buffer = terminal.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < options.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return lines.join('\n');
	};

	async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			// Let xterm finish parsing what has arrived before looking.
			await new Promise<void>(resolve => terminal.write('', resolve));
			const value = probe();
			if (value) return value;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
			await new Promise(resolve => setTimeout(resolve, 20));
		}
	}

	/** Waits until the screen shows `text` (or matches). */
	async function waitFor(text: string | RegExp, timeoutMs?: number): Promise<string> {
		return until(() => {
			const current = screen();
			return (typeof text === 'string' ? current.includes(text) : text.test(current)) && current;
		}, String(text), timeoutMs);
	}

	/**
	 * Types keys as fast as they come: the app takes them one at a time (source/ui/key-stream.ts).
	 * A lone Esc followed at once by a key is what a terminal sends for Alt+key, so Esc goes last.
	 */
	async function type(...keys: string[]) {
		if (keys.slice(0, -1).includes('\u001b')) throw new Error('type Esc last, and wait for its frame before typing on');
		child.write(keys.join(''));
	}

	const exited = () => until(() => exit ?? undefined, 'the program to exit');

	return {screen, waitFor, type, exited, raw: () => raw, kill: (signal?: string) => child.kill(signal), pid: child.pid};
}
