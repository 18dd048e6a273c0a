import {describe, expect, it} from 'vitest';
import {renderTable} from '../../source/commands/output.js';

describe('the command line\'s tables', () => {
	it('lay out 200 000 rows (a spread of that many into Math.max overflowed the call stack)', () => {
		const rows = Array.from({length: 200_000}, (_, i) => [`appkey-acme-${String(i).padStart(6, '0')}`, i === 7 ? 'the widest name of all' : 'name']);
		const lines = renderTable(['Key', 'Name'], rows);
		expect(lines).toHaveLength(200_001);
		expect(lines[0]).toBe(`Key${' '.repeat(17)}Name`);
		expect(lines[8]).toBe('appkey-acme-000007  the widest name of all');
	});
});
