// npm run build: bundles the command line into dist/ for start-up speed (one file to load, React
// in production mode, the XLSX writer and Ink's devtools in chunks loaded only when used), and puts
// the app's stand-ins in place of five of Ink's modules (see source/ui/ink/).
import {rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

const inkBuild = dirname(createRequire(import.meta.url).resolve('ink'));

/**
 * Four of Ink's modules are imported by relative path inside Ink; these resolve those imports to
 * ours (source/ui/ink/), and `ink-build:NAME` to Ink's own file, for the stand-ins that wrap it.
 */
const inkStandIns = {
	name: 'apikeys-ink-stand-ins',
	setup(builder) {
		const standIn = (file, importer) => ({filter: new RegExp(`^\\./${file.replace('.', '\\.')}$`), importer, path: join(root, 'source', 'ui', 'ink', file.replace(/\.js$/, '.ts'))});
		for (const {filter, importer, path} of [standIn('output.js', 'renderer.js'), standIn('sanitize-ansi.js', 'squash-text-nodes.js'), standIn('log-update.js', 'ink.js'), standIn('measure-text.js', 'dom.js')]) {
			builder.onResolve({filter}, args => (args.importer === join(inkBuild, importer) ? {path} : undefined));
		}
		builder.onResolve({filter: /^ink-build:/}, args => ({path: join(inkBuild, args.path.slice('ink-build:'.length))}));
		// cli-truncate's string-width (the same major version as ours) goes through our measure.
		builder.onResolve({filter: /^string-width$/}, args =>
			/[\\/]node_modules[\\/]cli-truncate[\\/]/.test(args.importer) ? {path: join(root, 'source', 'ui', 'ink', 'string-width.ts')} : undefined,
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
	banner: {js: 'import{createRequire as __apikeysRequire}from"node:module";const require=__apikeysRequire(import.meta.url);'},
	external: ['react-devtools-core'],
	alias: {'widest-line': join(root, 'source', 'ui', 'ink', 'width.ts')},
	// ICU's segmentation data loads on the first grapheme split, not when a module loads (source/lazy-segmenter.ts).
	define: {'process.env.NODE_ENV': '"production"', 'Intl.Segmenter': 'LazySegmenter'},
	inject: [join(root, 'source', 'lazy-segmenter.ts')],
	plugins: [inkStandIns],
	logLevel: 'warning',
});
