import {Readable} from 'node:stream';

// A CSI sequence (ESC [ params final), an SS3 sequence (ESC O x), ESC with one character (Alt+key), a lone ESC, or one character.
const KEY = /\u001b\[[0-?]*[ -/]*[@-~]|\u001bO.|\u001b[^[O]|\u001b|[\s\S]/gu;

const IMMEDIATE_TURNS = 4;

function afterImmediates(turns: number, then: () => void): void {
	if (turns === 0) then();
	else setImmediate(() => afterImmediates(turns - 1, then));
}

/** Splits what a terminal sent into single keypresses, keeping escape sequences whole. */
export function splitKeys(chunk: string): string[] {
	return chunk.match(KEY) ?? [];
}

/**
 * Stands in for stdin so that Ink sees one keypress at a time. A terminal coalesces keys typed
 * faster than a frame ("jj", "\t\r"), and Ink hands such a chunk to handlers as one string that
 * matches no binding. Each key goes out a few turns of setImmediate after the one before: Ink
 * holds a lone Esc for a turn to tell it from the start of an escape sequence, and a key pushed
 * sooner would be read as part of it. (The app takes keys one per frame itself: hooks/use-keys.tsx.)
 */
export interface KeyStream extends NodeJS.ReadStream {
	/** Keeps keys back (they queue) until release(): while the app has drawn only part of its data. */
	hold(): void;
	release(): void;
}

export function keyAtATime(stdin: NodeJS.ReadStream): KeyStream {
	const queue: string[] = [];
	let draining = false;
	let held = false;
	const out = new Readable({objectMode: true, read() {}}) as Readable & Partial<KeyStream>;
	const drain = () => {
		const next = held ? undefined : queue.shift();
		if (next === undefined) {
			draining = false;
			return;
		}
		out.push(next);
		afterImmediates(IMMEDIATE_TURNS, drain);
	};
	const start = () => {
		if (!draining) {
			draining = true;
			drain();
		}
	};
	stdin.setEncoding('utf8');
	stdin.on('data', (chunk: string) => {
		// A loop, not a spread: a large paste is one chunk of any number of keys.
		for (const key of splitKeys(chunk)) queue.push(key);
		start();
	});
	Object.assign(out, {
		hold: () => void (held = true),
		release: () => {
			held = false;
			start();
		},
		isTTY: stdin.isTTY,
		setRawMode: (mode: boolean) => {
			stdin.setRawMode(mode);
			return out;
		},
		setEncoding: () => out,
		ref: () => {
			stdin.ref();
			return out;
		},
		unref: () => {
			stdin.unref();
			return out;
		},
	});
	return out as KeyStream;
}
