import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import {fixtureService} from './fixtures.js';
import {KEYS, renderSized} from './render.js';

/** The text inside the dialog's box, its lines joined, for sentences that wrap. */
const dialogText = (frame: string) =>
	frame
		.split('\n')
		.filter(line => line.includes('│'))
		.map(line => line.replace(/│/g, '').trim())
		.join(' ');

describe('a store file deleted while the app is open', () => {
	it('is said in the status line, the last keys stay shown, a change is refused, and the store is shown again once it is back', async () => {
		const {service, path, keyNamed} = await fixtureService();
		const ui = renderSized(<App service={service} />, {columns: 200, rows: 40});
		await ui.waitFor('4 of 4 keys');
		const saved = readFileSync(path);
		rmSync(path);
		const frame = await ui.waitFor('was deleted', 1500);
		expect(frame).toContain(`✗ store ${path} was deleted or moved since it was read; the keys shown are the last read · 4 of 4 keys`);
		expect(frame).toContain(keyNamed('ERP integration'));
		// Deactivating the selected key: the dialog says why it cannot, and no file appears.
		await ui.press(KEYS.enter);
		await ui.waitFor('Delete Key');
		await ui.press('j', KEYS.enter);
		await ui.waitFor('Deactivate key');
		await ui.press(KEYS.tab, KEYS.enter);
		await ui.waitFor('confirm again');
		await ui.press(KEYS.tab, KEYS.enter);
		expect(dialogText(await ui.waitFor('│ ✗ store', 1500))).toContain(`✗ store ${path} was deleted or moved since it was read`);
		expect(() => readFileSync(path)).toThrow(/ENOENT/);
		await ui.press(KEYS.escape);
		expect(await ui.waitFor(f => !f.includes('confirm again'))).toContain(keyNamed('ERP integration'));
		writeFileSync(path, saved, {mode: 0o600});
		const back = await ui.waitFor(f => !f.includes('was deleted'), 1500);
		expect(back).toContain('4 of 4 keys · 2 past due · status: all');
	});
});
