import type {Key} from 'ink';

/** A one-line field: its text and where the cursor is, counted in code points. */
export interface Line {
	value: string;
	cursor: number;
}

/** The keys a field leaves to the dialog or table around it (submit, cancel, move between fields). */
export function isFieldKey(input: string, key: Key): boolean {
	return !(key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || (key.ctrl && input === 'c'));
}

// Readline's two notions of a word: Ctrl-W stops at spaces, the Alt keys at anything not a letter or digit.
const isSpace = (char: string) => /\s/u.test(char);
const isWordChar = (char: string) => /[\p{L}\p{N}]/u.test(char);

function wordStart(chars: string[], from: number, inWord: (char: string) => boolean): number {
	let at = from;
	while (at > 0 && !inWord(chars[at - 1]!)) at--;
	while (at > 0 && inWord(chars[at - 1]!)) at--;
	return at;
}

function wordEnd(chars: string[], from: number): number {
	let at = from;
	while (at < chars.length && !isWordChar(chars[at]!)) at++;
	while (at < chars.length && isWordChar(chars[at]!)) at++;
	return at;
}

// What Ink leaves of an escape sequence it has no name for (ESC stripped): "[200~", "[1;2P".
const UNNAMED_SEQUENCE = /^\[[\d;]*[~A-Za-z]$/;

/** Text as a one-line field takes it: control characters (line breaks, tabs, escapes) are dropped. */
export const printable = (text: string) => text.replace(/\p{Cc}/gu, '');

/** Puts `text` at the cursor (typed or pasted); control characters in it are dropped. */
export function insert(line: Line, text: string): Line {
	const chars = [...line.value];
	const cursor = Math.min(line.cursor, chars.length);
	const added = [...printable(text)];
	return {value: [...chars.slice(0, cursor), ...added, ...chars.slice(cursor)].join(''), cursor: cursor + added.length};
}

const cut = (chars: string[], from: number, to: number, cursor: number): Line => ({value: [...chars.slice(0, from), ...chars.slice(to)].join(''), cursor});

/** Backspace: deletes the character before the cursor. */
export function deleteBefore(line: Line): Line {
	const chars = [...line.value];
	const cursor = Math.min(Math.max(0, line.cursor), chars.length);
	return cursor === 0 ? {value: line.value, cursor} : cut(chars, cursor - 1, cursor, cursor - 1);
}

/**
 * One key applied to a field, as readline does: Ctrl-A/Home, Ctrl-E/End, Ctrl-B/F and ←/→,
 * Alt-B/Alt-F (and Ctrl/Alt-←/→) by word, Backspace/Ctrl-H, Delete/Ctrl-D, Ctrl-U and Ctrl-K (to
 * the start, to the end), Ctrl-W (the word before, up to a space), Alt-Backspace and Alt-D (by
 * word). Plain text is inserted; any other control or Alt key changes nothing.
 */
export function editLine(line: Line, input: string, key: Key): Line {
	const chars = [...line.value];
	const cursor = Math.min(Math.max(0, line.cursor), chars.length);
	const at = (position: number): Line => ({value: line.value, cursor: position});
	const ctrl = (letter: string) => key.ctrl && !key.meta && input === letter;
	const meta = (letter: string) => key.meta && !key.ctrl && input === letter;

	// Ink reports Backspace (DEL) as `delete` and Ctrl-H as `backspace`; Alt-Backspace is DEL with meta.
	if ((key.delete || key.backspace) && key.meta) return cut(chars, wordStart(chars, cursor, isWordChar), cursor, wordStart(chars, cursor, isWordChar));
	if (key.delete || key.backspace || ctrl('h')) return deleteBefore({value: line.value, cursor});
	if (key.home || ctrl('a')) return at(0);
	if (key.end || ctrl('e')) return at(chars.length);
	if ((key.leftArrow && (key.ctrl || key.meta)) || meta('b')) return at(wordStart(chars, cursor, isWordChar));
	if ((key.rightArrow && (key.ctrl || key.meta)) || meta('f')) return at(wordEnd(chars, cursor));
	if (key.leftArrow || ctrl('b')) return at(Math.max(0, cursor - 1));
	if (key.rightArrow || ctrl('f')) return at(Math.min(chars.length, cursor + 1));
	if (ctrl('d')) return cut(chars, cursor, Math.min(chars.length, cursor + 1), cursor);
	if (ctrl('u')) return cut(chars, 0, cursor, 0);
	if (ctrl('k')) return cut(chars, cursor, chars.length, cursor);
	if (ctrl('w')) {
		const start = wordStart(chars, cursor, char => !isSpace(char));
		return cut(chars, start, cursor, start);
	}
	if (meta('d')) return cut(chars, cursor, wordEnd(chars, cursor), cursor);
	// Every other control or Alt combination, keys with no text (F-keys, Insert) and escape sequences Ink did not name leave the field as it is.
	if (key.ctrl || key.meta || input.length === 0 || !isFieldKey(input, key) || UNNAMED_SEQUENCE.test(input)) return {value: line.value, cursor};
	return insert({value: line.value, cursor}, input);
}
