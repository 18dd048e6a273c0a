// npm run build: bundles the command line into dist/ for start-up speed (one file to load, React
// in production mode, the XLSX writer and Ink's devtools in chunks loaded only when used), and puts
// the app's faster stand-ins in place of two of Ink's modules (see source/ui/ink/).
import {rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Ink's renderer imports its Output class as './output.js'; this resolves that one import to ours. */
export const inkOutput = {
	name: 'apikeys-ink-output',
	setup(builder) {
		builder.onResolve({filter: /^\.\/output\.js$/}, args =>
			/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(args.importer) ? {path: join(root, 'source', 'ui', 'ink', 'output.ts')} : undefined,
		);
	},
};

rmSync(join(root, 'dist'), {recursive: true, force: true});
await build({
	entryPoints: [join(root, 'source', 'cli.ts')],
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	outdir: join(root, 'dist'),
	chunkNames: 'chunks/[name]-[hash]',
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: 'import{createRequire as __apikeysRequire}from"node:module";const require=__apikeysRequire(import.meta.url);'},
	external: ['react-devtools-core'],
	alias: {'widest-line': join(root, 'source', 'ui', 'ink', 'width.ts')},
	plugins: [inkOutput],
	logLevel: 'warning',
});
