import {usage} from '../core/errors.js';
import {EXPORT_FORMATS, defaultExportName, exportText, formatOf, type ExportFormat} from '../export/write-export.js';
import {noArguments, type Command} from './context.js';
import {sanitize} from '../text/sanitize.js';
import {counted} from '../text/plural.js';

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
		if (output === '-') {
			const {account: _account, ...tables} = await service.exportTables();
			process.stdout.write(exportText(tables, format, sheet as 'generated' | 'external' | undefined));
			return;
		}
		const file = output ?? defaultExportName((await service.settings()).account, format, service.now());
		// Decided at the first report, which counts every row: small exports finish before a person could read it.
		let shown: boolean | undefined;
		const written = await service.writeExport({file, format, sheet: sheet as 'generated' | 'external' | undefined}, progress => {
			shown ??= Boolean(process.stderr.isTTY) && progress.total > 5000;
			if (shown) process.stderr.write(`\r${progress.phase === 'rows' ? `rows ${progress.done} of ${progress.total}` : progress.phase}…   `);
		});
		if (shown) process.stderr.write('\r\u001b[K');
		const {files, generated, external} = written;
		if (ctx.flags.json) return ctx.out.json({files, generated, external});
		ctx.out.out(`Exported ${counted(generated, 'generated key')} and ${counted(external, 'external key')} to ${sanitize(files.join(' and '))}`);
	},
};
