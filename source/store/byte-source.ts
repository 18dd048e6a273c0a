/**
 * A file's text, read a piece at a time: a string, or for an ASCII file (every file this program
 * writes) its bytes, so no 28 MB string copy of a 100 000-key store is made next to the buffer.
 * The line layout is read from the bytes themselves; this serves the parsing and the checks.
 */
export interface Source {
	readonly length: number;
	/** The character code at `at` (NaN past the end). */
	code(at: number): number;
	find(needle: string, from?: number): number;
	text(start: number, end?: number): string;
}

export const stringSource = (text: string): Source => ({
	length: text.length,
	code: at => text.charCodeAt(at),
	find: (needle, from) => text.indexOf(needle, from),
	text: (start, end) => text.slice(start, end),
});

/** Needles as bytes, made once: Buffer.indexOf would otherwise encode a string needle on every call. */
const needleBytes = new Map<string, Buffer | number>();
const asNeedle = (needle: string) => {
	let bytes = needleBytes.get(needle);
	if (bytes === undefined) needleBytes.set(needle, (bytes = needle.length === 1 ? needle.charCodeAt(0) : Buffer.from(needle, 'latin1')));
	return bytes;
};

export const bytesSource = (bytes: Buffer): Source => ({
	length: bytes.length,
	code: at => bytes[at] ?? Number.NaN,
	find: (needle, from) => bytes.indexOf(asNeedle(needle), from),
	text: (start, end = bytes.length) => bytes.toString('latin1', start, end),
});

/** Whether the ASCII `prefix` is at `at` in `bytes`, compared in place. */
export function startsWith(bytes: Buffer, prefix: string, at: number): boolean {
	for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix.charCodeAt(i)) return false;
	return true;
}

const FORBIDDEN_NAMES = ['"__proto__"', '"constructor"', '"prototype"'];
const JSON_SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Where the first property named __proto__, constructor or prototype is, or -1 (the text is valid JSON). */
export function forbiddenName(source: Source): number {
	let first = -1;
	for (const name of FORBIDDEN_NAMES) {
		for (let at = source.find(name); at >= 0 && (first < 0 || at < first); at = source.find(name, at + 1)) {
			let next = at + name.length;
			while (JSON_SPACE.has(source.code(next))) next++;
			// In valid JSON a string followed by a colon is a property name (inside a string the quotes are escaped).
			if (source.code(next) === 0x3a) {
				first = at;
				break;
			}
		}
	}
	return first;
}
