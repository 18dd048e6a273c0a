import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {defineConfig, type Plugin} from 'vitest/config';
import {inkStandIns, viteInkStandIns} from './source/ui/ink/replacements.mjs';

/**
 * Ink and the ink-* packages publish source maps that point to TypeScript sources they do not
 * publish: Vite warned once per file, and a stack trace would name lines of files nobody has. Such a
 * map is dropped, so a trace names the JavaScript that runs; a map whose sources are there is kept.
 */
const dropMapsOfMissingSources: Plugin = {
	name: 'apikeys-drop-maps-of-missing-sources',
	enforce: 'pre',
	load(id) {
		const file = id.split('?')[0]!;
		if (!/[\\/]node_modules[\\/].+\.[cm]?js$/.test(file) || !existsSync(file)) return null;
		const code = readFileSync(file, 'utf8');
		const link = /\n\/\/# sourceMappingURL=(?!data:)(\S+)\s*$/.exec(code);
		if (!link) return null;
		let map: {sourceRoot?: string; sources?: Array<string | null>; sourcesContent?: Array<string | null>};
		try {
			map = JSON.parse(readFileSync(join(dirname(file), link[1]!), 'utf8'));
		} catch {
			return null;
		}
		const base = join(dirname(join(dirname(file), link[1]!)), map.sourceRoot ?? '');
		const present = (map.sources ?? []).every((source, index) => !source || map.sourcesContent?.[index] != null || existsSync(join(base, source)));
		return present ? null : code.slice(0, link.index + 1);
	},
};

// Checked on loading: a replacement that no longer fits the installed Ink stops every test run.
const standIns = inkStandIns();

export default defineConfig({
	// The interface tests draw through the same stand-ins for Ink's modules as the bundled app
	// (source/ui/ink/replacements.mjs), so every screen test also tests them.
	plugins: [viteInkStandIns(standIns), dropMapsOfMissingSources],
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		// Says in one line why the PostgreSQL tests skip, when they do.
		globalSetup: ['test/global-setup.ts'],
		testTimeout: 120_000,
		hookTimeout: 120_000,
		// Two cores here. Child processes do the heavy lifting in the CLI tests, and many tests wait on a
		// frame, a server or a timer: a third worker keeps both cores busy (measured: 1.6 of 2 with two).
		maxWorkers: 3,
		// Ink colours through chalk, which sees no terminal under the runner: force it so colour tests mean something.
		env: {FORCE_COLOR: '3'},
		// Ink and the packages whose imports the table redirects run through Vite, not loaded as they are, so the plugin
		// above can swap their modules; so do the ink-* packages, which must share that one instance of Ink.
		server: {deps: {inline: [...standIns.packages, /[\\/]node_modules[\\/]ink-[^\\/]+[\\/]/]}},
	},
});
