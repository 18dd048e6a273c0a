import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {tokenize} from '@alcalzone/ansi-tokenize';
import FastOutput, {splitSgr} from '../../source/ui/ink/output.js';
import rememberedSanitizeAnsi from '../../source/ui/ink/sanitize-ansi.js';
import measureText from '../../source/ui/ink/measure-text.js';
import widestLine, {Memo, ONE_CELL, displayWidth} from '../../source/ui/ink/width.js';

// Ink's own Output, loaded from its file (the package exports only its entry point).
const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));
const {default: InkOutput} = (await import(pathToFileURL(join(inkBuild, 'output.js')).href)) as {default: typeof FastOutput};
const {default: inkSanitizeAnsi} = (await import(pathToFileURL(join(inkBuild, 'sanitize-ansi.js')).href)) as {default: (text: string) => string};
const {default: inkMeasureText} = (await import(pathToFileURL(join(inkBuild, 'measure-text.js')).href)) as {default: typeof measureText};

type Op =
	| {type: 'write'; x: number; y: number; text: string; upper: boolean}
	| {type: 'clip'; x1?: number; x2?: number; y1?: number; y2?: number}
	| {type: 'unclip'};

const SGR = ['\u001b[1m', '\u001b[22m', '\u001b[2m', '\u001b[31m', '\u001b[39m', '\u001b[7m', '\u001b[27m', '\u001b[38;2;255;135;0m', '\u001b[0m', '\u001b[m', '\u001b[4m', '\u001b[24m', '\u001b[1;33;4m', '\u001b[38;5;208m', '\u001b[90m', '\u001b[44m', '\u001b[49m'];
// Not colour codes: a cursor sequence, a link, a C1 introducer, a stray escape, a mark right after a code.
const OTHER = ['\u001b[?25l', '\u001b]8;;https://example.com\u0007', '\u009b31m', '\u001b', '\u001b[31m\u0301', '\u001b[3x', '\u0007', '\u0085'];
// Colour codes in forms chalk never writes.
const ODD_SGR = ['\u001b[12345m', '\u001b[38:5:208m', '\u001b[;m', '\u001b[1;m', '\u001b[;1m', '\u001b[1;;2m'];
const piece = fc.oneof(
	fc.constantFrom(...SGR),
	fc.constantFrom(...OTHER),
	fc.constantFrom(...ODD_SGR),
	fc.constantFrom('│', '─', '┼', '▶', '◀', '…', '–', '·', '↓', '✓', 'é', '日本', '🔑', '❤️', '🇧🇷', 'e\u0301', ' ', '\n', '!!', 'ﾃ', '\u00ad', '◽'),
	fc.string({unit: fc.constantFrom('a', 'b', 'Z', '0', ' ', '#', '-'), maxLength: 12}),
);
const text = fc.array(piece, {maxLength: 10}).map(parts => parts.join(''));
const op: fc.Arbitrary<Op> = fc.oneof(
	{weight: 6, arbitrary: fc.record({type: fc.constant('write' as const), x: fc.integer({min: -2, max: 30}), y: fc.integer({min: -2, max: 8}), text, upper: fc.boolean()})},
	{
		weight: 1,
		arbitrary: fc.record(
			{type: fc.constant('clip' as const), x1: fc.integer({min: 0, max: 20}), x2: fc.integer({min: 0, max: 30}), y1: fc.integer({min: 0, max: 5}), y2: fc.integer({min: 0, max: 8})},
			{requiredKeys: ['type']},
		),
	},
	{weight: 1, arbitrary: fc.constant({type: 'unclip' as const})},
);

function draw(OutputClass: typeof FastOutput, width: number, height: number, ops: readonly Op[]) {
	const output = new OutputClass({width, height});
	for (const o of ops) {
		if (o.type === 'clip') output.clip(o);
		else if (o.type === 'unclip') output.unclip();
		else output.write(o.x, o.y, o.text, {transformers: o.upper ? [(line: string) => line.toUpperCase()] : []});
	}
	return output.get();
}

