import {usage} from '../core/errors.js';
import {DAY, HOUR, MINUTE, formatTime, isoTime} from '../core/time.js';
import {noArguments, type Command} from './context.js';
import {filterActivity} from '../core/activity.js';
import {renderTable} from './output.js';
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
		const entries = filterActivity(await service.activity(since), {search: ctx.flags.search, operator: ctx.flags.operator, action: ctx.flags.action});
		if (ctx.flags.json) return ctx.out.json(entries.map(e => ({...e, at: isoTime(e.at)})));
		const rows = entries.map(e => [formatTime(e.at), e.operator, e.action, e.appKey ?? '', e.summary ?? '']);
		if (rows.length > 0) for (const line of renderTable(['TIME', 'OPERATOR', 'ACTION', 'KEY', 'WHAT CHANGED'], rows)) ctx.out.out(line);
		ctx.out.out(counted(entries.length, 'entry', 'entries'));
	},
};
