import {usage} from '../core/errors.js';
import {formatDate, isoTime} from '../core/time.js';
import type {ExternalRow} from '../service.js';
import {onlyArgument, requireYes, dispatch, type Actions, type Command, type CommandContext} from './context.js';
import {rolesCell, rolesText} from './format.js';
import {sanitize} from '../text/sanitize.js';
import {renderTable} from './output.js';
import {counted} from '../text/plural.js';

const externalJson = (row: ExternalRow) => ({
	appKey: row.appKey,
	owner: row.owner,
	roles: row.roles,
	added: isoTime(row.added),
	addedBy: row.addedBy,
	status: row.active ? 'Active' : 'Inactive',
});

function printOne(ctx: CommandContext, verb: string, row: ExternalRow) {
	if (ctx.flags.json) return ctx.out.json(externalJson(row));
	ctx.out.out(`${verb} external key ${sanitize(row.appKey)} (owner ${sanitize(row.owner)}); roles: ${rolesText(row.roles)}`);
}

const actions: Actions = {
	async add(ctx) {
		const row = await (await ctx.service()).addExternal({appKey: onlyArgument(ctx, 'appKey'), roles: ctx.flags.role});
		printOne(ctx, 'Added', row);
	},
	async edit(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		if (!ctx.given.has('role')) throw usage('give the roles the key should hold: --role ROLE...');
		printOne(ctx, 'Saved', await (await ctx.service()).editExternal(appKey, ctx.flags.role));
	},
	async remove(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		requireYes(ctx, `removing ${appKey.slice(0, 100)} takes its access to this account away`);
		printOne(ctx, 'Removed', await (await ctx.service()).removeExternal(appKey));
	},
	async list(ctx) {
		if (ctx.args.length > 0) throw usage(`unexpected argument "${ctx.args[0]!.slice(0, 60)}"`);
		const rows = await (await ctx.service()).listExternal(ctx.flags.search ?? '');
		if (ctx.flags.json) return ctx.out.json(rows.map(externalJson));
		const table = rows.map(r => [r.appKey, r.owner, rolesCell(r.roles), formatDate(r.added), r.active ? 'Active' : 'Inactive']);
		if (rows.length > 0) for (const line of renderTable(['KEY', 'OWNER', 'ROLES', 'ADDED ON', 'STATUS'], table)) ctx.out.out(line);
		ctx.out.out(counted(rows.length, 'external key'));
	},
};

export const external: Command = {
	usage: 'external add APPKEY [--role R]... | external edit APPKEY --role R... | external remove APPKEY --yes | external list [--search Q]',
	summary: "other accounts' appKeys granted roles in this account",
	flags: ['role', 'yes', 'search', 'json'],
	async run(ctx) {
		await dispatch(ctx, actions, 'external');
	},
};
