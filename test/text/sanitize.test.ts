import {PassThrough} from 'node:stream';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {streamOutput} from '../../source/commands/output.js';
import {jsonText, sanitize} from '../../source/text/sanitize.js';
import {FORBIDDEN_CLASSES, ORDINARY, stringOf} from '../core/unicode-samples.js';

// The test's own statement of what must never reach a terminal raw (U+2800 is not default-ignorable).
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Variation_Selector}\u2800]/u;
const MARK_STACK = /[\p{Mn}\p{Me}]{5}/u;

const allClasses = Object.values(FORBIDDEN_CLASSES).flat();
/** Text mixing ordinary scripts with code points of every forbidden class and long mark stacks. */
const hostileText = fc
	.array(
		fc.oneof(
			fc.constantFrom(...ORDINARY),
			fc.constantFrom(...allClasses).map(stringOf),
			fc.string({unit: 'binary'}),
			fc.integer({min: 5, max: 40}).map(n => `e${'\u0301'.repeat(n)}`),
		),
		{maxLength: 8},
	)
	.map(parts => parts.join(''));

describe('the sanitizer', () => {
	it.each([
		['plain ERP integration', 'plain ERP integration'],
		['a\u001b[31mred', 'a\\e[31mred'],
		['osc\u001b]52;c;aGk=\u0007', 'osc\\e]52;c;aGk=\\x07'],
		['line\nbreak\ttab\rcr', 'line\\nbreak\\ttab\\rcr'],
		['del\u007f c1\u009b', 'del\\x7f c1\\x9b'],
		['bidi\u202egnp.exe', 'bidi\\u{202e}gnp.exe'],
		['zero\u200bwidth\ufeff', 'zero\\u{200b}width\\u{feff}'],
		['isolate\u2066x\u2069', 'isolate\\u{2066}x\\u{2069}'],
		['鍵 🔑 ação', '鍵 🔑 ação'],
		['lone \ud800 surrogate', 'lone \\u{d800} surrogate'],
		['tag\u{e0001}\u{e0041}', 'tag\\u{e0001}\\u{e0041}'],
		['half\uffa0width', 'half\\u{ffa0}width'],
		['cho\u115fseong', 'cho\\u{115f}seong'],
		['hangul\u3164filler', 'hangul\\u{3164}filler'],
		['braille\u2800blank', 'braille\\u{2800}blank'],
		['private\ue000\u{f0000}\u{10fffd}', 'private\\u{e000}\\u{f0000}\\u{10fffd}'],
		['unassigned\u0378', 'unassigned\\u{378}'],
		['e\u0301\u0302\u0303\u0304', 'e\u0301\u0302\u0303\u0304'],
		[`zalgo e${'\u0301'.repeat(6)}`, `zalgo e${'\u0301'.repeat(4)}\\u{301}\\u{301}`],
	])('%j → %j', (input, output) => {
		expect(sanitize(input)).toBe(output);
	});

	it('leaves no byte below 0x20, DEL, C1 or bidi control in its output', () => {
		let all = '';
		for (let code = 0; code < 0x3000; code++) all += String.fromCharCode(code);
		expect(sanitize(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
	});

	it('escapes every code point of each forbidden class and every mark past the fourth, and nothing in ordinary text', () => {
		fc.assert(
			fc.property(hostileText, text => {
				const shown = sanitize(text);
				expect(shown).not.toMatch(FORBIDDEN);
				expect(shown).not.toMatch(MARK_STACK);
				expect(sanitize(shown)).toBe(shown);
			}),
			{numRuns: 500},
		);
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...ORDINARY)), parts => {
				expect(sanitize(parts.join(' '))).toBe(parts.join(' '));
			}),
		);
	});
});

describe('JSON output', () => {
	const written = (value: unknown) => {
		const stream = new PassThrough();
		streamOutput(stream).json(value);
		return String(stream.read());
	};

	it('parses back to the same values and holds no forbidden code point, for any text', () => {
		const value = fc.oneof(fc.string({unit: 'binary'}), fc.string({unit: 'grapheme'}), hostileText);
		fc.assert(
			fc.property(fc.dictionary(value, fc.oneof(value, fc.array(value))), data => {
				const text = written(data);
				expect(JSON.parse(text)).toEqual(data);
				expect(text.endsWith('\n')).toBe(true);
				expect(text.replaceAll('\n', '')).not.toMatch(FORBIDDEN);
			}),
			{numRuns: 500},
		);
	});

	it('writes C1, bidi, invisible and private-use characters as \\uXXXX', () => {
		const name = 'a\u0085\u009b\u202e\u2066\u200b\u200d\ufeff\uffa0\u115f\u3164\u2800\ufe0f\u{e0001}\ue000\u{f0000}\u2028\u007f';
		expect(written({name})).toBe(
			'{\n  "name": "a\\u0085\\u009b\\u202e\\u2066\\u200b\\u200d\\ufeff\\uffa0\\u115f\\u3164\\u2800\\ufe0f\\udb40\\udc01\\ue000\\udb80\\udc00\\u2028\\u007f"\n}\n',
		);
		expect(jsonText({name: '鍵 🔑 ação'})).toBe('{\n  "name": "鍵 🔑 ação"\n}');
	});
});
