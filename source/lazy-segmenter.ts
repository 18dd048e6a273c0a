/**
 * Intl.Segmenter, made when first used rather than when constructed. The first segmenter a
 * process makes loads ICU's break-iteration data, about 10 ms here, and several modules the app
 * bundles (string-width, wrap-ansi, slice-ansi, ansi-tokenize, our own text fitting) make one
 * as they load; most runs never split a grapheme before the first frame, or at all. The bundle
 * (source/build.mjs) puts this class wherever the code says Intl.Segmenter.
 */
export class LazySegmenter {
	private made?: Intl.Segmenter;

	constructor(
		private readonly locales?: string | string[],
		private readonly options?: Intl.SegmenterOptions,
	) {}

	private get segmenter(): Intl.Segmenter {
		// Reached through globalThis: the bundle's define turns a plain `Intl.Segmenter` into this class.
		return (this.made ??= new globalThis.Intl.Segmenter(this.locales, this.options));
	}

	segment(input: string): Intl.Segments {
		return this.segmenter.segment(input);
	}

	resolvedOptions(): Intl.ResolvedSegmenterOptions {
		return this.segmenter.resolvedOptions();
	}
}
