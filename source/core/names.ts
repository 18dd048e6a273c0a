import {forbiddenCharacterProblem} from './characters.js';
import {refused} from './errors.js';

export const NAME_MAX = 100;

/** The seeds' "Key identification": required, 1–100 characters, no control or invisible characters. */
export function validateKeyName(raw: string): string {
	const name = raw.trim();
	if (name.length === 0) return fail('a key name is required');
	const length = [...name].length;
	if (length > NAME_MAX) return fail(`a key name has at most ${NAME_MAX} characters (this one has ${length})`);
	const problem = forbiddenCharacterProblem(name);
	if (problem) return fail(`a key name cannot contain ${problem}`);
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

function fail(message: string): never {
	throw refused(message);
}
