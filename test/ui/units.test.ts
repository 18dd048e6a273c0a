import type {Key} from 'ink';
import {describe, expect, it, vi} from 'vitest';
import {PassThrough} from 'node:stream';
import {keyAtATime, splitKeys} from '../../source/ui/key-stream.js';
import {layoutColumns, tableOverhead, type ColumnSpec} from '../../source/ui/layout.js';
import {initialState, moveIndex, reducer, scrollOffset} from '../../source/ui/state.js';
import {cellWidth, fit, truncate, truncateStart} from '../../source/ui/text.js';
import fc from 'fast-check';
import {chalkStyle, styleText} from '../../source/ui/components/segments.js';
import {footerHints, footerLine, helpEntries, KEYMAP, type Mode} from '../../source/ui/keymap.js';

describe('splitting coalesced keys', () => {
	it('keeps escape sequences whole and splits everything else per character', () => {
		expect(splitKeys('jj')).toEqual(['j', 'j']);
		expect(splitKeys('\u001b[B\u001b[Bjj\t\r')).toEqual(['\u001b[B', '\u001b[B', 'j', 'j', '\t', '\r']);
		expect(splitKeys('\u001b[6~\u001b[Z\u001bOP\u001b')).toEqual(['\u001b[6~', '\u001b[Z', '\u001bOP', '\u001b']);
		expect(splitKeys('鍵🔑')).toEqual(['鍵', '🔑']);
		// The Delete key goes on as Ctrl-D (delete forward): Ink reports it as Backspace.
		expect(splitKeys('a\u001b[3~\u007f')).toEqual(['a', '\u0004', '\u007f']);
	});
});

describe('column layout', () => {
	const specs: ColumnSpec[] = [
		{id: 'a', title: 'A', min: 20, max: 60, grow: 3, priority: 0},
		{id: 'b', title: 'B', min: 10, max: 10, grow: 0, priority: 1},
		{id: 'c', title: 'C', min: 10, max: 30, grow: 1, priority: 2},
	];
	it('fills the width exactly while every column is under its max', () => {
		const placed = layoutColumns(specs, 80)!;
		expect(placed.reduce((sum, c) => sum + c.width, 0) + tableOverhead(placed.length)).toBe(80);
		expect(placed.find(c => c.id === 'b')!.width).toBe(10);
	});
	it('drops the highest priority number first, and gives up below the essentials', () => {
		expect(layoutColumns(specs, 45)!.map(c => c.id)).toEqual(['a', 'b']);
		expect(layoutColumns(specs, 30)!.map(c => c.id)).toEqual(['a']);
		expect(layoutColumns(specs, 20)).toBeNull();
	});
});

describe('state machine', () => {
	it('moves and scrolls within bounds', () => {
		expect(moveIndex(0, 'nav.up', 10, 5)).toBe(0);
		expect(moveIndex(8, 'nav.pageDown', 10, 5)).toBe(9);
		expect(moveIndex(3, 'nav.end', 10, 5)).toBe(9);
		expect(scrollOffset(0, 12, 5, 100)).toBe(8);
		expect(scrollOffset(8, 3, 5, 100)).toBe(3);
		expect(scrollOffset(50, 2, 5, 4)).toBe(0);
	});
	it('types, erases and clears a search; cycles filter and sort', () => {
		let state = reducer(initialState, {type: 'search.start'});
		state = reducer(state, {type: 'search.type', text: 'er\np'});
		expect(state.search).toBe('erp');
		// Backspace, as Ink reports it (DEL comes as `delete`).
		state = reducer(state, {type: 'search.edit', input: '', key: {delete: true} as Key});
		expect(state.search).toBe('er');
		state = reducer(state, {type: 'search.clear'});
		expect(state).toMatchObject({search: '', searching: false});
		expect(reducer(initialState, {type: 'filter.cycle'}).status).toBe('active');
		expect(reducer(initialState, {type: 'sort.cycle'}).sort).toBe('name');
		// The last action's outcome gives way to the counts the filter and the sort change.
		const flashed = reducer(initialState, {type: 'dialog.close', flash: {text: 'Renewed appkey-acme-QWERTY.', tone: 'success'}});
		expect(flashed.flash).not.toBeNull();
		expect(reducer(flashed, {type: 'filter.cycle'}).flash).toBeNull();
		expect(reducer(flashed, {type: 'sort.cycle'}).flash).toBeNull();
		expect(reducer(initialState, {type: 'tab', step: -1}).tab).toBe('settings');
	});
});

describe('text fitting', () => {
	it('cuts in display cells with …, never splitting a wide character', () => {
		expect(truncate('abcdef', 4)).toBe('abc…');
		expect(truncate('鍵鍵鍵', 4)).toBe('鍵…');
		expect(truncateStart('/tmp/x/store.json', 12)).toBe('…/store.json');
		expect(truncateStart('鍵鍵鍵', 4)).toBe('…鍵');
		expect(truncateStart('abc', 3)).toBe('abc');
		expect(fit('ab', 4)).toBe('ab  ');
		expect(fit('鍵', 3, 'right')).toBe(' 鍵');
	});
});

