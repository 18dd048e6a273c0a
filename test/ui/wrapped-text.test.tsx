import fc from 'fast-check';
import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import wrapAnsi from 'wrap-ansi';
import wrap from '../../source/ui/ink/wrap-ansi.js';

describe('wrapped text', () => {
	it("starts a wrapped row at its word, not at the space the wrap broke at, and keeps a text's own indentation", () => {
		// The first row fills the 20 columns exactly: the space after it is where the wrap breaks.
		const app = render(
			<Box width={20} flexDirection="column">
				<Text>abcdefghij klmnopqrs tuvw xyz</Text>
				<Text>{'  indented, and long enough to wrap'}</Text>
			</Box>,
		);
		expect((app.lastFrame() ?? '').split('\n').map(row => row.trimEnd())).toEqual(['abcdefghij klmnopqrs', 'tuvw xyz', '  indented, and long', 'enough to wrap']);
		app.unmount();
	});
});


const uncoloured = (text: string) => text.replace(/\u001b\[[\d;]*m/g, '');

describe("the wrap-ansi stand-in, against wrap-ansi (Ink's options: trim off, hard)", () => {
	const text = fc
		.array(fc.oneof(fc.constantFrom(' ', '  ', '\n', '\u001b[31m', '\u001b[39m', '\u001b[1m'), fc.stringMatching(/^[a-z]{1,12}$/), fc.constantFrom('界', 'é')), {maxLength: 40})
		.map(parts => parts.join(''));

	it('gives the same rows, but for one leading space on a row a wrap began; every row fits', () => {
		fc.assert(
			fc.property(text, fc.integer({min: 4, max: 30}), (input, columns) => {
				const options = {trim: false, hard: true} as const;
				const ours = wrap(input, columns, options).split('\n');
				const theirs = wrapAnsi(input, columns, options).split('\n');
				expect(ours.length).toBe(theirs.length);
				// The rows that start a line of the input: those after a row that ends where an input line ends.
				const starts = new Set<number>();
				let row = 0;
				for (const line of input.split('\n')) {
					starts.add(row);
					row += wrapAnsi(line, columns, options).split('\n').length;
				}
				for (const [i, mine] of ours.entries()) {
					const bare = uncoloured(mine);
					const theirBare = uncoloured(theirs[i]!);
					expect(stringWidth(mine)).toBeLessThanOrEqual(columns);
					if (starts.has(i) || !theirBare.startsWith(' ')) {
						expect(mine).toBe(theirs[i]);
					} else {
						// One space fewer, and the rest of the row as it was.
						expect(bare).toBe(theirBare.slice(1));
					}
				}
			}),
			{numRuns: 300},
		);
	});
});
