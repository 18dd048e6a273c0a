import {afterAll, describe, expect, it} from 'vitest';
import {createDemoStore} from '../../source/demo.js';
import {ApiKeysService} from '../../source/service.js';
import {T0} from '../helpers.js';

const demo = await createDemoStore('alice', T0);
afterAll(() => demo.remove());
const service = await ApiKeysService.open(demo.path, {operator: 'alice', clock: () => T0});

describe('the demo store', () => {
	it('has about 40 keys with red and orange alerts, two pending renewals, three inactive keys and five external keys', async () => {
		const {rows} = await service.listKeys();
		expect(rows).toHaveLength(40);
		expect(rows.filter(r => r.alert === 'red').length).toBeGreaterThan(0);
		expect(rows.filter(r => r.alert === 'orange').length).toBeGreaterThan(0);
		expect(rows.filter(r => r.oldToken)).toHaveLength(2);
		expect(rows.filter(r => r.status === 'Inactive')).toHaveLength(3);
		expect(rows.filter(r => r.lastUsed !== undefined).length).toBeGreaterThan(30);
		expect(await service.listExternal()).toHaveLength(5);
	});

	it('logs what each step did: every key with its own name and roles, every external key with its own roles', async () => {
		const activity = await service.activity();
		const {rows} = await service.listKeys();
		const rolesText = (roles: readonly string[]) => (roles.length > 0 ? roles.join(', ') : '(none)');
		for (const key of rows) {
			const generated = activity.filter(e => e.action === 'generate' && e.appKey === key.appKey);
			expect(generated.map(e => e.summary)).toEqual([`name: ${key.name}; roles: ${rolesText(key.roles)}`]);
		}
		for (const key of await service.listExternal()) {
			const added = activity.filter(e => e.action === 'external add' && e.appKey === key.appKey);
			expect(added.map(e => e.summary)).toEqual([`roles: ${rolesText(key.roles)}`]);
		}
		const inactive = rows.filter(r => r.status === 'Inactive').map(r => r.appKey);
		expect(activity.filter(e => e.action === 'deactivate').map(e => e.appKey).sort()).toEqual(inactive.sort());
		expect(activity.map(e => e.at)).toEqual(activity.map(e => e.at).sort((a, b) => b - a));
	});
});
