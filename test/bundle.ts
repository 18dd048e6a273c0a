import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {build} from 'esbuild';

/** Bundles a TypeScript script of the tests (with the source it imports) so another process can run it. */
export async function bundleScript(entry: string): Promise<{file: string; remove(): void}> {
	const dir = mkdtempSync(join(tmpdir(), 'apikeys-script-'));
	const file = join(dir, 'script.mjs');
	await build({
		entryPoints: [entry],
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		outfile: file,
		banner: {js: 'import{createRequire}from"node:module";const require=createRequire(import.meta.url);'},
		logLevel: 'error',
	});
	return {file, remove: () => rmSync(dir, {recursive: true, force: true})};
}
