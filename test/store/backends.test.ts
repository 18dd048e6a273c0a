import {expect, it} from 'vitest';
import {refused} from '../../source/core/errors.js';
import {editExternalRoles} from '../../source/core/external.js';
import {redeemLink} from '../../source/core/links.js';
import {context, freshStore} from '../helpers.js';
import {eachStore} from '../stores.js';

/** What the service asks of every store (StoreBackend), held by the file store and PostgreSQL alike. */
eachStore('a store under the service', stores => {
	it('refuses to create over an existing store, changing nothing', async () => {
		const store = await stores.fresh();
		await store.createBackend(freshStore());
		const before = await store.contents();
		await expect(store.createBackend(freshStore('other'))).rejects.toThrow(`a store already exists ${store.kind === 'file' ? 'at' : 'in'} ${store.where()}`);
		expect(await store.contents()).toBe(before);
	});

	it('says how to create one when there is none', async () => {
		const store = await stores.fresh();
		await expect(store.openBackend()).rejects.toThrow(/no store (at|in) .+: create one with "apikeys init --account NAME/);
	});

	it('sees a change made through another handle (another process, another host) on the next read, and bumps the revision once per change', async () => {
		const store = await stores.fresh();
		const first = await store.createBackend(freshStore());
		const other = await store.openBackend();
		await other.transact(data => void (data.settings.reveal = 'direct'));
		expect((await first.read()).settings.reveal).toBe('direct');
		expect(first.revision).toBe(2);
		expect(await store.revision()).toBe(2);
	});

	it('writes nothing when a change throws, and reads the store as it was afterwards', async () => {
		const store = await stores.fresh();
		const backend = await store.createBackend(freshStore());
		const before = await store.contents();
		await expect(
			backend.transact(data => {
				data.account = 'changed-in-memory';
				throw new Error('rule refused');
			}),
		).rejects.toThrow('rule refused');
		expect(await store.contents()).toBe(before);
		expect((await backend.read()).account).toBe('acme');
	});

	it('runs a change on a copy: refused after changing its copy, the data in memory and in the store are as they were', async () => {
		const store = await stores.fresh();
		const backend = await store.createBackend(freshStore());
		const service = await store.open('alice');
		await service.addExternal({appKey: 'vtexappkey-partner-QWERTY', roles: []});
		const {reveal} = await service.generate({name: 'ERP', roles: []});
		if (reveal.kind !== 'link') throw new Error('expected a link');
		await backend.read();
		const before = await store.contents();
		await expect(
			backend.transact(data => {
				data.account = 'changed-in-memory';
				editExternalRoles(data, 'vtexappkey-partner-QWERTY', ['Checkout Admin']);
				redeemLink(data, reveal.url, context(Date.now(), 'bob'));
				throw refused('refused after changing its copy');
			}),
		).rejects.toThrow('refused after changing its copy');
		const now = backend.peek()!;
		expect(now.account).toBe('acme');
		expect(now.external[0]!.roles).toEqual([]);
		expect(now.links[0]!.used).toBeUndefined();
		expect(now.links[0]!.sealed).toEqual(expect.any(String));
		expect(await store.contents()).toBe(before);
	});
});
