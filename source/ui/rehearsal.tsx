import {render} from 'ink';
import {PassThrough, Writable} from 'node:stream';
import {filterKeyIndex, type KeyIndex} from '../core/query.js';
import type {StoreSnapshot} from '../core/types.js';
import {GeneratedKeys} from './screens/generated-keys.js';
import {ThemeProvider} from './theme.js';

/** Stores from this many keys get a rehearsal; below it even the first keystrokes are quick. */
export const REHEARSAL_MIN_KEYS = 5000;

export interface RehearsalOptions {
	data: StoreSnapshot;
	index: KeyIndex;
	now: number;
	columns: number;
	rows: number;
	bodyHeight: number;
	colour: boolean;
}

/**
 * Searches a person might type in this store: its two commonest letters alone (which mark
 * matches all over the rows, in every style the rows have), then the first letters of a few of
 * its names, one character at a time, so each narrows the last as typing does.
 */
export function rehearsalSearches(index: KeyIndex): string[] {
	const letters = [...(index.postings ?? new Map<number, Int32Array>())]
		.filter(([code]) => code >= 0x61 && code <= 0x7a)
		.sort((a, b) => b[1].length - a[1].length)
		.slice(0, 2)
		.map(([code]) => String.fromCharCode(code));
	const searches: string[] = [...letters];
	for (const at of [0, Math.floor(index.keys.length / 3), Math.floor((2 * index.keys.length) / 3)]) {
		const word = (index.keys[at]?.name ?? '').toLowerCase().match(/[a-z0-9]{3,}/)?.[0] ?? '';
		for (let length = 1; length <= Math.min(6, word.length); length++) searches.push(word.slice(0, length));
	}
	return searches;
}

/**
 * Draws the key table for a few searches into a terminal that shows nothing, once, while the app
 * is idle after reading a large store. A keystroke's work (filtering, building rows, React, Ink's
 * layout and output) runs slowly the first few dozen times, before V8 has compiled it: the first
 * searches of a session took 3 to 9 ms a keystroke, later ones 2 to 3. After the rehearsal the
 * person's first keystrokes find that work compiled. It shares only code and read-only data
 * with the app: its own copy of the index's answer state, its own Ink instance, an output stream
 * that drops everything. Each frame is its own task, so a key typed meanwhile waits for one frame at most.
 */
export async function rehearse(options: RehearsalOptions, stillWanted: () => boolean): Promise<void> {
	const {data, now, columns, rows, bodyHeight, colour} = options;
	// The same lists, its own `last` answer: the app's next search narrows from the app's own.
	const index: KeyIndex = {...options.index, last: undefined};
	const stdout = Object.assign(new Writable({write: (_chunk, _encoding, done) => done()}), {columns, rows, isTTY: true}) as unknown as NodeJS.WriteStream;
	const stdin = Object.assign(new PassThrough(), {isTTY: false}) as unknown as NodeJS.ReadStream;
	const frame = (search: string) => (
		<ThemeProvider colour={colour}>
			<GeneratedKeys data={data} keys={filterKeyIndex(index, {search})} now={now} search={search} searching selectedIndex={0} width={columns} bodyHeight={bodyHeight} />
		</ThemeProvider>
	);
	const instance = render(frame(''), {stdout, stdin, patchConsole: false, exitOnCtrlC: false, maxFps: 1000, incrementalRendering: true});
	try {
		for (let round = 0; round < 2; round++) {
			for (const search of rehearsalSearches(index)) {
				await new Promise(resolve => setTimeout(resolve, 0));
				if (!stillWanted()) return;
				instance.rerender(frame(search));
			}
		}
	} finally {
		instance.unmount();
		instance.cleanup();
	}
}
