import wrapAnsi, {type Options} from 'wrap-ansi';

/** A space at the start of a row, after any colour codes. */
const LEADING_SPACE = /^((?:\u001B\[[\d;]*m)*) /;

/**
 * wrap-ansi as Ink's wrap="wrap" calls it (trim: false, so that a text's own indentation stays),
 * except that a row a wrap began does not start with the space the wrap broke at: with trim off,
 * wrap-ansi carries that space over whenever the row before filled the width exactly, and a
 * dialog's sentence then went on one column in from the rest.
 */
export default function wrap(text: string, columns: number, options?: Options): string {
	if (options?.trim !== false) return wrapAnsi(text, columns, options);
	return text
		.split('\n')
		.map(line =>
			wrapAnsi(line, columns, options)
				.split('\n')
				.map((row, index) => (index === 0 ? row : row.replace(LEADING_SPACE, '$1')))
				.join('\n'),
		)
		.join('\n');
}
