import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {LazySegmenter} from '../source/lazy-segmenter.js';

const segments = (segmenter: {segment(input: string): Intl.Segments}, text: string) => [...segmenter.segment(text)].map(({segment, index, isWordLike}) => ({segment, index, isWordLike}));

/** Text made of the pieces that split graphemes differently: combining marks, ZWJ emoji, flags, Hangul, CR LF, lone surrogates. */
const awkward = fc
	.array(fc.constantFrom('a', 'é', 'e\u0301', '👩\u200d💻', '🇩🇪', '\u1100\u1161\u11a8', '\r\n', '\r', '\ud800', '\udc00', '\u200b', ' ', 'x\u0301\u0302', '漢', '\u001b[31m'), {maxLength: 12})
	.map(parts => parts.join(''));
const granularity = fc.constantFrom<Intl.SegmenterOptions['granularity']>(undefined, 'grapheme', 'word', 'sentence');

// The bundle puts LazySegmenter wherever third-party code says Intl.Segmenter (source/build.mjs), so it must answer exactly as Intl.Segmenter does.
describe('LazySegmenter', () => {
	it('segments any text exactly like Intl.Segmenter, at every granularity', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({unit: 'binary'}), fc.string({unit: 'grapheme'}), awkward), granularity, (text, granularity) => {
				const options = granularity ? {granularity} : undefined;
				expect(segments(new LazySegmenter(undefined, options), text)).toEqual(segments(new Intl.Segmenter(undefined, options), text));
			}),
			{numRuns: 500},
		);
	});

	it('answers the same resolved options and containing() as Intl.Segmenter', () => {
		const lazy = new LazySegmenter('en', {granularity: 'word'});
		const real = new Intl.Segmenter('en', {granularity: 'word'});
		expect(lazy.resolvedOptions()).toEqual(real.resolvedOptions());
		expect(lazy.segment('hello world').containing(7)).toEqual(real.segment('hello world').containing(7));
	});

	it('makes its segmenter on first use: a bad locale throws at segment(), not at construction', () => {
		const lazy = new LazySegmenter('not a locale!');
		expect(() => new Intl.Segmenter('not a locale!')).toThrow(RangeError);
		expect(() => lazy.segment('x')).toThrow(RangeError);
	});
});
