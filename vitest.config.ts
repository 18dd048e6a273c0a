import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(`source/${path}`, import.meta.url));
const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));

export default defineConfig({
	// The interface tests draw through the same stand-ins for Ink's Output, sanitizeAnsi, log-update, measureText and widest-line as the
	// bundled app (source/build.mjs), so every screen test also tests them.
	plugins: [
		{
			name: 'apikeys-ink-output',
			enforce: 'pre',
			resolveId(id, importer) {
				if (id === './output.js' && importer && /[\\/]ink[\\/]build[\\/]renderer\.js$/.test(importer)) return source('ui/ink/output.ts');
				if (id === './sanitize-ansi.js' && importer && /[\\/]ink[\\/]build[\\/]squash-text-nodes\.js$/.test(importer)) return source('ui/ink/sanitize-ansi.ts');
				if (id === './log-update.js' && importer && /[\\/]ink[\\/]build[\\/]ink\.js$/.test(importer)) return source('ui/ink/log-update.ts');
				if (id === './measure-text.js' && importer && /[\\/]ink[\\/]build[\\/]dom\.js$/.test(importer)) return source('ui/ink/measure-text.ts');
				if (id.startsWith('ink-build:')) return join(inkBuild, id.slice('ink-build:'.length));
				if (id === 'widest-line') return source('ui/ink/width.ts');
				return null;
			},
		},
	],
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 120_000,
		hookTimeout: 120_000,
		// Child processes do the heavy lifting in the CLI tests; two cores here.
		maxWorkers: 2,
		// Ink colours through chalk, which sees no terminal under the runner: force it so colour tests mean something.
		env: {FORCE_COLOR: '3'},
		// Ink is run through Vite (not loaded as is) so the plugin above can swap its modules.
		server: {deps: {inline: ['ink']}},
	},
});
