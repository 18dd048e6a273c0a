import {onlyArgument, requireYes, type Command} from './context.js';
import {sanitize} from '../text/sanitize.js';

export const deleteCommand: Command = {
	usage: 'delete APPKEY --yes',
	summary: 'delete a key with its tokens and links (cannot be undone)',
	flags: ['yes', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		requireYes(ctx, 'deleting a key cannot be undone');
		const deleted = await (await ctx.service()).deleteKey(appKey);
		if (ctx.flags.json) return ctx.out.json({deleted: deleted.appKey, name: deleted.name});
		ctx.out.out(`Deleted ${sanitize(deleted.appKey)} (${sanitize(deleted.name)}).`);
	},
};
