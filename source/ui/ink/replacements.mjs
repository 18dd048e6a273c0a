// The one table of Ink's modules that the app replaces with its stand-ins (this folder), read by the
// bundler (source/build.mjs) and the test runner (vitest.config.ts). Plain JavaScript: the build
// script runs it under Node without a TypeScript step.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = dirname(dirname(dirname(here)));

/**
 * Each entry: `replaces`, the module as its importer names it; `importer`, the file inside Ink (or
 * a package Ink loads) whose import is redirected; `standIn`, our file in this folder; `answers`,
 * the Ink bug or cost it answers; `upstream`, the issue or pull request upstream, or why there is none.
 * @type {ReadonlyArray<Readonly<{name: string, replaces: string, importer: string, standIn: string, answers: string, upstream: string}>>}
 */
export const inkReplacements = [
	{
		name: 'output',
		replaces: './output.js',
		importer: 'ink/build/renderer.js',
		standIn: 'output.ts',
		answers: 'Ink rebuilds every frame from nothing (a grid of one object per cell, tokenized line by line): 10 to 60 ms a keystroke for a 120×40 table on 2 cores. Ours re-makes only the rows that changed.',
		upstream: 'No upstream issue for rebuilding unchanged rows; vadimdemedes/ink#835 (caches, in 6.8) and #564 (answering #560) cut the cost per cell, not the per-frame rebuild.',
	},
	{
		name: 'sanitize-ansi',
		replaces: './sanitize-ansi.js',
		importer: 'ink/build/squash-text-nodes.js',
		standIn: 'sanitize-ansi.ts',
		answers: 'Ink tokenizes the text of every text node twice a frame (layout and drawing), ~16 000 characters for a 40-row table, even when it holds only colour codes.',
		upstream: 'No upstream issue found (searched "sanitize-ansi", "squash text nodes performance").',
	},
	{
		name: 'log-update',
		replaces: './log-update.js',
		importer: 'ink/build/ink.js',
		standIn: 'log-update.ts',
		answers: "Ink 6.8's incremental renderer moves the cursor up one line too few after a frame that ends in a newline, so each later frame lands one row lower.",
		upstream: 'vadimdemedes/ink#982 (merged after 6.8.0).',
	},
	{
		name: 'measure-text',
		replaces: './measure-text.js',
		importer: 'ink/build/dom.js',
		standIn: 'measure-text.ts',
		answers: "Ink's measureText keeps every text it ever measured in a Map never emptied: each search keystroke draws a new table, so a session grew by megabytes.",
		upstream: 'vadimdemedes/ink#986 (bounded by #987, not in 6.8.0).',
	},
	{
		name: 'widest-line',
		replaces: 'widest-line',
		importer: 'ink/build/render-node-to-output.js',
		standIn: 'width.ts',
		answers: 'widest-line splits and runs string-width (grapheme segmentation, emoji regular expression) on every text node of every frame; ours counts one-cell text by its length.',
		upstream: 'No upstream issue found (searched "string-width slow widest-line").',
	},
	{
		name: 'string-width for cli-truncate',
		replaces: 'string-width',
		importer: 'cli-truncate/index.js',
		standIn: 'string-width.ts',
		answers: 'cli-truncate (Ink\'s wrap="truncate") measures through string-width, whose first call builds an emoji regular expression (~10 ms) on the way to the first frame.',
		upstream: 'No upstream issue found: string-width\'s cost is its own design, and Ink calls it through cli-truncate.',
	},
	{
		name: 'wrap-ansi',
		replaces: 'wrap-ansi',
		importer: 'ink/build/wrap-text.js',
		standIn: 'wrap-ansi.ts',
		answers: 'Ink wraps text with wrap-ansi\'s trim off, which carries the space a wrap broke at onto the next row whenever the row before filled the width: a wrapped sentence went on one column in.',
		upstream: 'chalk/wrap-ansi#36 (closed without a change: trim off is asked to keep whitespace).',
	},
];

const escapeRegExp = text => text.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The folder of package `name` as Node finds it from `from`, or undefined. */
function findPackage(name, from) {
	for (let dir = from; ; dir = dirname(dir)) {
		const candidate = join(dir, 'node_modules', name);
		if (existsSync(join(candidate, 'package.json'))) return candidate;
		if (dirname(dir) === dir) return undefined;
	}
}

