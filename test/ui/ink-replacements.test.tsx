import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {build} from 'esbuild';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {esbuildInkStandIns, inkReplacements, inkStandIns, type InkReplacement} from '../../source/ui/ink/replacements.mjs';

const projectRoot = join(import.meta.dirname, '..', '..');
const standInDir = join(projectRoot, 'source', 'ui', 'ink');
const scratch = mkdtempSync(join(tmpdir(), 'apikeys-ink-replacements-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

/** Bundles a module of `source` (in the project, so it finds Ink) through the table's plugin; the build's errors, or none. */
async function bundleErrors(source: string, table: ReadonlyArray<InkReplacement> = inkReplacements): Promise<string[]> {
	const entry = join(scratch, `entry-${Math.random().toString(36).slice(2)}.tsx`);
	writeFileSync(entry, source);
	try {
		await build({entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'node', external: ['react-devtools-core'], nodePaths: [join(projectRoot, 'node_modules')], plugins: [esbuildInkStandIns(inkStandIns(table))], logLevel: 'silent'});
		return [];
	} catch (error) {
		return (error as {errors: Array<{text: string}>}).errors.map(each => each.text);
	}
}

const entry = (name: string) => inkReplacements.find(each => each.name === name)!;

describe('the table of Ink replacements', () => {
	it('names, for each entry, the Ink bug or cost it answers and where upstream stands', () => {
		for (const each of inkReplacements) {
			expect(each.answers.length, each.name).toBeGreaterThan(40);
			expect(each.upstream, each.name).toMatch(/[\w-]+\/[\w-]+#\d+|No upstream issue/);
		}
	});

	it('refuses, by name, an entry whose importer Ink no longer has', () => {
		const renamed = {...entry('output'), importer: 'ink/build/renderer-renamed.js'};
		expect(() => inkStandIns([renamed])).toThrow('Ink replacement "output" (./output.js in ink/build/renderer-renamed.js) no longer resolves: the importer is gone');
	});

	it('refuses, by name, an entry whose importer no longer imports the module', () => {
		const moved = {...entry('measure-text'), importer: 'ink/build/renderer.js'};
		expect(() => inkStandIns([moved])).toThrow('Ink replacement "measure-text" (./measure-text.js in ink/build/renderer.js) no longer matches: the importer does not import it');
	});

	it('refuses an entry whose stand-in is missing, and a package that is not installed', () => {
		expect(() => inkStandIns([{...entry('log-update'), standIn: 'gone.ts'}])).toThrow('Ink replacement "log-update" (./log-update.js in ink/build/ink.js) has no stand-in gone.ts');
		expect(() => inkStandIns([{...entry('string-width for cli-truncate'), importer: 'cli-truncate-gone/index.js'}])).toThrow('needs cli-truncate-gone, which is not installed');
	});

	it('fails the build, naming the entry, when an entry redirected nothing', async () => {
		expect(await bundleErrors(`import {render, Text} from 'ink'; render(<Text>hi</Text>);`, [entry('log-update'), entry('output')])).toEqual([]);
		const errors = await bundleErrors('export const nothing = 1;', [entry('log-update')]);
		expect(errors).toEqual([expect.stringContaining('Ink replacements never used: "log-update" (./log-update.js in ink/build/ink.js)')]);
	});

	it('is used whole by a bundle of Ink: every entry redirects an import', async () => {
		expect(await bundleErrors(`import {render, Text} from 'ink'; render(<Text wrap="truncate">hi</Text>);`)).toEqual([]);
	});
});

describe('the test runner', () => {
	it('draws Ink through every stand-in in the table', async () => {
		const uses = new Map<string, number>();
		const counted = (name: string, value: object) =>
			new Proxy(value, {
				apply: (target, self, args) => (uses.set(name, (uses.get(name) ?? 0) + 1), Reflect.apply(target as (...a: unknown[]) => unknown, self, args)),
				construct: (target, args, newTarget) => (uses.set(name, (uses.get(name) ?? 0) + 1), Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget)),
				// log-update's stand-in is an object: Ink calls its create().
				get: (target, key, receiver) => (typeof target === 'object' && uses.set(name, (uses.get(name) ?? 0) + 1), Reflect.get(target, key, receiver)),
			});
		for (const each of inkReplacements) {
			vi.doMock(join(standInDir, each.standIn), async importOriginal => {
				const real = await importOriginal<{default: object}>();
				return {...real, default: counted(each.name, real.default)};
			});
		}
		const {render} = await import('ink-testing-library');
		const {Box, Text} = await import('ink');
		const app = render(
			<Box width={12} flexDirection="column">
				<Text color="green">a key</Text>
				<Text wrap="truncate">a name far longer than the box</Text>
				<Text>a sentence that wraps</Text>
			</Box>,
		);
		expect(app.lastFrame()).toContain('a name far');
		expect(app.lastFrame()).toContain('a sentence');
		app.unmount();
		expect(inkReplacements.filter(each => !uses.get(each.name)).map(each => each.name)).toEqual([]);
	});

	it('loads Ink and ink-testing-library without a warning about their source maps', async () => {
		// A run of its own, as `npm test` starts one; this worker's variables would make it a worker too.
		const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && !['NODE_OPTIONS', 'FORCE_COLOR'].includes(name)));
		const {stdout, stderr} = await promisify(execFile)(process.execPath, [join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/ui/ink-replacements.test.tsx', '-t', 'draws Ink through every stand-in'], {cwd: projectRoot, env: {...env, NO_COLOR: '1'}});
		expect(stdout).toMatch(/Tests\s+1 passed/);
		expect(`${stdout}${stderr}`).not.toMatch(/sourcemap/i);
	});
});
