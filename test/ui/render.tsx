import {render as inkRender} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {ThemeProvider} from '../../source/ui/theme.js';

/** Strips colour and style sequences, leaving what a person reads. */
export const plain = (frame: string | undefined) => (frame ?? '').replace(/\u001b\[[0-9;]*m/g, '');

export const KEYS = {
	up: '\u001b[A',
	down: '\u001b[B',
	right: '\u001b[C',
	left: '\u001b[D',
	pageDown: '\u001b[6~',
	pageUp: '\u001b[5~',
	home: '\u001b[H',
	end: '\u001b[F',
	enter: '\r',
	escape: '\u001b',
	tab: '\t',
	shiftTab: '\u001b[Z',
	space: ' ',
	backspace: '\u007f',
	ctrlC: '\u0003',
};

/**
 * ink-testing-library with a terminal size: it fixes 100 columns and no rows, so the helper
 * sets both on its stdout and announces a resize, as a terminal would.
 */
export function renderSized(tree: ReactElement, size: {columns: number; rows: number}, options: {colour?: boolean} = {}) {
	// Mount nothing first, size the fake terminal, then mount the tree: its first frame has the size.
	const instance = inkRender(<></>);
	const stdout = instance.stdout as unknown as NodeJS.WriteStream & {emit(event: string): boolean};
	const resize = (columns: number, rows: number) => {
		Object.defineProperty(stdout, 'columns', {value: columns, configurable: true});
		Object.defineProperty(stdout, 'rows', {value: rows, configurable: true});
		stdout.emit('resize');
	};
	resize(size.columns, size.rows);
	instance.rerender(<ThemeProvider colour={options.colour ?? false}>{tree}</ThemeProvider>);
	const frame = () => plain(instance.lastFrame());

	/** Waits until the frame satisfies `check` (polling the frame, not sleeping a fixed time). */
	async function waitFor(check: string | RegExp | ((frame: string) => boolean), timeoutMs = 4000): Promise<string> {
		const test = typeof check === 'function' ? check : (f: string) => (typeof check === 'string' ? f.includes(check) : check.test(f));
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const current = frame();
			if (test(current)) return current;
			if (Date.now() > deadline) throw new Error(`frame never matched ${String(check)}; last frame:\n${current}`);
			await new Promise(resolve => setTimeout(resolve, 10));
		}
	}

	/**
	 * Types keys one at a time, as fast as they come: the app handles each within the write. Only a
	 * lone Esc waits one turn, as Ink does to tell it from the start of an escape sequence.
	 */
	async function press(...keys: string[]) {
		for (const key of keys) {
			instance.stdin.write(key);
			if (key === KEYS.escape) await new Promise(resolve => setImmediate(resolve));
		}
	}

	return {...instance, frame, waitFor, press, resize};
}
