/**
 * Finds where a JSON text first goes wrong. JSON.parse's own messages are inconsistent and can
 * quote the file's content; this names only the position and the kind of problem. It runs only
 * after JSON.parse has already failed.
 */
export interface JsonProblem {
	offset: number;
	line: number;
	column: number;
	problem: string;
}

class Stop extends Error {
	constructor(
		readonly offset: number,
		readonly problem: string,
	) {
		super(problem);
	}
}

export function locateJsonError(text: string): JsonProblem {
	let offset = 0;
	let problem = 'is not valid JSON';
	try {
		scan(text);
	} catch (error) {
		if (error instanceof Stop) {
			offset = error.offset;
			problem = error.problem;
		} else if (error instanceof RangeError) {
			problem = 'nests too deeply';
		} else throw error;
	}
	return {offset, ...lineColumn(text, offset), problem};
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	for (let i = 0; i < offset && i < text.length; i++) {
		if (text.charCodeAt(i) === 10) {
			line++;
			lineStart = i + 1;
		}
	}
	return {line, column: offset - lineStart + 1};
}

const describe = (char: string | undefined) => {
	if (char === undefined) return 'the file ends too early';
	const code = char.codePointAt(0)!;
	if (code === 0xfeff) return 'a byte-order mark is not allowed';
	return code < 0x20 || code === 0x7f ? `unexpected control character U+${code.toString(16).padStart(4, '0')}` : `unexpected character U+${code.toString(16).padStart(4, '0')}`;
};

function scan(text: string): void {
	let i = 0;
	const ws = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
	};
	const expect = (literal: string) => {
		for (const char of literal) {
			if (text[i] !== char) throw new Stop(i, describe(text[i]));
			i++;
		}
	};
	const str = () => {
		expect('"');
		for (;;) {
			const char = text[i];
			if (char === undefined) throw new Stop(i, 'a string is not closed before the end of the file');
			if (char === '"') {
				i++;
				return;
			}
			if (char.charCodeAt(0) < 0x20) throw new Stop(i, describe(char));
			if (char === '\\') {
				const next = text[i + 1];
				if (next === 'u') {
					if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'a \\u escape needs four hex digits');
					i += 6;
				} else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
				else throw new Stop(i, 'an unknown escape in a string');
			} else i++;
		}
	};
	const num = () => {
		const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
		if (!match) throw new Stop(i, describe(text[i]));
		i += match[0].length;
	};
	const value = (): void => {
		ws();
		const char = text[i];
		if (char === '{') {
			i++;
			ws();
			if (text[i] === '}') {
				i++;
				return;
			}
			for (;;) {
				ws();
				if (text[i] !== '"') throw new Stop(i, text[i] === undefined ? describe(undefined) : 'expected a quoted property name');
				str();
				ws();
				if (text[i] !== ':') throw new Stop(i, text[i] === undefined ? describe(undefined) : "expected ':' after a property name");
				i++;
				value();
				ws();
				if (text[i] === ',') {
					i++;
					continue;
				}
				if (text[i] === '}') {
					i++;
					return;
				}
				throw new Stop(i, text[i] === undefined ? describe(undefined) : "expected ',' or '}'");
			}
		}
		if (char === '[') {
			i++;
			ws();
			if (text[i] === ']') {
				i++;
				return;
			}
			for (;;) {
				value();
				ws();
				if (text[i] === ',') {
					i++;
					continue;
				}
				if (text[i] === ']') {
					i++;
					return;
				}
				throw new Stop(i, text[i] === undefined ? describe(undefined) : "expected ',' or ']'");
			}
		}
		if (char === '"') return str();
		if (char === 't') return expect('true');
		if (char === 'f') return expect('false');
		if (char === 'n') return expect('null');
		if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return num();
		throw new Stop(i, text.length === 0 ? 'the file is empty' : describe(char));
	};
	value();
	ws();
	if (i < text.length) throw new Stop(i, 'unexpected data after the end of the JSON value');
}
