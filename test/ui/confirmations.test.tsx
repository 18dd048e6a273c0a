import {describe, expect, it} from 'vitest';
import {ACTIVATE_WARNING} from '../../source/core/keys.js';
import type {ApiKeysService} from '../../source/service.js';
import {App} from '../../source/ui/app.js';
import {fixtureService} from './fixtures.js';
import {KEYS, renderSized} from './render.js';

/** The frame's text with box borders and line breaks folded, for sentences that wrap inside a dialog. */
const flat = (frame: string) => frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');

interface Case {
	kind: string;
	/** Keys from the Generated tab to the row or tab, then from there to the dialog: the menu and the item's number. */
	row: string[];
	menu: string[];
	title: string;
	body: (key: string) => string;
	action: string;
	warning?: string;
	/** What the store says about the key, before and after the action. */
	state(service: ApiKeysService, key: string): Promise<unknown>;
	before: unknown;
	after: unknown;
	success: (key: string) => string;
	keyName: string;
}

const status = async (service: ApiKeysService, key: string) => (await service.getKey(key)).status;
const pending = async (service: ApiKeysService, key: string) => `${(await service.getKey(key)).token.age}${(await service.getKey(key)).oldToken ? ' + old' : ''}`;
const exists = async (service: ApiKeysService, key: string) => (await service.listKeys()).rows.some(r => r.appKey === key);

// Rows, newest first: ERP integration, Marketplace feed, Payments webhook (renewal pending), Legacy bridge (inactive).
const CASES: Case[] = [
	{kind: 'activate', keyName: 'Legacy bridge', row: ['G'], menu: ['.', '2'], title: 'Activate key', body: k => `Activate ${k} (Legacy bridge)?`, action: 'Activate', warning: ACTIVATE_WARNING, state: status, before: 'Inactive', after: 'Active', success: k => `Activated ${k}.`},
	{kind: 'delete-old-token', keyName: 'Payments webhook', row: ['j', 'j'], menu: ['.', '4'], title: 'Delete old token', body: k => `Delete the old token of ${k} (Payments webhook)? Only the new token will be valid.`, action: 'Delete', warning: 'Make sure no integration still uses the old token. This cannot be undone.', state: pending, before: '2 days + old', after: '2 days', success: k => `Deleted the old token of ${k}.`},
	{kind: 'undo-renewal', keyName: 'Payments webhook', row: ['j', 'j'], menu: ['.', '5'], title: 'Undo renewal', body: k => `Undo the renewal of ${k} (Payments webhook)? The new token and its link are destroyed and the old token is current again.`, action: 'Undo', state: pending, before: '2 days + old', after: '7 months', success: k => `Undid the renewal of ${k}; the old token is current again.`},
	{kind: 'external-remove', keyName: '', row: [KEYS.tab], menu: ['.', '2'], title: 'Remove external key', body: k => `Remove ${k}? Account partnerco loses the roles it had in this account.`, action: 'Remove', state: async service => (await service.listExternal()).length, before: 1, after: 0, success: k => `Removed ${k}.`},
];

async function open(c: {keyName: string; row: string[]; menu: string[]; title: string}) {
	const fixture = await fixtureService();
	const ui = renderSized(<App service={fixture.service} />, {columns: 120, rows: 40});
	await ui.waitFor('4 of 4 keys');
	const key = c.keyName ? fixture.keyNamed(c.keyName) : 'vtexappkey-partnerco-QWERTY';
	await ui.press(...c.row, ...c.menu);
	const dialog = await ui.waitFor(c.title);
	return {...fixture, ui, key, dialog};
}

describe('each confirmation on its own', () => {
	it.each(CASES)('$kind: says what it does, starts on Cancel, Cancel changes nothing, the action acts', async c => {
		const {ui, service, key, dialog} = await open(c);
		expect(flat(dialog)).toContain(c.body(key));
		if (c.warning) expect(flat(dialog)).toContain(`⚠ ${c.warning}`);
		expect(dialog).toContain('[ Cancel ]');
		expect(dialog).not.toContain(`[ ${c.action} ]`);
		await ui.press(KEYS.enter);
		await ui.waitFor(f => !f.includes(c.title));
		expect(await c.state(service, key)).toEqual(c.before);
		await ui.press(...c.menu);
		await ui.waitFor(c.title);
		await ui.press(KEYS.tab);
		await ui.waitFor(`[ ${c.action} ]`);
		await ui.press(KEYS.enter);
		await ui.waitFor(`✓ ${c.success(key)}`);
		expect(await c.state(service, key)).toEqual(c.after);
	});

	it('deactivate asks twice, each time starting on Cancel, and acts only on the second', async () => {
		const {ui, service, key, dialog} = await open({keyName: 'ERP integration', row: [], menu: ['.', '2'], title: 'Deactivate key'});
		expect(flat(dialog)).toContain(`Deactivate ${key} (ERP integration)? Every integration using it stops working.`);
		expect(dialog).toContain('[ Cancel ]');
		await ui.press(KEYS.tab, KEYS.enter);
		const again = await ui.waitFor('Deactivate key — confirm again');
		expect(flat(again)).toContain(`Are you sure? ${key} will fail every verification until it is activated again.`);
		expect(again).toContain('[ Cancel ]');
		expect(again).not.toContain('[ Deactivate ]');
		expect(await status(service, key)).toBe('Active');
		await ui.press(KEYS.enter);
		await ui.waitFor(f => !f.includes('Deactivate key'));
		expect(await status(service, key)).toBe('Active');
		await ui.press('.', '2');
		await ui.waitFor('Deactivate key');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor('confirm again');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor(`✓ Deactivated ${key}.`);
		expect(await status(service, key)).toBe('Inactive');
	});

	it('delete key starts on its box, and Delete stays disabled until the box is ticked', async () => {
		const {ui, service, key, dialog} = await open({keyName: 'ERP integration', row: [], menu: ['.', '4'], title: 'Delete key'});
		expect(flat(dialog)).toContain(`Delete ${key} (ERP integration) with its tokens and links?`);
		expect(flat(dialog)).toContain('⚠ Make sure no integration uses this key any more.');
		expect(dialog).toContain('[ ] I understand that this action cannot be undone');
		expect(dialog).not.toContain('[ Cancel ]');
		// Enter on the focused, disabled Delete does nothing; Shift-Tab after it shows it was read.
		await ui.press(KEYS.tab, KEYS.tab);
		await ui.waitFor('[ Delete ]');
		await ui.press(KEYS.enter, KEYS.shiftTab);
		const still = await ui.waitFor('[ Cancel ]');
		expect(still).toContain('Delete key');
		expect(await exists(service, key)).toBe(true);
		await ui.press(KEYS.shiftTab, KEYS.space);
		await ui.waitFor('[x] I understand');
		await ui.press(KEYS.tab, KEYS.tab, KEYS.enter);
		await ui.waitFor(`✓ Deleted ${key}.`);
		expect(await exists(service, key)).toBe(false);
	});
});
