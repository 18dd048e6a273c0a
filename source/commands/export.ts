import {usage} from '../core/errors.js';
import {EXPORT_FORMATS, defaultExportName, exportText, formatOf, writeExport, type ExportFormat} from '../export/write-export.js';
import {noArguments, type Command} from './context.js';
import {sanitize} from '../text/sanitize.js';

export const exportCommand: Command = {
	usage: 'export [--format xlsx|csv|json] [--output FILE|-] [--sheet generated|external]',
	summary: 'generated and external keys to XLSX (default; sheets Generated and External), CSV or JSON — never a secret',
	flags: ['format', 'output', 'sheet', 'json'],
	async run(ctx) {
		noArguments(ctx);
		const {output, sheet} = ctx.flags;
		if (ctx.flags.format !== undefined && !(EXPORT_FORMATS as readonly string[]).includes(ctx.flags.format)) {
			throw usage('--format is xlsx, csv or json');
		}
		if (sheet !== undefined && sheet !== 'generated' && sheet !== 'external') throw usage('--sheet is generated or external');
		const format = (ctx.flags.format ?? (output && output !== '-' ? formatOf(output) : null) ?? 'xlsx') as ExportFormat;
		if (sheet && format !== 'csv') throw usage('--sheet goes with --format csv (XLSX and JSON hold both tables)');
		const service = await ctx.service();
		const {account, ...tables} = await service.exportTables();
		if (output === '-') {
			process.stdout.write(exportText(tables, format, sheet as 'generated' | 'external' | undefined));
			return;
		}
		const file = output ?? defaultExportName(account, format, service.now());
		const showProgress = Boolean(process.stderr.isTTY) && tables.generated.length + tables.external.length > 5000;
		const files = await writeExport(tables, {file, format, sheet: sheet as 'generated' | 'external' | undefined}, progress => {
			if (showProgress) process.stderr.write(`\r${progress.phase === 'rows' ? `rows ${progress.done} of ${progress.total}` : progress.phase}…   `);
		});
		if (showProgress) process.stderr.write('\r\u001b[K');
		if (ctx.flags.json) return ctx.out.json({files, generated: tables.generated.length, external: tables.external.length});
		ctx.out.out(`Exported ${tables.generated.length} generated and ${tables.external.length} external keys to ${sanitize(files.join(' and '))}`);
	},
};
