import type {StoreData} from '../core/types.js';
import {newestFromTail} from './line-layout.js';

/** What the first frame of a large store needs: its small fields, its newest keys, and how many keys it has. */
export interface Preview {
	data: StoreData;
	keyCount: number;
}

/**
 * The preview of a file in this program's layout whose CRC is known to hold: the small fields and
 * the `limit` newest keys, read from the file's two ends and checked by `validate` (the schema),
 * without parsing the rest. Null when the file is not in that layout or does not check out; then
 * only a full read will do (and says what is wrong).
 */
export function previewOf(bytes: Buffer, limit: number, validate: (parsed: unknown) => StoreData): Preview | null {
	const newest = newestFromTail(bytes, limit);
	if (!newest) return null;
	try {
		const keys = newest.lines.map(([start, end]) => JSON.parse(bytes.toString('latin1', start, end)) as unknown);
		return {data: validate({...newest.head, keys, activity: []}), keyCount: newest.keyCount};
	} catch {
		return null;
	}
}
