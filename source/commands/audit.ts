import {usage} from '../core/errors.js';
import {DAY, HOUR, MINUTE, formatTime, isoTime} from '../core/time.js';
import {noArguments, type Command} from './context.js';
import {filterActivity} from '../core/activity.js';
import {batchPrinter} from './output.js';
import {counted} from '../text/plural.js';

const UNITS: Record<string, number> = {m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY};

/** "30m", "24h", "7d", "2w", or an ISO date/time. */
export function parseSince(value: string, now: number): number {
	const relative = /^(\d{1,6})([mhdw])$/.exec(value.trim());
	if (relative) return now - Number(relative[1]) * UNITS[relative[2]!]!;
	if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(value.trim())) {
		const at = Date.parse(value.trim());
		if (!Number.isNaN(at)) return at;
	}
	throw usage('--since takes a duration (30m, 24h, 7d, 2w) or a date (2026-11-01)');
}

export const audit: Command = {
	usage: 'audit [--since 24h|DATE] [--operator LOGIN] [--action ACTION] [--search TEXT] [--json]',
	summary: 'the activity log, newest first: who changed what, when',
	flags: ['since', 'operator', 'action', 'search', 'json'],
	async run(ctx) {
		noArguments(ctx);
		const service = await ctx.service();
		const since = ctx.flags.since === undefined ? undefined : parseSince(ctx.flags.since, service.now());
		const filter = {search: ctx.flags.search, operator: ctx.flags.operator, action: ctx.flags.action};
		const printer = batchPrinter(ctx.out, Boolean(ctx.flags.json), ['TIME', 'OPERATOR', 'ACTION', 'KEY', 'WHAT CHANGED']);
		let found = 0;
		await service.streamActivity(since, batch => {
			const entries = filterActivity(batch, filter);
			found += entries.length;
			return printer.batch(entries.map(e => ({json: {...e, at: isoTime(e.at)}, cells: [formatTime(e.at), e.operator, e.action, e.appKey ?? '', e.summary ?? '']})));
		});
		await printer.end();
		if (!ctx.flags.json) ctx.out.out(counted(found, 'entry', 'entries'));
	},
};
