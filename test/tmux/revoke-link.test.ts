import {describe, expect, it} from 'vitest';
import {hasTmux, startTmux, TMUX_KEY, type TmuxSession} from '../e2e/tmux.js';
import {runCli} from '../helpers.js';
import {dialogText, twoAdminStore} from './two-admins.js';

const SIZES = [
	[120, 40],
	[80, 24],
	[60, 20],
] as const;

describe.skipIf(!hasTmux)('a lost link does not block a key (tmux)', () => {
	it.each(SIZES)('at %i×%i: revoke-link from the command line and Revoke Link in the app; Renew works at once after each', async (columns, rows) => {
		const {store, bob, generate, key} = await twoAdminStore();
		const appKey = await generate('ERP');
		const app = startTmux(['--store', store], {columns, rows});
		try {
			await app.waitFor(appKey);
			app.type('.');
			await app.waitFor('Revoke Link');

			// From another shell, bob revokes the unused link of the key; the open menu stops offering it.
			const refused = await runCli(['revoke-link', appKey, '--store', store], {operator: 'bob'});
			expect(refused).toMatchObject({code: 2, stdout: '', stderr: 'apikeys: revoking the link destroys the token it holds: add --yes to confirm\n'});
			const revoked = await bob(['revoke-link', appKey, '--yes']);
			expect(revoked).toBe(`Revoked the unused link of ${appKey} (ERP): its token is destroyed; the key has no usable token until you renew it.\n`);
			await app.waitFor(screen => screen.includes('Renew Token') && !screen.includes('Revoke Link'));
			const again = await runCli(['revoke-link', appKey, '--yes', '--store', store], {operator: 'bob'});
			expect(again).toMatchObject({code: 1, stdout: '', stderr: `apikeys: ${appKey} has no unused single-access link to revoke\n`});

			// Renew works at once; the revoked token was nobody's, so it is not kept as the old one.
			app.type('3');
			await renewLater(app, appKey);
			app.press(TMUX_KEY.enter);
			await app.waitFor(`Renewed ${appKey}: it had no usable`);
			expect((await key(appKey)).pendingRenewal).toBe(false);

			// In the app: Revoke Link asks, says what happens, and needs a deliberate press.
			app.type('.');
			await app.waitFor('Revoke Link');
			// Edit, Deactivate, Renew Token (dimmed while the link is unused), Revoke Link.
			app.type('4');
			const asked = dialogText(await app.waitFor('Revoke link'));
			expect(asked).toContain(`Revoke the unused link of ${appKey} (ERP)? The token it holds is destroyed: the key has no usable token until it is renewed.`);
			app.press(TMUX_KEY.tab, TMUX_KEY.enter);
			await app.waitFor(`✓ Revoked the link of ${appKey}.`);
			expect(app.screen()).toContain('· no usable token');

			// And Renew at once again.
			app.type('.');
			await app.waitFor('Renew Token');
			app.type('3');
			await renewLater(app, appKey);

			const audit = await bob(['audit']);
			expect(audit).toMatch(new RegExp(`bob\\s+revoke link\\s+${appKey}\\s+unused link and its token destroyed; no usable token until renewed`));
			expect(audit).toMatch(new RegExp(`alice\\s+revoke link\\s+${appKey}\\s+unused link and its token destroyed; no usable token until renewed`));
			expect(audit).toMatch(new RegExp(`alice\\s+renew token\\s+${appKey}\\s+no old token \\(its link was revoked\\)`));
			expect(audit).not.toContain('/credentials/');
		} finally {
			app.close();
		}
	});
});

/** Renew Token's dialog: Later is chosen already; Enter moves to Renew, Enter renews, and the new link shows. */
async function renewLater(app: TmuxSession, appKey: string): Promise<void> {
	await app.waitFor('(•) Later');
	app.press(TMUX_KEY.enter);
	await app.waitFor('[ Renew ]');
	app.press(TMUX_KEY.enter);
	await app.waitFor(`Token renewed: ${appKey}`);
}
