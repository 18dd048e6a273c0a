/**
 * Ink's log-update (which writes each frame to the terminal), with incremental rendering that
 * works: only the lines that changed since the last frame are written. Moving the selection one
 * row then sends two lines, not the whole 8 KiB screen, which counts over SSH. Put in place of
 * Ink's module through the table in replacements.mjs; the standard renderer is Ink's own.
 *
 * Ink 6.8 has an incremental renderer, but after a frame that ends in a newline (every frame
 * shorter than the terminal) it moves the cursor up one line too few, so each later frame lands
 * one row lower. Here the way back to the frame's first line counts that newline.
 *
 * After a resize the terminal has reflowed (or cut) the old frame, so no line can be diffed or
 * even found by moving the cursor: the first frame drawn at a new size clears the screen and writes
 * every line from the top-left, and so does each frame after it until one fits the terminal (Ink
 * draws the tree laid out for the old size once more before the app lays it out for the new one).
 * The incremental renderer serves only the full-screen app, whose frame starts at the top of the
 * alternate screen (ui/run.tsx), so the top-left is where it belongs.
 */
// @ts-expect-error Resolved by the bundler plugin to Ink's own build/log-update.js.
import inkLogUpdate from 'ink-build:log-update.js';
// @ts-expect-error Resolved by the bundler plugin to Ink's own build/cursor-helpers.js.
import * as cursorHelpers from 'ink-build:cursor-helpers.js';
import widestLine from './width.js';

interface CursorPosition {
	x: number;
	y: number;
}

interface Writable {
	write(text: string): unknown;
	/** A terminal's size (a tty stream has them; a test stream may not). */
	columns?: number;
	rows?: number;
}

export interface LogUpdate {
	(text: string): boolean;
	clear(): void;
	done(): void;
	sync(text: string): void;
	setCursorPosition(position: CursorPosition | undefined): void;
	isCursorDirty(): boolean;
	willRender(text: string): boolean;
}

const helpers = cursorHelpers as {
	cursorPositionChanged(a?: CursorPosition, b?: CursorPosition): boolean;
	buildCursorSuffix(visibleLineCount: number, position?: CursorPosition): string;
	buildReturnToBottomPrefix(cursorWasShown: boolean, previousLineCount: number, previous?: CursorPosition): string;
	buildCursorOnlySequence(input: {cursorWasShown: boolean; previousLineCount: number; previousCursorPosition?: CursorPosition; visibleLineCount: number; cursorPosition?: CursorPosition}): string;
	showCursorEscape: string;
	hideCursorEscape: string;
};

const CSI = '\u001b[';
const cursorUp = (count: number) => (count > 0 ? `${CSI}${count}A` : '');
const NEXT_LINE = `${CSI}E`;
const LINE_START = `${CSI}1G`;
const ERASE_TO_END = `${CSI}K`;
/** Cursor to the top-left, then erase the whole screen. */
const CLEAR_SCREEN = `${CSI}H${CSI}2J`;
/** Erases `count` lines upwards from the cursor's, ending at the start of the topmost (as ansi-escapes does). */
const eraseLines = (count: number) => {
	let out = '';
	for (let i = 0; i < count; i++) out += `${CSI}2K${i < count - 1 ? `${CSI}1A` : ''}`;
	return count > 0 ? `${out}${CSI}G` : '';
};
/** Lines a frame shows: a final newline ends the last line, it does not start another. */
const visibleLines = (lines: readonly string[], text: string) => (text.endsWith('\n') ? lines.length - 1 : lines.length);

