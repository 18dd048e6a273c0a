import {usage} from '../core/errors.js';
import {onlyArgument, type Command} from './context.js';
import {describeKey, keyJson, rolesText} from './format.js';

export const edit: Command = {
	usage: 'edit APPKEY [--role ROLE]... [--add-role R]... [--remove-role R]... [--activate|--deactivate]',
	summary: "change a key's roles (--role replaces them) and its Active flag",
	flags: ['role', 'addRole', 'removeRole', 'activate', 'deactivate', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		if (ctx.flags.activate && ctx.flags.deactivate) throw usage('--activate and --deactivate cannot go together');
		const replaceRoles = ctx.given.has('role');
		if (!replaceRoles && !ctx.given.has('addRole') && !ctx.given.has('removeRole') && !ctx.flags.activate && !ctx.flags.deactivate) {
			throw usage('nothing to change: give --role, --add-role, --remove-role, --activate or --deactivate');
		}
		const service = await ctx.service();
		const {row, changed} = await service.edit(appKey, {
			roles: replaceRoles ? ctx.flags.role : undefined,
			addRoles: ctx.flags.addRole,
			removeRoles: ctx.flags.removeRole,
			active: ctx.flags.activate ? true : ctx.flags.deactivate ? false : undefined,
		});
		if (ctx.flags.json) return ctx.out.json({...keyJson(row), changed});
		ctx.out.out(
			changed
				? `Saved ${describeKey(row)}: roles ${rolesText(row.roles)}; ${row.status}`
				: `Nothing changed for ${describeKey(row)}`,
		);
	},
};
