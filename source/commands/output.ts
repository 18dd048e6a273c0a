import stringWidth from 'string-width';
import {jsonText, sanitize} from '../text/sanitize.js';

export interface Output {
	out(line?: string): void;
	json(value: unknown): void;
	/** Text as it is; resolves when the stream can take more (a long listing waits for its reader). */
	raw(text: string): Promise<void>;
}

export function streamOutput(stream: NodeJS.WritableStream): Output {
	return {
		out: (line = '') => stream.write(`${line}\n`),
		json: value => stream.write(`${jsonText(value)}\n`),
		raw: text => (stream.write(text) ? Promise.resolve() : new Promise(resolve => stream.once('drain', () => resolve()))),
	};
}

/** One element of a JSON array printed as `json` prints the whole array: indented one level. */
const jsonElement = (value: unknown) => jsonText(value).replace(/^/gm, '  ');

/**
 * Prints a listing as its batches arrive (a database store sends a million rows in batches): JSON
 * as one array, exactly as `json` prints it whole; a table aligned within each batch, its header
 * once. Each batch waits for the reader to take the one before.
 */
export function batchPrinter(out: Output, json: boolean, headers: readonly string[]) {
	let first = true;
	return {
		batch(rows: ReadonlyArray<{json: unknown; cells: readonly string[]}>): Promise<void> {
			if (rows.length === 0) return Promise.resolve();
			const text = json
				? rows.map((row, i) => `${first && i === 0 ? '[' : ','}\n${jsonElement(row.json)}`).join('')
				: `${renderTable(headers, rows.map(row => row.cells)).slice(first ? 0 : 1).join('\n')}\n`;
			first = false;
			return out.raw(text);
		},
		/** Closes the JSON array; true when the table printed anything. */
		end(): Promise<void> {
			return json ? out.raw(first ? '[]\n' : '\n]\n') : Promise.resolve();
		},
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