describe("the stand-in for Ink's Output", () => {
	it('draws exactly what Ink draws, for random writes, clips, colours and wide characters', () => {
		fc.assert(
			fc.property(fc.integer({min: 1, max: 24}), fc.integer({min: 1, max: 7}), fc.array(op, {maxLength: 12}), (width, height, ops) => {
				// Twice, so the second frame comes from what the first one remembered.
				const expected = draw(InkOutput, width, height, ops);
				expect(draw(FastOutput, width, height, ops)).toEqual(expected);
				expect(draw(FastOutput, width, height, ops)).toEqual(expected);
			}),
			{numRuns: 3000},
		);
	});

	it('draws rows of one line written from the left edge (a table row) exactly as Ink does', () => {
		fc.assert(
			fc.property(fc.integer({min: 1, max: 24}), fc.array(fc.tuple(text, fc.boolean()), {minLength: 1, maxLength: 6}), (width, rows) => {
				const ops: Op[] = rows.map(([line, upper], y) => ({type: 'write', x: 0, y, text: line.replace(/\n/g, ''), upper}));
				const expected = draw(InkOutput, width, rows.length, ops);
				expect(draw(FastOutput, width, rows.length, ops)).toEqual(expected);
				expect(draw(FastOutput, width, rows.length, ops)).toEqual(expected);
			}),
			{numRuns: 3000},
		);
	});

	it('redraws a row from memory only when the same things were written to it', () => {
		const frame = (selected: number) =>
			draw(FastOutput, 12, 3, [0, 1, 2].map(y => ({type: 'write', x: 0, y, text: y === selected ? '\u001b[7m▶ row\u001b[27m' : '│ row', upper: false})));
		expect(frame(0).output).toBe('\u001b[7m▶ row\u001b[27m\n│ row\n│ row');
		expect(frame(1).output).toBe('│ row\n\u001b[7m▶ row\u001b[27m\n│ row');
	});
});

/** A remembering stand-in answers as Ink's function does on random text, asked once and again (from memory). */
const agreesTwice = <T>(ours: (text: string) => T, inks: (text: string) => T) =>
	fc.assert(
		fc.property(text, value => {
			expect(ours(value)).toEqual(inks(value));
			expect(ours(value)).toEqual(inks(value));
		}),
		{numRuns: 1000},
	);

describe("the remembered form of Ink's sanitizeAnsi", () => {
	it('keeps colour codes and drops other escapes exactly as Ink does, asked once or again', () => {
		agreesTwice(rememberedSanitizeAnsi, inkSanitizeAnsi);
		expect(rememberedSanitizeAnsi('a\u001b[2Jb\u001b[31mc')).toBe('ab\u001b[31mc');
	});
});

describe('display width', () => {
	it('agrees with string-width for every character it counts without it', () => {
		const ranges = ONE_CELL.source.slice(2, -3);
		let checked = 0;
		for (let code = 0; code <= 0xffff; code++) {
			const char = String.fromCharCode(code);
			if (!ONE_CELL.test(char)) continue;
			checked++;
			if (stringWidth(char) !== 1) expect.fail(`U+${code.toString(16)} is ${stringWidth(char)} cells wide (ranges ${ranges})`);
		}
		expect(checked).toBeGreaterThan(900);
	});

	it('agrees with string-width on random text with colours, marks, emoji and wide characters', () => {
		fc.assert(
			fc.property(text, value => {
				for (const line of value.split('\n')) expect(displayWidth(line)).toBe(stringWidth(line));
				expect(widestLine(value)).toBe(Math.max(...value.split('\n').map(line => stringWidth(line))));
			}),
			{numRuns: 2000},
		);
	});
});

describe("the bounded form of Ink's measureText", () => {
	it('measures as Ink does, asked once or again', () => {
		agreesTwice(measureText, inkMeasureText);
	});

	it('remembers no more than its limit, however many texts it is asked about', () => {
		const memo = new Memo<number>(256);
		for (let i = 0; i < 10_000; i++) {
			expect(memo.get(`text ${i}`, () => i)).toBe(i);
			expect(memo.size).toBeLessThanOrEqual(256);
		}
		expect(memo.get('text 9999', () => -1)).toBe(9999);
	});
});

describe('colour codes read without ansi-tokenize', () => {
	it('split into the codes and end codes tokenize gives, for any sequence of numbers', () => {
		const number = fc.constantFrom('', '0', '1', '2', '3', '4', '5', '7', '8', '9', '21', '22', '23', '24', '27', '29', '31', '36', '39', '42', '49', '53', '90', '97', '100', '107', '38', '48', '255', '999');
		fc.assert(
			fc.property(fc.array(number, {minLength: 1, maxLength: 7}), parts => {
				const sequence = `\u001b[${parts.join(';')}m`;
				expect(splitSgr(sequence)).toEqual(tokenize(sequence).filter(token => token.type === 'ansi'));
			}),
			{numRuns: 3000},
		);
		expect(splitSgr('\u001b[1;38;5;208;4m').map(code => code.code)).toEqual(['\u001b[1m', '\u001b[38;5;208m', '\u001b[4m']);
	});
});