describe('keymap', () => {
	it('the footer and the help come from the same bindings', () => {
		const help = helpEntries();
		expect(help).toHaveLength(KEYMAP.length);
		for (const hint of footerHints('table')) expect(help).toContainEqual(expect.objectContaining(hint));
		expect(footerHints('search').map(h => h.keys)).toEqual(['Enter', 'Esc']);
	});

	it('the footer drops hints whole, arrows first, and keeps help and quit at every width it has room for them', () => {
		const whole = new Set(KEYMAP.map(b => `${b.keys} ${b.description}`));
		for (const mode of ['table', 'external', 'activity', 'settings'] as Mode[]) {
			for (let columns = 21; columns <= 140; columns++) {
				const line = footerLine(mode, columns);
				expect(cellWidth(line)).toBeLessThanOrEqual(columns);
				expect(line.endsWith('? help  q/Ctrl-C quit'), `${mode} at ${columns}: ${line}`).toBe(true);
				for (const hint of line.split('  ')) expect(whole.has(hint), `${mode} at ${columns}: "${hint}"`).toBe(true);
			}
		}
		expect(footerLine('table', 80)).toBe('/ search  Enter/. actions  n generate  Tab next tab  ? help  q/Ctrl-C quit');
		expect(footerLine('form', 80)).toBe('Tab/↓/→ next field  Space toggle  Enter choose  Esc cancel');
		expect(footerLine('dialog', 80)).toBe('Tab/↓/→ next field  Enter choose  Esc cancel');
		expect(footerLine('help', 80)).toBe('Esc cancel');
		expect(footerLine('menu', 80)).toBe('↑/k up  ↓/j down  Enter choose  Esc cancel');
		// Narrow, a form keeps Space toggle and drops Tab, which anyone tries.
		expect(footerLine('form', 50)).toBe('Space toggle  Enter choose  Esc cancel');
		// Narrower than what is never dropped: cut, and said to be with ….
		expect(footerLine('table', 12)).toBe('? help  q/C…');
	});
});

describe('the key stream', () => {
	it('passes keys one at a time, and holds those typed while held until released, in order', async () => {
		// The stream spaces keys out with setImmediate: faked, "everything it scheduled" is one call away.
		vi.useFakeTimers({toFake: ['setImmediate']});
		try {
			const input = new PassThrough() as unknown as NodeJS.ReadStream;
			Object.assign(input, {setRawMode: () => input, ref: () => input, unref: () => input, isTTY: true});
			const keys = keyAtATime(input);
			const seen: string[] = [];
			keys.on('data', (key: string) => seen.push(key));
			/** Writes `chunk`, lets the stream do all it has scheduled, and says which keys it passed on (read, or waiting to be). */
			const write = async (chunk: string) => {
				const taken = new Promise(resolve => input.once('data', resolve));
				(input as unknown as PassThrough).write(chunk);
				await taken;
				await settle();
				return [...seen, ...Array.from({length: keys.readableLength}, () => '(buffered)')];
			};
			const settle = async () => {
				for (let i = 0; i < 3; i++) {
					vi.runAllTimers();
					await new Promise(resolve => process.nextTick(resolve));
				}
			};
			// Not held, every key of a chunk is passed on, one at a time...
			expect(await write('jj')).toEqual(['j', 'j']);
			// ...held, none is, until released, and then in order.
			keys.hold();
			expect(await write('/ne\u001b[B')).toEqual(['j', 'j']);
			keys.release();
			await settle();
			expect(seen).toEqual(['j', 'j', '/', 'n', 'e', '\u001b[B']);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('styled text', () => {
	it('is what chalk makes of it, for any text, colour and attributes', () => {
		const text = fc.array(fc.constantFrom('a', 'Zé', '│', ' ', '…', '\n', '\r\n', '\u001b[1m', '\u001b[22m', '\u001b[39m', '\u001b[31m', '\u0000', ''), {maxLength: 6}).map(parts => parts.join(''));
		fc.assert(
			fc.property(text, fc.constantFrom(undefined, 'gray', 'green', 'yellow', 'red', 'cyan', '#ff8700', 'nonsense'), fc.boolean(), fc.boolean(), fc.boolean(), (value, color, bold, dim, underline) => {
				expect(styleText(value, color, {bold, dim, underline})).toBe(chalkStyle(value, color, {bold, dim, underline}));
			}),
			{numRuns: 2000},
		);
		expect(styleText('x', 'gray', {bold: true})).toBe('\u001b[1m\u001b[90mx\u001b[39m\u001b[22m');
	});
});
