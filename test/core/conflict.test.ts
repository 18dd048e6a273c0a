import {describe, expect, it} from 'vitest';
import {recordActivity} from '../../source/core/activity.js';
import {ConflictError, expectedOf, requireKeyAsShown, requireSettingsAsShown} from '../../source/core/conflict.js';
import {editKey, generateKey, renewToken, undoRenewal} from '../../source/core/keys.js';
import {HOUR} from '../../source/core/time.js';
import {updateSettings} from '../../source/core/settings.js';
import type {GeneratedKey} from '../../source/core/types.js';
import {T0, context, freshStore} from '../helpers.js';

const ctx = context();

/** A store with one key, and what a dialog took of it when it opened. */
function shownKey() {
	const data = freshStore();
	data.settings.reveal = 'direct';
	const {key} = generateKey(data, {name: 'ERP', roles: ['OMS - Read only']}, ctx);
	recordActivity(data, {at: T0, operator: 'alice', action: 'generate', appKey: key.appKey});
	return {data, appKey: key.appKey, expected: expectedOf(data, key)};
}

const current = (data: ReturnType<typeof freshStore>, appKey: string) => data.keys.find(k => k.appKey === appKey)!;

function conflictOf<T = GeneratedKey>(run: () => void): ConflictError<T> {
	try {
		run();
	} catch (error) {
		if (error instanceof ConflictError) return error as ConflictError<T>;
		throw error;
	}
	throw new Error('expected a conflict');
}

describe('a change checks the key is still as the dialog showed it', () => {
	it('passes when nothing changed, and when only "last used" did (verification is not an edit)', () => {
		const {data, appKey, expected} = shownKey();
		expect(() => requireKeyAsShown(data, current(data, appKey), expected)).not.toThrow();
		data.keys[0] = {...current(data, appKey), lastUsed: T0 + HOUR};
		expect(() => requireKeyAsShown(data, current(data, appKey), expected)).not.toThrow();
	});

	it('refuses after another admin added a role, saying what changed, by whom and when, from the log', () => {
		const {data, appKey, expected} = shownKey();
		const {summary} = editKey(data, appKey, {addRoles: ['Checkout Admin']});
		recordActivity(data, {at: T0 + 2 * HOUR, operator: 'bob', action: 'edit', appKey, summary});
		const conflict = conflictOf(() => requireKeyAsShown(data, current(data, appKey), expected));
		expect(conflict.message).toBe(`${appKey} changed since this dialog opened (by bob at 2026-01-15 14:00 UTC): roles +Checkout Admin. Nothing was saved.`);
		expect(conflict.kind).toBe('refused');
		// What the next try expects: the key as it is now, and the log up to bob's entry.
		expect(conflict.conflict.now).toEqual({shown: current(data, appKey), seen: data.activity.length});
		expect(() => requireKeyAsShown(data, current(data, appKey), conflict.conflict.now)).not.toThrow();
	});

	it('names a removed role, a status change, a renewal and an undone renewal', () => {
		const {data, appKey, expected} = shownKey();
		editKey(data, appKey, {removeRoles: ['OMS - Read only'], active: false});
		expect(conflictOf(() => requireKeyAsShown(data, current(data, appKey), expected)).conflict.changes).toEqual(['roles −OMS - Read only', 'status Active → Inactive']);
		const beforeRenewal = expectedOf(data, current(data, appKey));
		renewToken(data, appKey, 'later', context(T0 + HOUR));
		expect(conflictOf(() => requireKeyAsShown(data, current(data, appKey), beforeRenewal)).conflict.changes).toEqual(['token renewed']);
		const pending = expectedOf(data, current(data, appKey));
		undoRenewal(data, appKey);
		expect(conflictOf(() => requireKeyAsShown(data, current(data, appKey), pending)).conflict.changes).toEqual(['renewal undone']);
	});

	it('names only the log entries written since the dialog opened', () => {
		const {data, appKey, expected} = shownKey();
		recordActivity(data, {at: T0 + HOUR, operator: 'carol', action: 'edit', appKey: 'appkey-acme-OTHERS'});
		editKey(data, appKey, {active: false});
		recordActivity(data, {at: T0 + 2 * HOUR, operator: 'bob', action: 'edit', appKey});
		expect(conflictOf(() => requireKeyAsShown(data, current(data, appKey), expected)).conflict.by.map(e => e.operator)).toEqual(['bob']);
	});

	it('the settings form too', () => {
		const data = freshStore();
		const expected = expectedOf(data, data.settings);
		updateSettings(data, {renewalAlertMonths: 6});
		recordActivity(data, {at: T0 + HOUR, operator: 'bob', action: 'settings'});
		expect(conflictOf(() => requireSettingsAsShown(data, expected)).message).toBe(
			'The settings changed since this dialog opened (by bob at 2026-01-15 13:00 UTC): renewalAlertMonths 3 → 6. Nothing was saved.',
		);
	});
});
