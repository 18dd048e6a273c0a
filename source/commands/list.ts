import {usage} from '../core/errors.js';
import {SORT_COLUMNS, STATUS_FILTERS, type SortColumn, type StatusFilter} from '../core/query.js';
import {noArguments, type Command} from './context.js';
import {keyJson, keyTableHeaders, keyTableRow} from './format.js';
import {batchPrinter} from './output.js';
import {countedOf} from '../text/plural.js';

export const list: Command = {
	usage: 'list [--search Q] [--status active|inactive] [--alert] [--sort COLUMN] [--json]',
	summary: 'list generated keys with token ages, renewal alerts and pending renewals',
	flags: ['search', 'status', 'alert', 'sort', 'json'],
	async run(ctx) {
		noArguments(ctx);
		const status = (ctx.flags.status ?? 'all') as StatusFilter;
		if (!STATUS_FILTERS.includes(status)) throw usage('--status is active or inactive');
		const sort = (ctx.flags.sort ?? 'created') as SortColumn;
		if (!SORT_COLUMNS.includes(sort)) throw usage(`--sort is one of ${SORT_COLUMNS.join(', ')}`);
		const service = await ctx.service();
		const query = {search: ctx.flags.search, status, alertOnly: ctx.flags.alert, sort};
		const printer = batchPrinter(ctx.out, Boolean(ctx.flags.json), keyTableHeaders);
		const {found, total} = await service.streamKeys(query, rows => printer.batch(rows.map(row => ({json: keyJson(row), cells: keyTableRow(row)}))));
		await printer.end();
		if (ctx.flags.json) return;
		ctx.out.out(countedOf(found, total, 'key'));
	},
};
