import {randomBytes} from 'node:crypto';
import {constants} from 'node:fs';
import {link, open, unlink} from 'node:fs/promises';
import {basename, dirname, extname, join} from 'node:path';
import {refused, storeFailure, usage} from '../core/errors.js';
import {EXTERNAL_FIELDS, GENERATED_FIELDS, toCsv, type ExportTables} from '../core/export.js';
import {jsonText, sanitize} from '../text/sanitize.js';

export type ExportFormat = 'xlsx' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['xlsx', 'csv', 'json'];

export interface Progress {
	done: number;
	total: number;
	phase: 'rows' | 'compressing' | 'writing';
}

/** The format a file name implies, if any. */
export function formatOf(file: string): ExportFormat | null {
	const extension = extname(file).slice(1).toLowerCase();
	return (EXPORT_FORMATS as readonly string[]).includes(extension) ? (extension as ExportFormat) : null;
}

export const defaultExportName = (account: string, format: ExportFormat, now: number) =>
	`apikeys-${account}-${new Date(now).toISOString().slice(0, 10)}.${format}`;

/** For CSV the External table goes beside the Generated one: keys.csv → keys.external.csv. */
export const externalCsvPath = (file: string) => join(dirname(file), `${basename(file, extname(file))}.external${extname(file) || '.csv'}`);

const CHUNK = 2000;
const yieldToEventLoop = () => new Promise(resolve => setImmediate(resolve));

async function xlsxBuffer(tables: ExportTables, onProgress: (progress: Progress) => void): Promise<Buffer> {
	const total = tables.generated.length + tables.external.length;
	let done = 0;
	const sheet = async <Field extends string>(fields: readonly Field[], rows: ReadonlyArray<Record<Field, string>>) => {
		const data: Array<Array<{value: string; type: StringConstructor; fontWeight?: 'bold'}>> = [
			fields.map(field => ({value: field, type: String, fontWeight: 'bold' as const})),
		];
		for (let i = 0; i < rows.length; i += CHUNK) {
			for (const row of rows.slice(i, i + CHUNK)) data.push(fields.map(field => ({value: row[field], type: String})));
			done += Math.min(CHUNK, rows.length - i);
			onProgress({done, total, phase: 'rows'});
			await yieldToEventLoop();
		}
		return data;
	};
	const generated = await sheet(GENERATED_FIELDS, tables.generated);
	const external = await sheet(EXTERNAL_FIELDS, tables.external);
	onProgress({done: total, total, phase: 'compressing'});
	await yieldToEventLoop();
	// Loaded on use: the XLSX writer is the largest module, and most runs never export.
	const {default: writeXlsxFile} = await import('write-excel-file/node');
	return writeXlsxFile([
		{data: generated, sheet: 'Generated', stickyRowsCount: 1},
		{data: external, sheet: 'External', stickyRowsCount: 1},
	]).toBuffer();
}

/**
 * Writes `content` to a new file with mode 0600, never over an existing one: the data goes to a
 * temp file in the same directory, which is then linked into place (link fails if the name exists).
 */
async function writeNewFile(file: string, content: string | Buffer): Promise<void> {
	const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
	try {
		const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
		try {
			await handle.writeFile(content);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await link(temp, file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST') throw refused(`${file} already exists: choose another name or remove it first`);
		if (code === 'ENOENT') throw refused(`cannot write ${file}: its directory does not exist`);
		throw storeFailure(`cannot write ${file}: ${code ?? (error as Error).message}`);
	} finally {
		await unlink(temp).catch(() => undefined);
	}
}

/** Writes an export; returns the files written. */
export async function writeExport(
	tables: ExportTables,
	options: {file: string; format: ExportFormat; sheet?: 'generated' | 'external'},
	onProgress: (progress: Progress) => void = () => undefined,
): Promise<string[]> {
	const {file, format} = options;
	if (format === 'xlsx') {
		const buffer = await xlsxBuffer(tables, onProgress);
		onProgress({done: 1, total: 1, phase: 'writing'});
		await writeNewFile(file, buffer);
		return [file];
	}
	if (format === 'json') {
		await writeNewFile(file, `${jsonText(tables)}\n`);
		return [file];
	}
	if (options.sheet === 'external') {
		await writeNewFile(file, toCsv(EXTERNAL_FIELDS, tables.external, sanitize));
		return [file];
	}
	await writeNewFile(file, toCsv(GENERATED_FIELDS, tables.generated, sanitize));
	if (options.sheet === 'generated') return [file];
	const second = externalCsvPath(file);
	try {
		await writeNewFile(second, toCsv(EXTERNAL_FIELDS, tables.external, sanitize));
	} catch (error) {
		// Half an export would pass for a whole one: the first file goes when the second is refused.
		await unlink(file).catch(() => undefined);
		throw error;
	}
	return [file, second];
}

/** Export text for standard output (CSV of one sheet, or JSON). */
export function exportText(tables: ExportTables, format: ExportFormat, sheet?: 'generated' | 'external'): string {
	if (format === 'json') return `${jsonText(tables)}\n`;
	if (format === 'csv' && sheet === 'external') return toCsv(EXTERNAL_FIELDS, tables.external, sanitize);
	if (format === 'csv' && sheet === 'generated') return toCsv(GENERATED_FIELDS, tables.generated, sanitize);
	throw usage(format === 'xlsx' ? 'XLSX cannot go to standard output: give --output FILE' : 'CSV on standard output needs --sheet generated or --sheet external');
}
