import stringWidth from 'string-width';
import {jsonText, sanitize} from '../text/sanitize.js';

export interface Output {
	out(line?: string): void;
	json(value: unknown): void;
}

export function streamOutput(stream: NodeJS.WritableStream): Output {
	return {
		out: (line = '') => stream.write(`${line}\n`),
		json: value => stream.write(`${jsonText(value)}\n`),
	};
}

/** A plain aligned table; every cell goes through the sanitizer, widths count display cells. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
	const cells = rows.map(row => row.map(cell => sanitize(cell)));
	const widths = headers.map((header, column) =>
		// A loop, not a spread: a spread of 120 000 rows into Math.max overflows the call stack.
		cells.reduce((widest, row) => Math.max(widest, stringWidth(row[column] ?? '')), stringWidth(header)),
	);
	const line = (row: readonly string[]) =>
		row
			.map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - stringWidth(cell))))
			.join('  ')
			.trimEnd();
	return [line(headers), ...cells.map(line)];
}
