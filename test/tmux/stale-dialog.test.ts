import {describe, expect, it} from 'vitest';
import {hasTmux, startTmux, TMUX_KEY, type TmuxSession} from '../e2e/tmux.js';
import {dialogText, twoAdminStore} from './two-admins.js';

const SIZES = [
	[120, 40],
	[80, 24],
	[60, 20],
] as const;

const conflict = (who: string, what: string) =>
	new RegExp(`changed since this dialog opened \\(by ${who} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\): ${what}\\. Nothing was saved\\.`);

/**
 * Opens Edit on `appKey` and ticks its first role while bob adds Checkout Admin from another shell,
 * then presses Save: the screen that shows the conflict.
 */
async function editAgainstBob(app: TmuxSession, appKey: string, bob: (args: string[]) => Promise<string>): Promise<string> {
	await app.waitFor(appKey);
	app.type('.');
	await app.waitFor(`⋮ ${appKey}`);
	app.type('1');
	await app.waitFor(`Edit ${appKey}`);
	// The first role is under the cursor: alice ticks it while bob works in another shell.
	app.press(TMUX_KEY.space);
	await app.waitFor('[x] OMS - Full access');
	await bob(['edit', appKey, '--add-role', 'Checkout Admin']);
	app.press(TMUX_KEY.enter);
	return app.waitFor(screen => conflict('bob', 'roles \\+Checkout Admin').test(dialogText(screen)));
}

/** The dialog's frame on the screen is whole: a top and a bottom border, and every row between them closed on both sides. */
function expectWholeFrame(screen: string, columns: number): void {
	const lines = screen.split('\n');
	const top = lines.findIndex(line => line.startsWith(' ╭'));
	const bottom = lines.findIndex(line => line.startsWith(' ╰'));
	expect(top).toBeGreaterThan(0);
	expect(lines[bottom]).toMatch(new RegExp(`^ ╰─{${columns - 4}}╯$`));
	for (const line of lines.slice(top + 1, bottom)) expect(line).toMatch(new RegExp(`^ │.{${columns - 4}}│$`, 'u'));
}

