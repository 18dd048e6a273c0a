import {describe, expect, it} from 'vitest';
import {Recent} from '../../source/ui/recent.js';

describe('the cache of what is on screen', () => {
	it('keeps what this view and the last one used, and makes anything older again', () => {
		const made: string[] = [];
		const cache = new Recent<string, string>();
		const get = (key: string) => cache.get(key, k => (made.push(k), k.toUpperCase()));
		expect([get('a'), get('b')]).toEqual(['A', 'B']);
		cache.turn();
		expect(get('b')).toBe('B'); // from the last view
		cache.turn();
		expect(get('b')).toBe('B'); // used in the last view again
		expect(get('a')).toBe('A'); // two views ago: made again
		expect(made).toEqual(['a', 'b', 'a']);
	});

	it('keeps the last view through a view that used nothing', () => {
		let made = 0;
		const cache = new Recent<string, number>();
		cache.get('x', () => ++made);
		cache.turn();
		cache.turn();
		expect(cache.get('x', () => ++made)).toBe(1);
	});
});
