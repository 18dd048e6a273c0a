import {usage} from '../core/errors.js';
import {ALL_RESOURCES} from '../core/roles.js';
import {onlyArgument, requireYes, dispatch, type Actions, type Command, type CommandContext} from './context.js';
import {renderTable} from './output.js';
import {sanitize} from '../text/sanitize.js';

const actions: Actions = {
	async list(ctx) {
		if (ctx.args.length > 0) throw usage(`unexpected argument "${ctx.args[0]!.slice(0, 60)}"`);
		const roles = await (await ctx.service()).roles();
		if (ctx.flags.json) return ctx.out.json(roles.map(r => ({name: r.name, predefined: r.predefined, resources: r.resources})));
		const rows = roles.map(r => [r.name, r.predefined ? 'predefined' : 'custom', r.resources.join(', ')]);
		for (const line of renderTable(['ROLE', 'KIND', 'RESOURCES'], rows)) ctx.out.out(line);
		ctx.out.out('');
		ctx.out.out(`Resources: ${ALL_RESOURCES.join(', ')}`);
	},
	async add(ctx) {
		const name = onlyArgument(ctx, 'role name');
		const role = await (await ctx.service()).addRole({name, resources: ctx.flags.resource});
		if (ctx.flags.json) return ctx.out.json({name: role.name, predefined: false, resources: role.resources});
		ctx.out.out(`Added role ${sanitize(role.name)}: ${role.resources.join(', ')}`);
	},
	async remove(ctx) {
		const name = onlyArgument(ctx, 'role name');
		requireYes(ctx, `removing the role "${name.slice(0, 100)}" cannot be undone`);
		const role = await (await ctx.service()).removeRole(name);
		if (ctx.flags.json) return ctx.out.json({removed: role.name});
		ctx.out.out(`Removed role ${sanitize(role.name)}.`);
	},
};

export const roles: Command = {
	usage: 'roles list | roles add NAME --resource R... | roles remove NAME --yes',
	summary: 'the roles catalog: predefined roles and custom roles made of resources',
	flags: ['resource', 'yes', 'json'],
	async run(ctx) {
		await dispatch(ctx, actions, 'roles');
	},
};
