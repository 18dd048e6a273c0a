/**
 * Characters that are invisible, reorder or hide text, or draw unpredictably: refused in key and
 * role names (logins and appKeys are ASCII only), escaped on the screen and in JSON output.
 * Controls (C0, DEL, C1), format characters (bidi controls, zero-width joiners, tags…), private
 * use, unassigned code points and lone surrogates, line and paragraph separators, every
 * default-ignorable code point (soft hyphen, Hangul fillers U+115F U+1160 U+3164 U+FFA0…) and
 * variation selectors.
 */
// U+2800 BRAILLE PATTERN BLANK draws as a space but is a symbol (So), not default-ignorable.
const UNSAFE_CLASS = String.raw`\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800`;

/** The most combining marks allowed on one character: enough for any script, too few to smear rows. */
export const MAX_COMBINING_MARKS = 4;

const COMBINING = String.raw`[\p{Mn}\p{Me}]`;

const UNSAFE_CHARACTER = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
const LONG_COMBINING_RUN = new RegExp(`${COMBINING}{${MAX_COMBINING_MARKS + 1},}`, 'u');

/** Each unsafe character, and each combining mark past the allowed run; only ever run on non-ASCII text. */
const UNSAFE_CHARACTERS = new RegExp(`[${UNSAFE_CLASS}]|(?<=${COMBINING}{${MAX_COMBINING_MARKS}})${COMBINING}`, 'gu');

// Most text is printable ASCII: finding the rest is far cheaper than running the classes above
// over everything (V8 also builds them from ICU's tables on first use, a few ms).
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]+/g;

/**
 * `text` with each unsafe character (and each combining mark past the allowed run) replaced by
 * `escape(character)`; `runs` finds the stretches that may hold one (by default all but printable ASCII).
 */
export function replaceUnsafe(text: string, escape: (char: string) => string, runs = NOT_PRINTABLE_ASCII): string {
	if (text.search(runs) < 0) return text;
	let replaced = '';
	let end = 0;
	for (const run of text.matchAll(runs)) {
		replaced += text.slice(end, run.index) + run[0].replace(UNSAFE_CHARACTERS, escape);
		end = run.index + run[0].length;
	}
	return replaced + text.slice(end);
}

/** U+XXXX for a code point, as Unicode names it. */
const codePointLabel = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What makes `text` unfit for a key or role name, to follow "cannot contain"; null when nothing does. */
export function forbiddenCharacterProblem(text: string): string | null {
	if (PRINTABLE_ASCII.test(text)) return null;
	const unsafe = UNSAFE_CHARACTER.exec(text);
	if (unsafe) return `${codePointLabel(unsafe[0])} (not a printable character)`;
	if (LONG_COMBINING_RUN.test(text)) return `more than ${MAX_COMBINING_MARKS} combining marks in a row`;
	return null;
}
