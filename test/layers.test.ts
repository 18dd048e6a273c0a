import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const SOURCE = fileURLToPath(new URL('../source/', import.meta.url));

const files = (readdirSync(SOURCE, {recursive: true}) as string[]).filter(f => /\.tsx?$/.test(f)).map(f => f.split('\\').join('/'));

/** What a source file imports: node modules as written, the project's own files as paths under source/, with the names taken. */
function importsOf(file: string): Array<{from: string; names: string}> {
	const text = readFileSync(join(SOURCE, file), 'utf8');
	const found: Array<{from: string; names: string}> = [];
	for (const match of text.matchAll(/\bimport\s*(?:type\s+)?([^'"]*?)\s*(?:from\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
		const specifier = match[2] ?? match[3]!;
		const from = specifier.startsWith('.') ? relative(SOURCE, join(SOURCE, dirname(file), specifier)).split('\\').join('/').replace(/\.js$/, '') : specifier;
		found.push({from, names: match[1] ?? '*'});
	}
	return found;
}

const importersOf = (test: (from: string, names: string) => boolean, among: (file: string) => boolean) =>
	files.filter(among).filter(file => importsOf(file).some(i => test(i.from, i.names)));

describe('who may import what in source/', () => {
	it('the commands, the export writer and the share server import nothing from the interface', () => {
		expect(importersOf(from => from.startsWith('ui/'), f => /^(commands|export|server|text|core)\//.test(f))).toEqual([]);
	});

	it('the interface reads and writes no file itself: it goes through the service', () => {
		const fileIo = (from: string, names: string) => /^node:fs(\/|$)/.test(from) || (from === 'export/write-export' && /\bwriteExport\b/.test(names));
		expect(importersOf(fileIo, f => f.startsWith('ui/'))).toEqual([]);
	});

	it('only the service opens the store, and core does no I/O', () => {
		expect(importersOf(from => from === 'store/store', f => f !== 'service.ts' && !f.startsWith('store/'))).toEqual([]);
		const io = (from: string) => /^node:(fs|net|http|https|child_process|os|dgram)(\/|$)/.test(from) || /^(store|export|ui|server)\/|^service$/.test(from);
		expect(importersOf(io, f => f.startsWith('core/'))).toEqual([]);
	});
});
