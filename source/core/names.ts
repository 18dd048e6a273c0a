import {refused} from './errors.js';

export const NAME_MAX = 100;

// C0, DEL, C1, bidi embeddings/overrides/isolates, zero-width and line/paragraph separators.
const FORBIDDEN_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/** The seeds' "Key identification": required, 1–100 characters, no control or invisible characters. */
export function validateKeyName(raw: string): string {
	const name = raw.trim();
	if (name.length === 0) return fail('a key name is required');
	const length = [...name].length;
	if (length > NAME_MAX) return fail(`a key name has at most ${NAME_MAX} characters (this one has ${length})`);
	if (FORBIDDEN_IN_NAME.test(name)) return fail('a key name cannot contain control, bidi or zero-width characters');
	return name;
}

/** The same check as a message, for validation while typing; null when valid. */
export function keyNameProblem(raw: string): string | null {
	try {
		validateKeyName(raw);
		return null;
	} catch (error) {
		return (error as Error).message;
	}
}

export const hasForbiddenCharacters = (text: string) => FORBIDDEN_IN_NAME.test(text);

function fail(message: string): never {
	throw refused(message);
}
