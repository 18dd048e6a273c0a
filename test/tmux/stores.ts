import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {generateKey, renewToken} from '../../source/core/keys.js';
import {redeemLink} from '../../source/core/links.js';
import {DAY, HOUR, addMonths} from '../../source/core/time.js';
import type {StoreData} from '../../source/core/types.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {context, freshStore, tempDir} from '../helpers.js';

/**
 * A store whose keys have the ages a test needs, built through the core rules at past times (the
 * program has no clock to set) and written as `init` would leave it: 3 due soon, 2 past due, one
 * with an unused link, one with a renewal pending, one fresh.
 */
export function storeWithAges(now = Date.now()): {path: string; appKeyOf(name: string): string} {
	const data: StoreData = freshStore('acme', 'alice', addMonths(now, -12));
	const make = (name: string, created: number, redeem = true) => {
		const {key, reveal} = generateKey(data, {name, roles: ['OMS - Read only']}, context(created, 'alice'));
		if (redeem && reveal.kind === 'link') redeemLink(data, reveal.url, context(created, 'alice'));
		return key;
	};
	make('Fresh integration', now - 30 * DAY);
	make('Soon one', addMonths(now, -3) + 2 * DAY);
	make('Soon two', addMonths(now, -3) + 6 * DAY);
	make('Soon three', addMonths(now, -3) + 12 * DAY);
	make('Late orange', addMonths(now, -4));
	make('Late red', addMonths(now, -7));
	make('Unused link', now - HOUR, false);
	const pending = make('Pending renewal', now - 40 * DAY);
	renewToken(data, pending.appKey, 'later', context(now - 2 * DAY, 'alice'));
	data.revision = 1;
	const path = join(tempDir(), 'store.json');
	writeFileSync(path, serializeStore(data), {mode: 0o600});
	return {path, appKeyOf: name => data.keys.find(k => k.name === name)!.appKey};
}
