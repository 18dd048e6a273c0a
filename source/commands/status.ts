import {ACTIVATE_WARNING} from '../core/keys.js';
import {onlyArgument, requireYes, type Command} from './context.js';
import {describeKey, keyJson} from './format.js';

export const activate: Command = {
	usage: 'activate APPKEY',
	summary: 'activate an inactive key',
	flags: ['json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		const row = await (await ctx.service()).activate(appKey);
		if (ctx.flags.json) return ctx.out.json(keyJson(row));
		ctx.out.out(`Activated ${describeKey(row)}.`);
		ctx.out.out(ACTIVATE_WARNING);
	},
};

export const deactivate: Command = {
	usage: 'deactivate APPKEY --yes',
	summary: 'deactivate a key: every verification with it fails until it is activated',
	flags: ['yes', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		requireYes(ctx, `deactivating ${appKey.slice(0, 100)} interrupts every integration that uses it`);
		const row = await (await ctx.service()).deactivate(appKey);
		if (ctx.flags.json) return ctx.out.json(keyJson(row));
		ctx.out.out(`Deactivated ${describeKey(row)}.`);
	},
};
