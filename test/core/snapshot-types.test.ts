import {describe, expect, it} from 'vitest';
import {editKey, generateKey} from '../../source/core/keys.js';
import type {StoreData, StoreSnapshot} from '../../source/core/types.js';
import {context, freshStore} from '../helpers.js';

// The @ts-expect-error lines are the test: `npm test` type-checks first, and fails if any of them compiles.
describe('snapshots and drafts, as the compiler sees them', () => {
	it('a key is never changed in place, in a draft or a snapshot; only a draft changes its lists', () => {
		const draft: StoreData = freshStore();
		const {key} = generateKey(draft, {name: 'ERP', roles: []}, context());
		const attempts = [
			// @ts-expect-error a key's fields cannot be assigned
			() => void (key.name = 'renamed'),
			// @ts-expect-error nor its roles pushed to
			() => void key.roles.push('OMS - Read only'),
			// @ts-expect-error nor its token record changed
			() => void (key.token.created = 0),
			// @ts-expect-error nor an activity entry
			() => void (draft.activity[0]!.summary = 'rewritten'),
			// @ts-expect-error nor an operator's roles
			() => void draft.operators[0]!.roles.push('Owner (Admin Super)'),
		];
		const snapshot: StoreSnapshot = draft;
		const snapshotAttempts = [
			// @ts-expect-error a snapshot's lists cannot change
			() => void snapshot.keys.push(key),
			// @ts-expect-error nor be replaced
			() => void (snapshot.activity = []),
			// @ts-expect-error nor its settings
			() => void (snapshot.settings.keyPrefix = 'x'),
		];
		void [attempts, snapshotAttempts];
		// What the types stand for at run time: a rule puts a new object in the key's place.
		const {key: edited} = editKey(draft, key.appKey, {roles: ['OMS - Read only']});
		expect(edited).not.toBe(key);
		expect(key.roles).toEqual([]);
		expect(draft.keys).toEqual([edited]);
	});
});
