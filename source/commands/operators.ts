import {usage} from '../core/errors.js';
import {formatDate, isoTime} from '../core/time.js';
import {onlyArgument, requireYes, dispatch, type Actions, type Command, type CommandContext} from './context.js';
import {renderTable} from './output.js';
import {sanitize} from '../text/sanitize.js';

const actions: Actions = {
	async list(ctx) {
		if (ctx.args.length > 0) throw usage(`unexpected argument "${ctx.args[0]!.slice(0, 60)}"`);
		const operators = await (await ctx.service()).operators();
		if (ctx.flags.json) return ctx.out.json(operators.map(o => ({...o, added: isoTime(o.added)})));
		const rows = operators.map(o => [o.login, o.roles.join(', '), formatDate(o.added), o.addedBy]);
		for (const line of renderTable(['OPERATOR', 'ROLES', 'ADDED', 'ADDED BY'], rows)) ctx.out.out(line);
	},
	async add(ctx) {
		const login = onlyArgument(ctx, 'login');
		const operator = await (await ctx.service()).addOperator({login, roles: ctx.flags.role});
		if (ctx.flags.json) return ctx.out.json({...operator, added: isoTime(operator.added)});
		ctx.out.out(`Added operator ${sanitize(operator.login)}: ${sanitize(operator.roles.join(', '))}`);
	},
	async remove(ctx) {
		const login = onlyArgument(ctx, 'login');
		requireYes(ctx, `removing ${login.slice(0, 64)} takes their access to this store away`);
		const operator = await (await ctx.service()).removeOperator(login);
		if (ctx.flags.json) return ctx.out.json({removed: operator.login});
		ctx.out.out(`Removed operator ${sanitize(operator.login)}.`);
	},
};

export const operators: Command = {
	usage: 'operators list | operators add LOGIN --role R... | operators remove LOGIN --yes',
	summary: 'who may use this store, and with which roles',
	flags: ['role', 'yes', 'json'],
	async run(ctx) {
		await dispatch(ctx, actions, 'operators');
	},
};
