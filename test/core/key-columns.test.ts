import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {KeyColumns, type KeyColumnsRow} from '../../source/core/key-columns.js';
import {matchesSearch} from '../../source/core/query.js';
import {DAY} from '../../source/core/time.js';

const NOW = Date.UTC(2026, 10, 26);
const row = (appKey: string, name: string, active = true, tokenCreated = NOW - DAY): KeyColumnsRow => ({appKey, name, active, tokenCreated});

const columnsOf = (rows: KeyColumnsRow[]) => {
	const columns = new KeyColumns(2);
	for (const r of rows) columns.add(r);
	return columns;
};
const lines = (found: Int32Array) => [...found];

describe('KeyColumns: every key of a large store as columns', () => {
	it('finds what the app search finds (a case-insensitive substring of name or appKey), in the order read', () => {
		const name = fc.string({unit: fc.constantFrom('a', 'B', 'é', 'É', 'ß', '–', ' ', '#', '1', '日', '😀', 'İ'), maxLength: 12});
		const suffix = fc.string({unit: fc.constantFrom(...'ABCXYZ'), minLength: 6, maxLength: 6});
		fc.assert(
			fc.property(fc.array(fc.record({name, suffix}), {maxLength: 40}), fc.string({unit: fc.constantFrom('a', 'b', 'é', 'É', 'ß', '–', '#', '1', '日', 'x', '-'), maxLength: 3}), (keys, search) => {
				const rows = keys.map((k, i) => row(`appkey-acme${i}-${k.suffix}`, k.name));
				const expected = rows.flatMap((r, i) => (matchesSearch(r, search) ? [i] : []));
				expect(lines(columnsOf(rows).search(search, 'all', 3, NOW))).toEqual(expected);
			}),
			{numRuns: 300},
		);
	});

	it('finds the same as a search is typed letter by letter and erased, and sees a key changed in place meanwhile', () => {
		const units = ['a', 'B', 'é', 'ß', '–', ' ', '#', '1', '7', '日', 'z', '-'];
		const name = fc.string({unit: fc.constantFrom(...units), maxLength: 10});
		const search = fc.string({unit: fc.constantFrom('a', 'b', 'é', 'ß', '–', '#', '1', '7', 'z', 'x', '-', ' '), maxLength: 4});
		fc.assert(
			fc.property(fc.array(name, {minLength: 1, maxLength: 30}), search, fc.nat(), fc.string({unit: fc.constantFrom('a', 'z', '#', '1', ' ', '-', 'x'), minLength: 40, maxLength: 40}), (names, typed, changed, letters) => {
				const rows = names.map((n, i) => row(`appkey-acme${i}-ABCDEF`, n));
				const columns = columnsOf(rows);
				const expectFound = (needle: string) =>
					expect(lines(columns.search(needle, 'all', 3, NOW)), `"${needle}"`).toEqual(rows.flatMap((r, i) => (matchesSearch(r, needle) ? [i] : [])));
				for (let n = 0; n <= typed.length; n++) expectFound(typed.slice(0, n));
				// A key renamed in place (to a name of as many bytes) is seen by the next search, the same one included.
				const at = changed % rows.length;
				const renamed = row(rows[at]!.appKey, [...letters].slice(0, Buffer.byteLength(rows[at]!.name)).join('') + typed);
				const sameLength = row(rows[at]!.appKey, [...letters].slice(0, Buffer.byteLength(rows[at]!.name)).join(''));
				expect(columns.update(renamed)).toBe(typed === '');
				expect(columns.update(sameLength)).toBe(true);
				rows[at] = sameLength;
				for (let n = typed.length; n >= 0; n--) expectFound(typed.slice(0, n));
				for (let n = 0; n <= typed.length; n++) expectFound(typed.slice(0, n));
			}),
			{numRuns: 300},
		);
	});

	it('gives back each appKey as it was, the few not as generated too, and finds a key by appKey', () => {
		const columns = columnsOf([row('appkey-acme-ABCDEF', 'ERP'), row('vtexappkey-partner-ZZZZZZ', 'Feed'), row('Odd-Key-abc', 'Imported')]);
		expect([0, 1, 2].map(line => columns.appKeyAt(line))).toEqual(['appkey-acme-ABCDEF', 'vtexappkey-partner-ZZZZZZ', 'Odd-Key-abc']);
		expect(columns.lineOf('vtexappkey-partner-ZZZZZZ')).toBe(1);
		expect(columns.lineOf('appkey-acme-ABCDEG')).toBe(-1);
		// A name that holds an appKey is not taken for it.
		expect(columnsOf([row('appkey-acme-AAAAAA', 'see appkey-acme-BBBBBB'), row('appkey-acme-BBBBBB', 'B')]).lineOf('appkey-acme-BBBBBB')).toBe(1);
	});

	it('filters by status and renewal alert, and counts the alerts', () => {
		const columns = columnsOf([
			row('appkey-acme-AAAAAA', 'fresh'),
			row('appkey-acme-BBBBBB', 'off', false),
			row('appkey-acme-CCCCCC', 'soon', true, NOW - 85 * DAY),
			row('appkey-acme-DDDDDD', 'late', false, NOW - 100 * DAY),
		]);
		expect(lines(columns.search('', 'active', 3, NOW))).toEqual([0, 2]);
		expect(lines(columns.search('', 'inactive', 3, NOW))).toEqual([1, 3]);
		expect(lines(columns.search('', 'due-soon', 3, NOW))).toEqual([2]);
		expect(lines(columns.search('', 'past-due', 3, NOW))).toEqual([3]);
		expect(columns.alerts(3, NOW)).toEqual({dueSoon: 1, pastDue: 1});
	});

	it('takes a changed key in place, leaves a removed one out, and says when a change needs the columns read again', () => {
		const columns = columnsOf([row('appkey-acme-AAAAAA', 'ERP feed'), row('appkey-acme-BBBBBB', 'Checkout')]);
		expect(columns.update(row('appkey-acme-AAAAAA', 'ERP Feed', false))).toBe(true);
		expect(lines(columns.search('', 'inactive', 3, NOW))).toEqual([0]);
		expect(columns.update(row('appkey-acme-AAAAAA', 'ERP feed, renamed'))).toBe(false);
		expect(columns.update(row('appkey-acme-CCCCCC', 'New'))).toBe(false);
		columns.remove('appkey-acme-BBBBBB');
		expect(columns.keys).toBe(1);
		expect(lines(columns.search('', 'all', 3, NOW))).toEqual([0]);
		expect(lines(columns.search('checkout', 'all', 3, NOW))).toEqual([]);
		expect(columns.alerts(3, NOW)).toEqual({dueSoon: 0, pastDue: 0});
	});

	it('grows past what it was made for', () => {
		const rows = Array.from({length: 5000}, (_, i) => row(`appkey-acme-${String.fromCharCode(65 + (i % 26)).repeat(6)}`, `Key #${i} ${'x'.repeat(i % 90)}`));
		const columns = columnsOf(rows);
		expect(lines(columns.search('#4999 ', 'all', 3, NOW))).toEqual([4999]);
		expect(columns.search('key', 'all', 3, NOW).length).toBe(5000);
		expect(columns.appKeyAt(4999)).toBe(rows[4999]!.appKey);
	});
});
