import type {Key} from 'ink';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {PASTE_END, PASTE_START, inputSplitter} from '../../source/ui/key-stream.js';
import {editLine, insert, type Line} from '../../source/ui/line-editor.js';

const NO_KEY: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** Keys as Ink reports them for what a terminal sends (Backspace is DEL, which Ink calls `delete`). */
const KEY: Record<string, [string, Partial<Key>]> = {
	'C-a': ['a', {ctrl: true}],
	'C-e': ['e', {ctrl: true}],
	'C-b': ['b', {ctrl: true}],
	'C-f': ['f', {ctrl: true}],
	'C-d': ['d', {ctrl: true}],
	'C-h': ['', {backspace: true}],
	'C-u': ['u', {ctrl: true}],
	'C-k': ['k', {ctrl: true}],
	'C-w': ['w', {ctrl: true}],
	'C-t': ['t', {ctrl: true}],
	'C-y': ['y', {ctrl: true}],
	'C-left': ['', {leftArrow: true, ctrl: true}],
	'C-right': ['', {rightArrow: true, ctrl: true}],
	'M-b': ['b', {meta: true}],
	'M-f': ['f', {meta: true}],
	'M-d': ['d', {meta: true}],
	'M-x': ['x', {meta: true}],
	'M-BSpace': ['', {delete: true, meta: true}],
	BSpace: ['', {delete: true}],
	Home: ['', {home: true}],
	End: ['', {end: true}],
	Left: ['', {leftArrow: true}],
	Right: ['', {rightArrow: true}],
	F1: ['', {}],
	Enter: ['', {return: true}],
	Escape: ['', {escape: true, meta: true}],
	Tab: ['', {tab: true}],
};

/** Applies keys (names above, or literal text) to a line written with `|` for the cursor. */
function edit(shown: string, ...keys: string[]): string {
	let line: Line = {value: shown.replace('|', ''), cursor: [...shown.slice(0, shown.indexOf('|'))].length};
	for (const name of keys) {
		const [input, key] = KEY[name] ?? [name, {}];
		line = editLine(line, input, {...NO_KEY, ...key});
	}
	const chars = [...line.value];
	return [...chars.slice(0, line.cursor), '|', ...chars.slice(line.cursor)].join('');
}

describe('the line editor (readline keys)', () => {
	it('moves to the start and the end', () => {
		expect(edit('acme-prod|', 'C-a')).toBe('|acme-prod');
		expect(edit('acme-prod|', 'Home')).toBe('|acme-prod');
		expect(edit('|acme-prod', 'C-e')).toBe('acme-prod|');
		expect(edit('ac|me', 'End')).toBe('acme|');
	});

	it('moves by a character', () => {
		expect(edit('ab|c', 'Left', 'C-b')).toBe('|abc');
		expect(edit('|abc', 'Right', 'C-f')).toBe('ab|c');
		expect(edit('|abc', 'Left')).toBe('|abc');
		expect(edit('abc|', 'C-f')).toBe('abc|');
	});

	it('moves by a word with Alt-B/Alt-F and Ctrl-←/→, words being letters and digits', () => {
		expect(edit('orders api-v2 read|', 'M-b')).toBe('orders api-v2 |read');
		expect(edit('orders api-v2 read|', 'M-b', 'M-b')).toBe('orders api-|v2 read');
		expect(edit('orders api-v2 read|', 'C-left', 'C-left', 'C-left')).toBe('orders |api-v2 read');
		expect(edit('|orders api-v2', 'M-f')).toBe('orders| api-v2');
		expect(edit('|orders api-v2', 'M-f', 'C-right')).toBe('orders api|-v2');
		expect(edit('|a', 'M-b')).toBe('|a');
		expect(edit('a|', 'M-f')).toBe('a|');
	});

	it('Ctrl-U deletes to the start and Ctrl-K to the end', () => {
		expect(edit('acme-pro|d', 'C-u')).toBe('|d');
		expect(edit('acme|-prod', 'C-k')).toBe('acme|');
		expect(edit('acme|', 'C-u', 'x')).toBe('x|');
	});

	it('Ctrl-W deletes the word before the cursor up to a space; Alt-Backspace up to any non-word character', () => {
		expect(edit('orders api-v2  |', 'C-w')).toBe('orders |');
		expect(edit('orders api-v2|', 'M-BSpace')).toBe('orders api-|');
		expect(edit('orders api-|v2', 'C-w')).toBe('orders |v2');
		expect(edit('|abc', 'C-w', 'M-BSpace')).toBe('|abc');
	});

	it('Backspace and Ctrl-H delete before the cursor, Ctrl-D at it, Alt-D the word after it', () => {
		expect(edit('ab|c', 'BSpace')).toBe('a|c');
		expect(edit('ab|c', 'C-h')).toBe('a|c');
		expect(edit('|abc', 'BSpace')).toBe('|abc');
		expect(edit('a|bc', 'C-d')).toBe('a|c');
		expect(edit('abc|', 'C-d')).toBe('abc|');
		expect(edit('a| bc-d', 'M-d')).toBe('a|-d');
	});

	it('inserts text at the cursor, counting code points', () => {
		expect(edit('ac|', 'Left', 'b')).toBe('ab|c');
		expect(edit('🔑|鍵', 'x')).toBe('🔑x|鍵');
	});

	it('no control or Alt key inserts a letter, nor do keys the dialog takes or escape sequences Ink leaves unnamed', () => {
		for (const name of ['C-t', 'C-y', 'M-x', 'F1', 'Enter', 'Escape', 'Tab']) expect(edit('ab|', name)).toBe('ab|');
		expect(edit('ab|', '[200~', '[1;2P')).toBe('ab|');
	});

	it('drops line breaks, tabs and escapes from inserted text', () => {
		expect(insert({value: 'x', cursor: 1}, 'https://h/c/\r\nabc\t\u001b[31m')).toEqual({value: 'xhttps://h/c/abc[31m', cursor: 20});
	});

	it('any control key leaves the text as it was (property)', () => {
		fc.assert(
			fc.property(fc.string(), fc.nat(), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), (value, at, letter) => {
				const line = {value, cursor: at % ([...value].length + 1)};
				const after = editLine(line, letter, {...NO_KEY, ctrl: true});
				// Only deleting keys may shorten it; none lengthens it.
				return [...after.value].length <= [...value].length && after.cursor >= 0 && after.cursor <= [...after.value].length;
			}),
		);
	});
});

describe('bracketed paste from the terminal', () => {
	it('comes out whole, without control characters, between its markers, however the chunks fall', () => {
		const split = inputSplitter();
		expect(split(`a${PASTE_START}q\r\nn`)).toEqual(['a']);
		expect(split('\u001b[A?')).toEqual([]);
		expect(split(`x${PASTE_END.slice(0, 3)}`)).toEqual([]);
		expect(split(`${PASTE_END.slice(3)}jj`)).toEqual([PASTE_START, 'qn[A?x', PASTE_END, 'j', 'j']);
	});

	it('an empty paste, or one of only line breaks, is nothing', () => {
		expect(inputSplitter()(`${PASTE_START}\r\n${PASTE_END}\u001b[B`)).toEqual(['\u001b[B']);
	});
});
