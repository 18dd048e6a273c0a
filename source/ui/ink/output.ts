/**
 * A drop-in for Ink's `Output` (ink/build/output.js), put in its place when the app is bundled
 * (see source/build.mjs) and in the interface tests (vitest.config.ts).
 *
 * Ink builds every frame from nothing: it tokenizes each line of text, puts one object per cell
 * in a grid and turns the grid back into a string, so a full 120×40 frame of a table cost 10 to
 * 60 ms of a 2-core machine, on every keystroke. This version gives the same string for the same
 * operations (test/ui/output.test.ts checks it against Ink's own on random input) but remembers
 * across frames: a line's styled characters, a string's width, and a whole screen row, keyed by
 * exactly what was written to it. Moving the selection one row down then re-makes two rows.
 */
import {styledCharsFromTokens, styledCharsToString, tokenize, type StyledChar} from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import widestLine, {Memo, displayWidth} from './width.js';

type Transformer = (line: string, index: number) => string;

interface Clip {
	x1?: number;
	x2?: number;
	y1?: number;
	y2?: number;
}

interface Placed {
	x: number;
	line: string;
}

const styledLines = new Memo<StyledChar[]>(4096);
const renderedRows = new Memo<string>(2048);
const BLANK: StyledChar = Object.freeze({type: 'char', value: ' ', fullWidth: false, styles: []}) as StyledChar;

const styledCharsOf = (line: string) => styledLines.get(line, () => styledCharsFromTokens(tokenize(line)));

/** One screen row from what was written to it, in order, exactly as Ink's grid would give it. */
function renderRow(width: number, placed: readonly Placed[]): string {
	const row: StyledChar[] = [];
	for (let x = 0; x < width; x++) row.push(BLANK);
	for (const {x, line} of placed) {
		let offsetX = x;
		for (const character of styledCharsOf(line)) {
			row[offsetX] = character;
			const characterWidth = Math.max(1, displayWidth(character.value));
			// A wide character owns the next cells too.
			for (let index = 1; index < characterWidth; index++) {
				row[offsetX + index] = {type: 'char', value: '', fullWidth: false, styles: character.styles};
			}
			offsetX += characterWidth;
		}
	}
	return styledCharsToString(row.filter(item => item !== undefined)).trimEnd();
}

export default class Output {
	readonly width: number;
	readonly height: number;
	private readonly rows: Placed[][] = [];
	private readonly clips: Clip[] = [];

	constructor({width, height}: {width: number; height: number}) {
		this.width = width;
		this.height = height;
		for (let y = 0; y < height; y++) this.rows.push([]);
	}

	clip(clip: Clip): void {
		this.clips.push(clip);
	}

	unclip(): void {
		this.clips.pop();
	}

	write(x: number, y: number, text: string, {transformers}: {transformers: readonly Transformer[]}): void {
		if (!text) return;
		let lines = text.split('\n');
		const clip = this.clips.at(-1);
		if (clip) {
			const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
			const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
			if (clipHorizontally) {
				const width = widestLine(text);
				if (x + width < clip.x1! || x > clip.x2!) return;
			}
			if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) return;
			if (clipHorizontally) {
				lines = lines.map(line => {
					const from = x < clip.x1! ? clip.x1! - x : 0;
					const width = displayWidth(line);
					const to = x + width > clip.x2! ? clip.x2! - x : width;
					return sliceAnsi(line, from, to);
				});
				if (x < clip.x1!) x = clip.x1!;
			}
			if (clipVertically) {
				const from = y < clip.y1! ? clip.y1! - y : 0;
				const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
				lines = lines.slice(from, to);
				if (y < clip.y1!) y = clip.y1!;
			}
		}
		// As in Ink, a line that falls outside the grid does not advance to the next row.
		let offsetY = 0;
		for (let index = 0; index < lines.length; index++) {
			const row = this.rows[y + offsetY];
			if (!row) continue;
			let line = lines[index]!;
			for (const transformer of transformers) line = transformer(line, index);
			row.push({x, line});
			offsetY++;
		}
	}

	get(): {output: string; height: number} {
		const out: string[] = [];
		for (const placed of this.rows) {
			// Length-prefixed, so no text can make two different rows share a key.
			let key = `${this.width}`;
			for (const {x, line} of placed) key += `|${x}:${line.length}:${line}`;
			out.push(renderedRows.get(key, () => renderRow(this.width, placed)));
		}
		return {output: out.join('\n'), height: this.rows.length};
	}
}
