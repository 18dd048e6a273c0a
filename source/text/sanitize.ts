import {replaceUnsafe} from '../core/characters.js';

/**
 * The one place untrusted text (names, appKeys, roles, operator names, anything read from a
 * file or typed) becomes printable. Controls, ESC (and so every CSI/OSC sequence), bidi and
 * other format characters, invisible fillers, private-use and unassigned code points, lone
 * surrogates and combining marks past the fourth in a row are shown escaped, never sent to the
 * terminal (source/core/characters.ts has the classes).
 */
const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e'};

const escapeOne = (char: string) => {
	const named = NAMED[char];
	if (named) return named;
	const code = char.codePointAt(0)!;
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
};

export function sanitize(text: string): string {
	return replaceUnsafe(text, escapeOne);
}

const jsonEscape = (char: string) =>
	Array.from({length: char.length}, (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

// Line breaks are JSON.stringify's own layout: inside strings it has escaped every C0 control.
const JSON_RUNS = /[^\x20-\x7e\n]+/g;

/**
 * JSON text with every character the sanitizer escapes written as \uXXXX (JSON.stringify escapes
 * only C0 and lone surrogates), so it parses to the same values and prints nothing hidden.
 */
export function jsonText(value: unknown): string {
	return replaceUnsafe(JSON.stringify(value, null, 2), jsonEscape, JSON_RUNS);
}