/** The resolver for a table, checked now: it throws, naming the entry, if any entry no longer fits the installed Ink. */
export function inkStandIns(table = inkReplacements, root = projectRoot) {
	const inkRoot = findPackage('ink', root);
	if (!inkRoot) throw new Error('Ink replacements: the ink package is not installed.');
	const inkBuild = join(inkRoot, 'build');
	const fail = (entry, why) => {
		throw new Error(`Ink replacement "${entry.name}" (${entry.replaces} in ${entry.importer}) ${why}; update source/ui/ink/replacements.mjs.`);
	};
	const checked = table.map(entry => {
		const [, packageName, file] = /^((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(entry.importer) ?? fail(entry, 'names no package');
		// Ink's own dependencies are found from Ink, as Node finds them.
		const packageDir = findPackage(packageName, inkRoot) ?? fail(entry, `needs ${packageName}, which is not installed`);
		const importer = join(packageDir, file);
		if (!existsSync(importer)) fail(entry, 'no longer resolves: the importer is gone');
		const quoted = escapeRegExp(entry.replaces);
		if (!new RegExp(`(?:from|import)\\s*['"]${quoted}['"]`).test(readFileSync(importer, 'utf8'))) fail(entry, 'no longer matches: the importer does not import it');
		const replaced = entry.replaces.startsWith('.') ? join(dirname(importer), entry.replaces) : findPackage(entry.replaces, packageDir);
		if (!replaced || !existsSync(replaced)) fail(entry, 'no longer resolves: the replaced module is gone');
		const standIn = join(here, entry.standIn);
		if (!existsSync(standIn)) fail(entry, `has no stand-in ${entry.standIn}`);
		return {entry, packageName, importer, standIn};
	});
	const used = new Set();
	return {
		/** Packages whose files must go through the bundler for their imports to be redirected. */
		packages: [...new Set(checked.map(each => each.packageName))],
		/** The stand-in for `specifier` imported by the file `importer`, or undefined. */
		resolve(specifier, importer) {
			const hit = checked.find(each => each.entry.replaces === specifier && each.importer === importer);
			if (!hit) return undefined;
			used.add(hit.entry);
			return hit.standIn;
		},
		/** `ink-build:NAME`, by which a stand-in loads Ink's own file NAME. */
		inkBuildFile(specifier) {
			const file = join(inkBuild, specifier.slice('ink-build:'.length));
			if (!existsSync(file)) throw new Error(`Ink replacements: ${specifier} names no file in Ink's build; update the stand-in that imports it.`);
			return file;
		},
		/** A specifier some entry replaces: the only imports worth asking resolve() about. */
		specifiers: new RegExp(`^(?:${[...new Set(table.map(entry => escapeRegExp(entry.replaces)))].join('|')})$`),
		/** Why the bundle is wrong if some entries redirected no import (asked after a whole bundle), or undefined. */
		unusedError() {
			const unused = table.filter(entry => !used.has(entry));
			if (unused.length === 0) return undefined;
			return `Ink replacements never used: ${unused.map(entry => `"${entry.name}" (${entry.replaces} in ${entry.importer})`).join(', ')}; Ink's own module was bundled instead. Update source/ui/ink/replacements.mjs.`;
		},
	};
}

/** The table as an esbuild plugin (source/build.mjs); the build fails if an entry went unused. */
export function esbuildInkStandIns(standIns = inkStandIns()) {
	return {
		name: 'apikeys-ink-stand-ins',
		setup(builder) {
			builder.onResolve({filter: /^ink-build:/}, args => ({path: standIns.inkBuildFile(args.path)}));
			builder.onResolve({filter: standIns.specifiers}, args => {
				const path = standIns.resolve(args.path, args.importer);
				return path ? {path} : undefined;
			});
			builder.onEnd(result => {
				const unused = result.errors.length === 0 ? standIns.unusedError() : undefined;
				return unused ? {errors: [{text: unused}]} : undefined;
			});
		},
	};
}

/** The table as a Vite plugin (vitest.config.ts), so the interface tests draw through the same stand-ins. */
export function viteInkStandIns(standIns = inkStandIns()) {
	return {
		name: 'apikeys-ink-stand-ins',
		enforce: 'pre',
		resolveId(id, importer) {
			if (id.startsWith('ink-build:')) return standIns.inkBuildFile(id);
			return importer ? standIns.resolve(id, importer) : undefined;
		},
	};
}