function createIncremental(stream: Writable, {showCursor = false}: {showCursor?: boolean}): LogUpdate {
	let previousLines: string[] = [];
	let previousOutput = '';
	let hiddenCursor = false;
	let cursorPosition: CursorPosition | undefined;
	let cursorDirty = false;
	let previousCursorPosition: CursorPosition | undefined;
	let cursorWasShown = false;
	// The terminal's size when the frame on screen was drawn (undefined before the first), and whether that frame fitted it.
	let drawnSize: string | undefined;
	let drawnFits = true;
	const sizeNow = () => `${stream.columns ?? 0}x${stream.rows ?? 0}`;
	/** Whether the frame fits the terminal: a wider line wraps and a taller frame scrolls, so its lines are not where they were written. */
	const fits = (text: string, lines: readonly string[]) =>
		(stream.rows === undefined || visibleLines(lines, text) <= stream.rows) && (stream.columns === undefined || widestLine(text) <= stream.columns);
	/** Whether the screen no longer holds the last frame as it was written. */
	const screenChanged = () => drawnSize !== undefined && (drawnSize !== sizeNow() || !drawnFits);
	const activeCursor = () => (cursorDirty ? cursorPosition : undefined);
	const changes = (text: string, cursor: CursorPosition | undefined) => text !== previousOutput || helpers.cursorPositionChanged(cursor, previousCursorPosition) || screenChanged();
	const remember = (text: string, lines: string[], cursor: CursorPosition | undefined) => {
		if (text !== '') drawnSize = sizeNow();
		previousOutput = text;
		previousLines = lines;
		previousCursorPosition = cursor ? {...cursor} : undefined;
		cursorWasShown = cursor !== undefined;
	};

	const render = ((text: string) => {
		if (!showCursor && !hiddenCursor) {
			stream.write(helpers.hideCursorEscape);
			hiddenCursor = true;
		}
		const cursor = activeCursor();
		cursorDirty = false;
		if (!changes(text, cursor)) return false;
		const lines = text.split('\n');
		const visible = visibleLines(lines, text);
		if (screenChanged()) {
			stream.write(CLEAR_SCREEN + text + helpers.buildCursorSuffix(visible, cursor));
			remember(text, lines, cursor);
			drawnFits = fits(text, lines);
			return true;
		}
		if (text === previousOutput) {
			// Only the cursor moved.
			stream.write(
				helpers.buildCursorOnlySequence({cursorWasShown, previousLineCount: previousLines.length, previousCursorPosition, visibleLineCount: visible, cursorPosition: cursor}),
			);
			remember(text, lines, cursor);
			return true;
		}
		let out = helpers.buildReturnToBottomPrefix(cursorWasShown, previousLines.length, previousCursorPosition);
		if (text === '\n' || previousOutput === '') {
			stream.write(out + eraseLines(previousLines.length) + text + helpers.buildCursorSuffix(visible, cursor));
			remember(text, lines, cursor);
			return true;
		}
		const previousVisible = visibleLines(previousLines, previousOutput);
		// Where the cursor is: after a final newline, on the line below the frame; else on its last line.
		const below = previousOutput.endsWith('\n') ? 1 : 0;
		if (visible < previousVisible) {
			// Erase the lines the new frame no longer has, from the bottom, then go to its top.
			out += eraseLines(previousVisible - visible + below) + cursorUp(visible);
		} else {
			out += cursorUp(previousVisible - 1 + below);
		}
		const endsInNewline = text.endsWith('\n');
		for (let i = 0; i < visible; i++) {
			const last = i === visible - 1;
			if (lines[i] === previousLines[i]) {
				if (!last || endsInNewline) out += NEXT_LINE;
				continue;
			}
			out += LINE_START + lines[i] + ERASE_TO_END + (last && !endsInNewline ? '' : '\n');
		}
		stream.write(out + helpers.buildCursorSuffix(visible, cursor));
		remember(text, lines, cursor);
		return true;
	}) as LogUpdate;
	render.clear = () => {
		stream.write(helpers.buildReturnToBottomPrefix(cursorWasShown, previousLines.length, previousCursorPosition) + eraseLines(previousLines.length));
		remember('', [], undefined);
	};
	render.done = () => {
		remember('', [], undefined);
		if (!showCursor) {
			stream.write(helpers.showCursorEscape);
			hiddenCursor = false;
		}
	};
	render.sync = (text: string) => {
		const cursor = activeCursor();
		cursorDirty = false;
		const lines = text.split('\n');
		if (!cursor && cursorWasShown) stream.write(helpers.hideCursorEscape);
		if (cursor) stream.write(helpers.buildCursorSuffix(visibleLines(lines, text), cursor));
		remember(text, lines, cursor);
		// Ink drew this frame itself (after clearing the terminal), perhaps for a terminal it does not fit.
		drawnFits = fits(text, lines);
	};
	render.setCursorPosition = (position: CursorPosition | undefined) => {
		cursorPosition = position;
		cursorDirty = true;
	};
	render.isCursorDirty = () => cursorDirty;
	render.willRender = (text: string) => changes(text, activeCursor());
	return render;
}

function create(stream: Writable, options: {showCursor?: boolean; incremental?: boolean} = {}): LogUpdate {
	return options.incremental ? createIncremental(stream, options) : (inkLogUpdate as {create: typeof create}).create(stream, options);
}

export default {create};
