import {usage} from '../core/errors.js';
import {ApiKeysService} from '../service.js';
import {noArguments, type Command} from './context.js';
import {sanitize} from '../text/sanitize.js';

export const init: Command = {
	usage: 'init --account NAME',
	summary: 'create a store for an account; you become its Owner (Admin Super)',
	flags: ['account', 'json'],
	async run(ctx) {
		noArguments(ctx);
		if (!ctx.flags.account) throw usage('name the account: apikeys init --account NAME');
		const service = await ApiKeysService.init(ctx.storePath, ctx.flags.account, {operator: ctx.operator, claimedOperator: ctx.env.APIKEYS_OPERATOR});
		try {
			if (ctx.flags.json) return ctx.out.json({account: ctx.flags.account, store: service.path, owner: service.operator});
			ctx.out.out(`Created store ${sanitize(service.path)} for account ${sanitize(ctx.flags.account)}; ${sanitize(service.operator)} is its Owner (Admin Super).`);
		} finally {
			await service.close();
		}
	},
};
