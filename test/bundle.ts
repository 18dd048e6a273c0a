import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {build} from 'esbuild';

/** Bundles a TypeScript script of the tests (with the source it imports) so another process can run it. */
export async function bundleScript(entry: string): Promise<{file: string; remove(): void}> {
	// Inside the project, so the script finds the packages it loads at run time (the native lock) in node_modules.
	const cache = join(import.meta.dirname, '..', 'node_modules', '.cache');
	mkdirSync(cache, {recursive: true});
	const dir = mkdtempSync(join(cache, 'apikeys-script-'));
	const file = join(dir, 'script.mjs');
	await build({
		entryPoints: [entry],
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		outfile: file,
		banner: {js: 'import{createRequire as __apikeysRequire}from"node:module";const require=__apikeysRequire(import.meta.url);'},
		logLevel: 'error',
	});
	return {file, remove: () => rmSync(dir, {recursive: true, force: true})};
}
