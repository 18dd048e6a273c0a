import {usage} from '../core/errors.js';
import {noArguments, type Command} from './context.js';
import {describeKey, keyJson, printReveal, revealJson, rolesText} from './format.js';

export const generate: Command = {
	usage: 'generate --name NAME [--role ROLE]... [--json]',
	summary: 'generate a key (active at once) and reveal its token through a single-access link',
	flags: ['name', 'role', 'json'],
	async run(ctx) {
		noArguments(ctx);
		if (ctx.flags.name === undefined) throw usage('a key needs a name: --name NAME');
		const service = await ctx.service();
		const {row, reveal} = await service.generate({name: ctx.flags.name, roles: ctx.flags.role});
		if (ctx.flags.json) return ctx.out.json({...keyJson(row), ...revealJson(reveal)});
		ctx.out.out(`Generated ${describeKey(row)}, active now, roles: ${rolesText(row.roles)}`);
		printReveal(ctx.out, reveal);
	},
};
