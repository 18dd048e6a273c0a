import {describe, expect, it} from 'vitest';
import {expectedOf} from '../../source/core/conflict.js';
import {HOUR} from '../../source/core/time.js';
import type {ApiKeysService} from '../../source/service.js';
import {T0} from '../helpers.js';
import {eachStore} from '../stores.js';

eachStore('two admins on one store', stores => {
	/** Two admins on one store: alice's dialog is open while bob changes things from another shell (another host). */
	async function twoAdmins() {
		let now = T0;
		const clock = () => now;
		const store = await stores.fresh();
		const alice = await store.init({clock});
		await alice.addOperator({login: 'bob', roles: ['User Administrator - RESTRICTED']});
		const bob = await store.open('bob', {clock});
		return {alice, bob, store, advance: (ms: number) => (now += ms)};
	}

	/** What a dialog opened now takes of a key. */
	async function shownKey(service: ApiKeysService, appKey: string) {
		const data = await service.snapshot();
		// A database store's snapshot holds no keys: the app's dialogs take the key from the rows it read for the screen.
		return expectedOf(data, data.keys.find(k => k.appKey === appKey) ?? (await service.keysByAppKey([appKey]))[0]!);
	}

	describe('a dialog saves only over the state it showed', () => {
		it("Edit: bob's role added meanwhile is not replaced; the refusal names it, bob and the time, and nothing is written", async () => {
			const {alice, bob, store, advance} = await twoAdmins();
			const {row} = await alice.generate({name: 'ERP', roles: ['OMS - Read only']});
			const shown = await shownKey(alice, row.appKey);
			advance(2 * HOUR);
			await bob.edit(row.appKey, {addRoles: ['Checkout Admin']});
			const before = await store.contents();
			await expect(alice.edit(row.appKey, {roles: ['OMS - Read only', 'Payments Notifier']}, shown)).rejects.toThrow(
				`${row.appKey} changed since this dialog opened (by bob at 2026-01-15 14:00 UTC): roles +Checkout Admin. Nothing was saved.`,
			);
			expect(await store.contents()).toBe(before);
			expect((await alice.getKey(row.appKey)).roles).toEqual(['OMS - Read only', 'Checkout Admin']);
			// Asked again, with the key as it is now, the save goes through.
			await alice.edit(row.appKey, {roles: ['OMS - Read only', 'Checkout Admin', 'Payments Notifier']}, await shownKey(alice, row.appKey));
			expect((await alice.getKey(row.appKey)).roles).toEqual(['OMS - Read only', 'Checkout Admin', 'Payments Notifier']);
		});

		it("the command line's --add-role/--remove-role stay a merge over whatever is there", async () => {
			const {alice, bob} = await twoAdmins();
			const {row} = await alice.generate({name: 'ERP', roles: ['OMS - Read only']});
			await alice.edit(row.appKey, {addRoles: ['Checkout Admin']});
			await bob.edit(row.appKey, {addRoles: ['Payments Notifier'], removeRoles: ['OMS - Read only']});
			expect((await alice.getKey(row.appKey)).roles).toEqual(['Checkout Admin', 'Payments Notifier']);
		});

		it('a confirmation (Deactivate) over a key renewed meanwhile is refused', async () => {
			const {alice, bob} = await twoAdmins();
			const {row} = await alice.generate({name: 'ERP', roles: []});
			await alice.revokeLink(row.appKey);
			const shown = await shownKey(alice, row.appKey);
			await bob.renew(row.appKey, 'now');
			await expect(alice.deactivate(row.appKey, shown)).rejects.toThrow(`${row.appKey} changed since this dialog opened (by bob at 2026-01-15 12:00 UTC): token renewed. Nothing was saved.`);
			expect((await alice.getKey(row.appKey)).status).toBe('Active');
		});

		it('the External and Settings forms too', async () => {
			const {alice, bob} = await twoAdmins();
			await alice.addExternal({appKey: 'vtexappkey-partner-QWERTY', roles: []});
			const data = await alice.snapshot();
			const external = expectedOf(data, data.external[0]!);
			const settings = expectedOf(data, data.settings);
			await bob.editExternal('vtexappkey-partner-QWERTY', ['Checkout Admin']);
			await bob.updateSettings({reveal: 'direct'});
			await expect(alice.editExternal('vtexappkey-partner-QWERTY', ['OMS - Read only'], external)).rejects.toThrow(
				'vtexappkey-partner-QWERTY changed since this dialog opened (by bob at 2026-01-15 12:00 UTC): roles +Checkout Admin. Nothing was saved.',
			);
			await expect(alice.updateSettings({renewalAlertMonths: 6, reveal: 'link'}, settings)).rejects.toThrow(
				'The settings changed since this dialog opened (by bob at 2026-01-15 12:00 UTC): reveal link → direct. Nothing was saved.',
			);
			expect((await alice.snapshot()).settings).toMatchObject({renewalAlertMonths: 3, reveal: 'direct'});
		});
	});

	describe('revoke link', () => {
		it('is recorded in the activity without the link, and a renewal can start at once', async () => {
			const {alice, bob} = await twoAdmins();
			const {row, reveal} = await alice.generate({name: 'ERP', roles: []});
			await expect(bob.renew(row.appKey, 'later')).rejects.toThrow('has a single-access link that has not been used yet');
			const {restored} = await bob.revokeLink(row.appKey);
			expect(restored).toBe(false);
			const [latest] = await alice.activity();
			expect(latest).toMatchObject({operator: 'bob', action: 'revoke link', appKey: row.appKey, summary: 'unused link and its token destroyed; no usable token until renewed'});
			expect(JSON.stringify(await alice.activity())).not.toContain(reveal.kind === 'link' ? reveal.url.split('/').pop() : 'never');
			await expect(bob.revokeLink(row.appKey)).rejects.toThrow(`${row.appKey} has no unused single-access link to revoke`);
			await expect(bob.renew(row.appKey, 'later')).resolves.toBeDefined();
		});
	});
});
