import {describe, expect, it} from 'vitest';
import {hasTmux, startTmux} from '../e2e/tmux.js';

describe.skipIf(!hasTmux)('the app in a shell that has CI variables set (tmux)', () => {
	it('draws every frame: CI=true does not leave the screen blank until it quits', async () => {
		const app = startTmux(['--demo'], {columns: 80, rows: 24, env: {CI: 'true', CI_PIPELINE_ID: '7'}});
		try {
			const first = await app.waitFor(/ of \d+ keys/);
			expect(first).toContain('Generated');
			app.press('j');
			await app.waitFor(screen => screen !== first);
		} finally {
			app.close();
		}
	});
});
