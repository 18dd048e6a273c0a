import {describe, expect, it} from 'vitest';
import {sanitize} from '../../source/ui/sanitize.js';

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
	])('%j → %j', (input, output) => {
		expect(sanitize(input)).toBe(output);
	});

	it('leaves no byte below 0x20, DEL, C1 or bidi control in its output', () => {
		let all = '';
		for (let code = 0; code < 0x3000; code++) all += String.fromCharCode(code);
		expect(sanitize(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
	});
});
