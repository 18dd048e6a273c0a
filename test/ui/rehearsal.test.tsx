import {describe, expect, it, vi} from 'vitest';
import {generateKey} from '../../source/core/keys.js';
import {buildKeyIndex, filterKeyIndex, indexCharacterPairs, indexCharacters} from '../../source/core/query.js';
import {rehearsalSearches, rehearse} from '../../source/ui/rehearsal.js';
import {HOUR} from '../../source/core/time.js';
import {T0, context, freshStore} from '../helpers.js';

function store() {
	const data = freshStore();
	const names = ['Checkout gateway', 'ERP – SAP sync', 'Loyalty points'];
	for (let i = 0; i < 30; i++) generateKey(data, {name: `${names[i % 3]} #${i}`, roles: []}, context(T0 + i * HOUR));
	const index = buildKeyIndex(data);
	indexCharacters(index);
	indexCharacterPairs(index);
	return {data, index};
}

describe('the search rehearsal', () => {
	it('types the first letters of names from across the store, a character at a time', () => {
		const {index} = store();
		const searches = rehearsalSearches(index);
		expect(searches.length).toBeGreaterThan(6);
		for (const [i, search] of searches.entries()) {
			if (search.length > 1) expect(search.startsWith(searches[i - 1]!)).toBe(true);
			else if (i < 2) expect(index.postings!.get(search.charCodeAt(0))!.length).toBeGreaterThanOrEqual(20);
			expect(index.haystack.some(text => text.includes(search))).toBe(true);
		}
	});

	it('draws out of sight: nothing reaches the terminal, and the app’s own search state is untouched', async () => {
		const {data, index} = store();
		const answer = filterKeyIndex(index, {search: 'loy'});
		const last = index.last;
		const written = vi.spyOn(process.stdout, 'write');
		let asked = 0;
		await rehearse({data, index, now: T0 + 40 * HOUR, columns: 100, rows: 21, bodyHeight: 10, colour: true}, () => (asked++, true));
		expect(written).not.toHaveBeenCalled();
		written.mockRestore();
		expect(asked).toBe(2 * rehearsalSearches(index).length);
		expect(index.last).toBe(last);
		expect([...filterKeyIndex(index, {search: 'loy'})]).toEqual([...answer]);
	});

	it('stops at once when the app no longer wants it', async () => {
		const {data, index} = store();
		let asked = 0;
		await rehearse({data, index, now: T0, columns: 100, rows: 21, bodyHeight: 10, colour: false}, () => (asked++, false));
		expect(asked).toBe(1);
	});
});
