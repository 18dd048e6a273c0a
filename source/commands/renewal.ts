import {usage} from '../core/errors.js';
import {onlyArgument, requireYes, type Command} from './context.js';
import {sanitize} from '../text/sanitize.js';
import {describeKey, keyJson, printReveal, revealJson} from './format.js';

export const renew: Command = {
	usage: 'renew APPKEY --delete-old now|later',
	summary: 'renew the token; later keeps both tokens valid until delete-old-token, now deletes the old one',
	flags: ['deleteOld', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		const deleteOld = ctx.flags.deleteOld;
		if (deleteOld !== 'now' && deleteOld !== 'later') throw usage('choose what happens to the old token: --delete-old now or --delete-old later');
		const {row, reveal} = await (await ctx.service()).renew(appKey, deleteOld);
		if (ctx.flags.json) return ctx.out.json({...keyJson(row), deleteOld, ...revealJson(reveal)});
		ctx.out.out(
			deleteOld === 'later'
				? `Renewed ${describeKey(row)}: both tokens are valid until you run "apikeys delete-old-token ${sanitize(row.appKey)} --yes".`
				: `Renewed ${describeKey(row)}: the old token was deleted; only the new one is valid.`,
		);
		printReveal(ctx.out, reveal);
	},
};

export const deleteOldToken: Command = {
	usage: 'delete-old-token APPKEY --yes',
	summary: 'delete the old token of a pending renewal (irreversible)',
	flags: ['yes', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		requireYes(ctx, 'deleting the old token cannot be undone');
		const row = await (await ctx.service()).deleteOldToken(appKey);
		if (ctx.flags.json) return ctx.out.json(keyJson(row));
		ctx.out.out(`Deleted the old token of ${describeKey(row)}; only the new token is valid.`);
	},
};

export const undoRenewal: Command = {
	usage: 'undo-renewal APPKEY --yes',
	summary: 'undo a pending renewal: the new token and its link are destroyed, the old token is current again',
	flags: ['yes', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		requireYes(ctx, 'undoing the renewal destroys the new token');
		const row = await (await ctx.service()).undoRenewal(appKey);
		if (ctx.flags.json) return ctx.out.json(keyJson(row));
		ctx.out.out(`Undid the renewal of ${describeKey(row)}; the old token is current again.`);
	},
};

export const revokeLink: Command = {
	usage: 'revoke-link APPKEY --yes',
	summary: "revoke the key's unused single-access link and the token it holds, so a renewal can start at once",
	flags: ['yes', 'json'],
	async run(ctx) {
		const appKey = onlyArgument(ctx, 'appKey');
		requireYes(ctx, 'revoking the link destroys the token it holds');
		const {row, restored} = await (await ctx.service()).revokeLink(appKey);
		if (ctx.flags.json) return ctx.out.json({...keyJson(row), oldTokenCurrent: restored});
		ctx.out.out(
			restored
				? `Revoked the unused link of ${describeKey(row)}: its new token is destroyed and the old token is current again.`
				: `Revoked the unused link of ${describeKey(row)}: its token is destroyed; the key has no usable token until you renew it.`,
		);
	},
};
