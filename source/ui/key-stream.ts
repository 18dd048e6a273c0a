import {Readable} from 'node:stream';

// A CSI sequence (ESC [ params final), an SS3 sequence (ESC O x), ESC with one character (Alt+key), a lone ESC, or one character.
const KEY = /\u001b\[[0-?]*[ -/]*[@-~]|\u001bO.|\u001b[^[O]|\u001b|[\s\S]/gu;

const IMMEDIATE_TURNS = 4;

function afterImmediates(turns: number, then: () => void): void {
	if (turns === 0) then();
	else setImmediate(() => afterImmediates(turns - 1, then));
}

/** The Delete key (ESC [ 3 ~). Ink reports it as it reports Backspace, so it goes on as Ctrl-D, readline's delete-forward. */
const DELETE_KEY = '\u001b[3~';
const CTRL_D = '\u0004';

/** Splits what a terminal sent into single keypresses, keeping escape sequences whole. */
export function splitKeys(chunk: string): string[] {
	return (chunk.match(KEY) ?? []).map(key => (key === DELETE_KEY ? CTRL_D : key));
}

/** Bracketed paste (enabled by ESC[?2004h): the terminal sends a paste between these two. */
export const PASTE_START = '\u001b[200~';
export const PASTE_END = '\u001b[201~';

/**
 * Splits terminal input into keys and pastes, across chunks: a paste comes out whole, as
 * PASTE_START, its text without control characters (line breaks, escapes), and PASTE_END.
 */
export function inputSplitter(): (chunk: string) => string[] {
	let paste: string | null = null;
	return chunk => {
		const items: string[] = [];
		let rest = chunk;
		while (rest) {
			if (paste === null) {
				const start = rest.indexOf(PASTE_START);
				// A loop, not a spread: typed-ahead text outside a paste can be any length.
				for (const key of splitKeys(start === -1 ? rest : rest.slice(0, start))) items.push(key);
				if (start === -1) break;
				paste = '';
				rest = rest.slice(start + PASTE_START.length);
				continue;
			}
			paste += rest;
			rest = '';
			const end = paste.indexOf(PASTE_END);
			if (end === -1) break;
			const text = paste.slice(0, end).replace(/\p{Cc}/gu, '');
			if (text) items.push(PASTE_START, text, PASTE_END);
			rest = paste.slice(end + PASTE_END.length);
			paste = null;
		}
		return items;
	};
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
	const split = inputSplitter();
	stdin.setEncoding('utf8');
	stdin.on('data', (chunk: string) => {
		// A loop, not a spread: a large paste is one chunk of any number of keys.
		for (const key of split(chunk)) queue.push(key);
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
