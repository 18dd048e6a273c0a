// npm run bench: the file store at 1 000, 10 000 and 100 000 keys and PostgreSQL at 100 000 and
// 1 000 000, each figure beside a baseline measured in the same run. Not part of npm test. Writes
// bench/results.json. `npm run bench -- --only postgres --size 100000` runs a part (see docs/performance.md).
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {build} from 'esbuild';
import {fileBench} from './file.mjs';
import {millionVerifyBench} from './verify.mjs';
import {results} from './measure.mjs';
import {postgresBench} from './postgres.mjs';

const STORES = ['file', 'postgres'];
const PARTS = ['start', 'interact', 'persist', 'verify', 'million'];
const {values: options} = parseArgs({options: {only: {type: 'string', multiple: true}, size: {type: 'string', multiple: true}}});
/** --only (or BENCH_ONLY): stores (file, postgres) and parts (start, interact, persist, verify; million: a verify server on 1 000 000 keys, only when named), comma-separated; all of a kind when none is named. */
const only = (options.only ?? (process.env.BENCH_ONLY ? [process.env.BENCH_ONLY] : [])).flatMap(value => value.split(',')).filter(Boolean);
const unknown = only.find(name => !STORES.includes(name) && !PARTS.includes(name));
/** --size: the PostgreSQL stores' sizes (100000, 1000000). */
const sizes = (options.size ?? ['100000,1000000']).flatMap(value => value.split(',')).map(Number);
if (unknown || sizes.some(size => !Number.isInteger(size) || size < 1000)) {
	console.error(`bench: ${unknown ? `--only takes ${[...STORES, ...PARTS].join(', ')}; not "${unknown}"` : '--size takes a number of keys (1000 or more)'}`);
	process.exit(2);
}
const chosen = (all, names) => new Set(names.some(name => all.includes(name)) ? names.filter(name => all.includes(name)) : all);
const stores = chosen(STORES, only);
const parts = chosen(PARTS, only);
// The million-key verify server is long to set up: run when asked for.
if (!only.includes('million')) parts.delete('million');

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(root, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'apikeys-bench-'));
process.on('exit', () => rmSync(work, {recursive: true, force: true}));
/** Searches typed in the app and given to fzf: names, vendors, numbers, rare and common letters. */
const SEARCHES = ['erp', 'sap', 'checkout', 'zz', '#999', 'amazon', 'pay', 'loyalty', 'tax', '#12', 'carrier', 'fedex'];
/** The searches are typed this many times (57 keystrokes each), and fzf runs as often on each; every keystroke is measured. */
const SEARCH_ROUNDS = 3;

// Aliased: bundled modules (store/lock.ts) import createRequire themselves.
const banner = {js: 'import{createRequire as __benchRequire}from"node:module";const require=__benchRequire(import.meta.url);'};
const bundle = (entry, outfile, extra = {}) =>
	build({entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, banner, logLevel: 'error', ...extra});
// Inside the project, so the bundle finds the packages it loads at run time (the native lock) in node_modules.
mkdirSync(join(root, 'node_modules', '.cache'), {recursive: true});
const libDir = mkdtempSync(join(root, 'node_modules', '.cache', 'apikeys-bench-'));
process.on('exit', () => rmSync(libDir, {recursive: true, force: true}));
await bundle(join(root, 'bench', 'lib.ts'), join(libDir, 'lib.mjs'));
writeFileSync(join(work, 'hello.jsx'), "import {render, Text} from 'ink';\nrender(<Text>Hello, world</Text>);\n");
// The baseline is bundled exactly like the app: production React, Ink's devtools left in a lazy chunk.
await build({
	entryPoints: [join(work, 'hello.jsx')],
	bundle: true,
	splitting: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	outdir: join(work, 'hello'),
	banner,
	logLevel: 'error',
	define: {'process.env.NODE_ENV': '"production"'},
	external: ['react-devtools-core'],
	nodePaths: [join(root, 'node_modules')],
	jsx: 'automatic',
});
const HELLO = join(work, 'hello', 'hello.js');
const lib = await import(join(libDir, 'lib.mjs'));
const context = {lib, libPath: join(libDir, 'lib.mjs'), CLI, HELLO, work, root, parts, searches: SEARCHES, searchRounds: SEARCH_ROUNDS};

if (stores.has('file')) await fileBench(context);
if (stores.has('postgres')) {
	console.log('');
	await postgresBench({...context, sizes});
}
if (parts.has('million')) await millionVerifyBench(context);

results.run = {stores: [...stores], parts: [...parts], postgresSizes: sizes};
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nmachine: ${results.machine.cpus} × ${results.machine.model}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}; results in bench/results.json`);
process.exit(0);
