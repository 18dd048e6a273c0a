import {defineConfig} from 'vitest/config';
import {inkStandIns, viteInkStandIns} from './source/ui/ink/replacements.mjs';

// Checked on loading: a replacement that no longer fits the installed Ink stops every test run.
const standIns = inkStandIns();

export default defineConfig({
	// The interface tests draw through the same stand-ins for Ink's modules as the bundled app
	// (source/ui/ink/replacements.mjs), so every screen test also tests them.
	plugins: [viteInkStandIns(standIns)],
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 120_000,
		hookTimeout: 120_000,
		// Child processes do the heavy lifting in the CLI tests; two cores here.
		maxWorkers: 2,
		// Ink colours through chalk, which sees no terminal under the runner: force it so colour tests mean something.
		env: {FORCE_COLOR: '3'},
		// Ink and the packages whose imports the table redirects run through Vite, not loaded as they are, so the plugin
		// above can swap their modules; so do the ink-* packages, which must share that one instance of Ink.
		server: {deps: {inline: [...standIns.packages, /[\\/]node_modules[\\/]ink-[^\\/]+[\\/]/]}},
	},
});