describe.skipIf(!hasTmux)('a stale dialog never overwrites another admin’s change (tmux)', () => {
	it.each(SIZES)('Edit at %i×%i: bob adds a role from the command line; Save shows it and who, then saves on top of it', async (columns, rows) => {
		const {store, bob, generate, key} = await twoAdminStore();
		const appKey = await generate('ERP', ['OMS - Read only']);
		const app = startTmux(['--store', store], {columns, rows});
		try {
			const asked = dialogText(await editAgainstBob(app, appKey, bob));
			expect(asked).toContain('Shown as it is now, your changes on top: Save again to apply them.');
			expect(asked).toContain(`Edit ${appKey}`);
			expect((await key(appKey)).roles).toEqual(['OMS - Read only', 'Checkout Admin']);
			// Asked again: alice's tick is still there, and Save now keeps bob's role.
			expect(asked).toContain('[x] OMS - Full access');
			app.press(TMUX_KEY.enter);
			await app.waitFor(`Saved ${appKey}.`);
			expect((await key(appKey)).roles).toEqual(['OMS - Full access', 'OMS - Read only', 'Checkout Admin']);
		} finally {
			app.close();
		}
	});

	it.each(SIZES)('Settings at %i×%i: bob changes the reveal mode; Apply shows it, then applies only what alice changed', async (columns, rows) => {
		const {store, bob, alice} = await twoAdminStore();
		const app = startTmux(['--store', store], {columns, rows});
		try {
			await app.waitFor('Generated');
			app.press(TMUX_KEY.tab, TMUX_KEY.tab, TMUX_KEY.tab);
			await app.waitFor('Enter changes the settings.');
			app.press(TMUX_KEY.enter);
			await app.waitFor('Renewal alert');
			app.press(TMUX_KEY.space);
			await app.waitFor('(•) 6 months');
			await bob(['settings', '--reveal', 'direct']);
			// Period → reveal → URL → Cancel → Apply.
			app.press(TMUX_KEY.tab, TMUX_KEY.tab, TMUX_KEY.tab, TMUX_KEY.tab, TMUX_KEY.enter);
			const asked = dialogText(await app.waitFor(screen => conflict('bob', 'reveal link → direct').test(dialogText(screen))));
			expect(asked).toContain('Shown as they are now, your changes on top: Apply again to apply them.');
			// At 60 columns the two choices wrap side by side: the chosen one's first words are enough.
			expect(asked).toContain('(•) directly in the');
			expect(asked).toContain('(•) 6 months');
			app.press(TMUX_KEY.enter);
			await app.waitFor('Settings applied.');
			expect(JSON.parse(await alice(['settings', '--json']))).toMatchObject({renewalAlertMonths: 6, reveal: 'direct'});
		} finally {
			app.close();
		}
	});

	it('Edit with a conflict, resized from 120×40 to 60×20 and 54×17: the error stays inside a whole frame', async () => {
		const {store, bob, generate} = await twoAdminStore();
		const appKey = await generate('ERP', ['OMS - Read only']);
		const app = startTmux(['--store', store], {columns: 120, rows: 40});
		try {
			await editAgainstBob(app, appKey, bob);
			app.resize(60, 20);
			// At 60×20 the list gives its rows to the error, which is there whole.
			const narrow = await app.waitFor(screen => /^ ╭─{56}╮$/m.test(screen) && screen.includes('Save again to apply them.'));
			expectWholeFrame(narrow, 60);
			expect(dialogText(narrow)).toMatch(conflict('bob', 'roles \\+Checkout Admin'));
			expect(narrow).toContain('Roles (');
			app.resize(54, 17);
			// At the smallest size the error's end is cut, inside the frame.
			expectWholeFrame(await app.waitFor(screen => /^ ╭─{50}╮$/m.test(screen) && screen.includes('✗')), 54);
		} finally {
			app.close();
		}
	});

	it('Deactivate at 80×24: bob deactivates the key first; confirming closes the dialog, saying who did, with nothing left to do', async () => {
		const {store, bob, generate, key} = await twoAdminStore();
		const appKey = await generate('ERP', ['OMS - Read only']);
		const app = startTmux(['--store', store], {columns: 80, rows: 24});
		try {
			await app.waitFor(appKey);
			app.type('.');
			await app.waitFor(`⋮ ${appKey}`);
			app.type('2');
			await app.waitFor('Deactivate key');
			await bob(['deactivate', appKey, '--yes']);
			// Focus starts on Cancel: Tab to Deactivate, twice (it asks again).
			app.press(TMUX_KEY.tab, TMUX_KEY.enter);
			await app.waitFor('Deactivate key — confirm again');
			app.press(TMUX_KEY.tab, TMUX_KEY.enter);
			const screen = await app.waitFor(text => text.includes(`✓ ${appKey} is inactive: bob changed it at`) && !text.includes('Deactivate key'));
			expect(screen).toMatch(new RegExp(`✓ ${appKey} is inactive: bob changed it at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.`));
			expect(screen).not.toContain('go ahead anyway');
			expect((await key(appKey)) as unknown as {status: string}).toMatchObject({status: 'Inactive'});
		} finally {
			app.close();
		}
	});

	it('External edit at 80×24: bob edits the roles from the command line; Save shows it and asks again', async () => {
		const {store, bob, alice} = await twoAdminStore();
		const external = 'vtexappkey-partner-QWERTY';
		await alice(['external', 'add', external]);
		const app = startTmux(['--store', store], {columns: 80, rows: 24});
		try {
			await app.waitFor('Generated');
			app.press(TMUX_KEY.tab);
			await app.waitFor(external);
			app.type('.');
			await app.waitFor('Edit roles');
			app.type('1');
			await app.waitFor(`Edit roles of ${external}`);
			app.press(TMUX_KEY.space);
			await app.waitFor('[x] OMS - Full access');
			await bob(['external', 'edit', external, '--role', 'Checkout Admin']);
			app.press(TMUX_KEY.enter);
			await app.waitFor(screen => conflict('bob', 'roles \\+Checkout Admin').test(dialogText(screen)));
			app.press(TMUX_KEY.enter);
			await app.waitFor(`Saved ${external}.`);
			const [row] = JSON.parse(await alice(['external', 'list', '--json'])) as Array<{roles: string[]}>;
			expect([...row!.roles].sort()).toEqual(['Checkout Admin', 'OMS - Full access']);
		} finally {
			app.close();
		}
	});
});
