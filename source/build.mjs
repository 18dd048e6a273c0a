// npm run build: bundles the command line into dist/ for start-up speed (one file to load, React
// in production mode, the XLSX writer and Ink's devtools in chunks loaded only when used), and puts
// the app's stand-ins in place of some of Ink's modules (the table in source/ui/ink/replacements.mjs;
// the build fails if any of them no longer resolves or goes unused).
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {isBuiltin} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import ts from 'typescript';
import {esbuildInkStandIns} from './ui/ink/replacements.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Work two packages do as they load, that a command never needs, done on first use instead (or,
 * in Node, never). The build fails if a package's text no longer has what is replaced.
 * - meow's bundled dependencies make @babel/code-frame (with its highlighter) and
 *   normalize-package-data (with the SPDX licence tables), which only a broken package.json needs:
 *   about 25 ms of every command's start.
 * - node-postgres asks whether it runs in Cloudflare Workers by making a `Response` where Node has no
 *   `navigator` (Node 20), which loads Node's whole HTTP client: about 20 ms of a database store's
 *   start. In Node (there is a `process`) the answer is no.
 */
const LOAD_LESS = [
	{
		file: /[\\/]node_modules[\\/]meow[\\/]build[\\/]dependencies\.js$/,
		replace: [
			['var libExports = requireLib$1();', 'var libExports = {codeFrameColumns: (...given) => requireLib$1().codeFrameColumns(...given)};'],
			[
				'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
				'const normalizePackageData = (...given) => getDefaultExportFromCjs(requireNormalize())(...given);',
			],
		],
	},
	{
		file: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/,
		replace: [["if (typeof Response === 'function') {", "if (typeof process !== 'object' && typeof Response === 'function') {"]],
	},
];
const loadLess = {
	name: 'apikeys-load-less',
	setup(builder) {
		for (const {file, replace} of LOAD_LESS) {
			builder.onLoad({filter: file}, args => {
				let text = readFileSync(args.path, 'utf8');
				for (const [was, becomes] of replace) {
					if (!text.includes(was)) return {errors: [{text: `${args.path} no longer has "${was.split('\n')[0]}": update LOAD_LESS in source/build.mjs`}]};
					text = text.replace(was, () => becomes);
				}
				return {contents: text, loader: 'js'};
			});
		}
	},
};

/** What both bundles share: ESM for Node 20, with a `require` for the CommonJS packages they hold. */
const NODE_ESM = {
	bundle: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	banner: {js: 'import{createRequire as __apikeysRequire}from"node:module";const require=__apikeysRequire(import.meta.url);'},
	logLevel: 'warning',
};

rmSync(join(root, 'dist'), {recursive: true, force: true});
try {
	await build({
		// The command line, and the package's API for Node services (openVerifier).
		...NODE_ESM,
		entryPoints: [join(root, 'source', 'cli.ts'), join(root, 'source', 'index.ts')],
		splitting: true,
		outdir: join(root, 'dist'),
		chunkNames: 'chunks/[name]-[hash]',
		external: ['react-devtools-core'],
		// ICU's segmentation data loads on the first grapheme split, not when a module loads (source/lazy-segmenter.ts).
		define: {'process.env.NODE_ENV': '"production"', 'Intl.Segmenter': 'LazySegmenter'},
		inject: [join(root, 'source', 'lazy-segmenter.ts')],
		plugins: [esbuildInkStandIns(), loadLess],
	});
	// A verifier's first read from PostgreSQL runs this file in a worker thread, found beside the
	// chunk that starts it (source/verify/pg-first-read.mjs, pg-source.ts): bundled on its own, with
	// the driver in it as in the chunks, so that dist needs nothing from node_modules but the lock.
	const worker = 'pg-first-read.mjs';
	await build({
		...NODE_ESM,
		entryPoints: [join(root, 'source', 'verify', worker)],
		outfile: join(root, 'dist', 'chunks', worker),
		plugins: [loadLess],
	});
	const starters = readdirSync(join(root, 'dist', 'chunks')).filter(name => name !== worker && readFileSync(join(root, 'dist', 'chunks', name), 'utf8').includes(`"./${worker}"`));
	if (starters.length === 0) throw new Error(`no chunk in dist/chunks starts ${worker}: update source/build.mjs`);
	// Node's own modules aside, and pg-native, which only `pg.native` loads (never used here).
	const imported = [...readFileSync(join(root, 'dist', 'chunks', worker), 'utf8').matchAll(/(?:\bfrom\s*|require\()["']([^"']+)["']/g)]
		.map(found => found[1])
		.filter(name => !isBuiltin(name) && name !== 'pg-native');
	if (imported.length > 0) throw new Error(`dist/chunks/${worker} loads ${imported.join(', ')} from outside dist: bundle it (source/build.mjs)`);
} catch (error) {
	// esbuild prints the errors it found; the table's (checked before and after bundling) are printed here.
	const own = error.errors ? error.errors.filter(each => each.pluginName === 'apikeys-ink-stand-ins').map(each => each.text) : [error.message];
	for (const text of own) console.error(`build: ${text}`);
	process.exitCode = 1;
}

/**
 * The API's type declarations (package.json "types"), file by file without a type check (tsc
 * checks the sources): these files declare every exported type, so each one's declarations need
 * nothing but itself.
 */
for (const file of ['index.ts', 'verify/types.ts', 'verify/unavailable.ts']) {
	const {outputText, diagnostics} = ts.transpileDeclaration(readFileSync(join(root, 'source', file), 'utf8'), {fileName: file, reportDiagnostics: true, compilerOptions: {module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022}});
	for (const diagnostic of diagnostics ?? []) console.error(`build: ${file}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
	if (diagnostics?.length) process.exitCode = 1;
	const target = join(root, 'dist', file.replace(/\.ts$/, '.d.ts'));
	mkdirSync(dirname(target), {recursive: true});
	writeFileSync(target, outputText);
}
