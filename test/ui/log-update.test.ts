import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import xterm from '@xterm/headless';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import incrementalLogUpdate, {type LogUpdate} from '../../source/ui/ink/log-update.js';

// Ink's own log-update, loaded from its file (the package exports only its entry point).
const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));
const {default: inkLogUpdate} = (await import(pathToFileURL(join(inkBuild, 'log-update.js')).href)) as {default: {create(stream: {write(text: string): unknown}, options?: {incremental?: boolean}): LogUpdate}};

const COLUMNS = 24;
const ROWS = 12;

/** A headless terminal and a log-update writing to it. */
function screen(make: (stream: {write(text: string): unknown}) => LogUpdate) {
	// convertEol: a newline also returns to the line's start, as a pseudo-terminal's output processing makes it.
	const term = new xterm.Terminal({cols: COLUMNS, rows: ROWS, allowProposedApi: true, convertEol: true});
	let pending = Promise.resolve();
	const stream = {write: (text: string) => (pending = pending.then(() => new Promise<void>(resolve => term.write(text, resolve))))};
	const log = make(stream);
	/**
	 * What a person sees, each cell's character and style, and the cursor's line (the next frame
	 * starts from it; its column does not matter, as every line is written from its start).
	 */
	const snapshot = async () => {
		await pending;
		const buffer = term.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < ROWS; y++) {
			const line = buffer.getLine(buffer.viewportY + y);
			let text = '';
			for (let x = 0; x < COLUMNS; x++) {
				const cell = line?.getCell(x);
				text += cell ? `${cell.getChars() || ' '}${cell.getFgColor()}${cell.isBold() ? 'b' : ''}${cell.isInverse() ? 'i' : ''}|` : '?|';
			}
			lines.push(text);
		}
		return {lines, cursorLine: buffer.cursorY};
	};
	return {log, snapshot};
}

const word = fc.constantFrom('key', 'name', '│ row │', '\u001b[31mred\u001b[39m', '\u001b[1mbold\u001b[22m', '\u001b[7m▶ sel ◀\u001b[27m', '', 'x');
const line = fc.array(word, {maxLength: 3}).map(parts => parts.join(' '));
/** Frames as Ink hands them over: lines, ending in a newline unless they fill the terminal. */
const frame = fc.record({lines: fc.array(line, {minLength: 1, maxLength: ROWS - 2}), newline: fc.boolean()}).map(f => f.lines.join('\n') + (f.newline ? '\n' : ''));

describe('the incremental log-update', () => {
	it('leaves the screen exactly as Ink’s standard renderer does, frame after frame', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(frame, {minLength: 1, maxLength: 8}), async frames => {
				const standard = screen(stream => inkLogUpdate.create(stream));
				const incremental = screen(stream => incrementalLogUpdate.create(stream, {incremental: true}));
				for (const text of frames) {
					standard.log(text);
					incremental.log(text);
					expect(await incremental.snapshot()).toEqual(await standard.snapshot());
				}
			}),
			{numRuns: 150},
		);
	});

	it('writes only the lines that changed', () => {
		const written: string[] = [];
		const log = incrementalLogUpdate.create({write: text => written.push(text)}, {incremental: true});
		const rows = Array.from({length: 30}, (_, i) => `│ row ${i} │`);
		log(`${rows.join('\n')}\n`);
		written.length = 0;
		rows[7] = '│ row 7, changed │';
		log(`${rows.join('\n')}\n`);
		const output = written.join('');
		expect(output).toContain('│ row 7, changed │');
		expect(output).not.toContain('│ row 6 │');
		expect(output.length).toBeLessThan(120);
	});

	it('is needed: Ink 6.8’s own incremental renderer draws a frame after one ending in a newline a row too low', async () => {
		const standard = screen(stream => inkLogUpdate.create(stream));
		const inks = screen(stream => inkLogUpdate.create(stream, {incremental: true}));
		for (const text of ['one\ntwo\n', 'one\nthree\n']) {
			standard.log(text);
			inks.log(text);
		}
		expect((await inks.snapshot()).lines).not.toEqual((await standard.snapshot()).lines);
	});
});

describe('the incremental log-update after a resize', () => {
	/** What a terminal of the stream's size shows, row by row. */
	async function rows(term: xterm.Terminal, pending: Promise<void>) {
		await pending;
		const buffer = term.buffer.active;
		return Array.from({length: term.rows}, (_, y) => buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
	}

	it('writes the first frame at a new size whole from the top-left, over a cleared screen', async () => {
		const term = new xterm.Terminal({cols: 30, rows: 8, allowProposedApi: true, convertEol: true});
		let pending = Promise.resolve();
		const stream = {columns: 30, rows: 8, write: (text: string) => (pending = pending.then(() => new Promise<void>(resolve => term.write(text, resolve))))};
		const log = incrementalLogUpdate.create(stream, {incremental: true});
		const wide = ['title line', '┌────────────────────────────┐', '│ a row as wide as the screen │', '└────────────────────────────┘', 'footer: ? help  q quit'];
		log(`${wide.join('\n')}\n`);
		await pending;
		// Narrower: the terminal cuts the old frame, and the cursor is no longer where the renderer left it.
		term.resize(20, 8);
		stream.columns = 20;
		term.write('\u001b[2;3H');
		// Ink draws the tree laid out for the old width once more, then the app's frame for the new width.
		log(`${wide.join('\n')}\n`);
		const narrow = ['title line', '┌──────────────────┐', '│ a narrower row   │', '└──────────────────┘', 'footer: ? help'];
		log(`${narrow.join('\n')}\n`);
		expect(await rows(term, pending)).toEqual([...narrow, '', '', '']);
		// The next frame goes line by line again, onto the repainted one.
		narrow[2] = '│ a changed row    │';
		log(`${narrow.join('\n')}\n`);
		expect(await rows(term, pending)).toEqual([...narrow, '', '', '']);
	});
});
