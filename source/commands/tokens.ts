import {usage} from '../core/errors.js';
import {REDEEM_ADVICE} from '../core/links.js';
import {promptHidden, readStdin, type Command} from './context.js';
import {sanitize} from '../text/sanitize.js';

export const redeem: Command = {
	usage: 'redeem [--json]    (the link pasted at the prompt or piped on standard input, never on the command line)',
	summary: 'open a single-access link: prints its token once; the link is dead afterwards',
	flags: ['json'],
	async run(ctx) {
		// Never echoed nor used: an argument is readable by every local user while the command runs.
		if (ctx.args.length > 0) throw usage(`redeem takes no argument: the link is never accepted on the command line; ${REDEEM_ADVICE}`);
		const link = ctx.stdin.isTTY
			? await promptHidden('Paste the single-access link (it is not shown) and press Enter:', ctx.stdin, process.stderr)
			: await readStdin(ctx.stdin);
		if (!link) throw usage(`no link was given: ${REDEEM_ADVICE}`);
		const {appKey, token} = await (await ctx.service()).redeem(link);
		if (ctx.flags.json) return ctx.out.json({appKey, token});
		ctx.out.out(`Token for ${sanitize(appKey)} (shown once; save it in a safe place):`);
		ctx.out.out(token);
	},
};

export const verify: Command = {
	usage: 'verify --key APPKEY    (token on standard input or in APIKEYS_TOKEN, never on the command line)',
	summary: 'check a token: exit 0 and the roles when valid, exit 1 when not',
	flags: ['key', 'json'],
	async run(ctx) {
		if (ctx.args.length > 0) throw usage('the token is never accepted on the command line: pipe it on standard input or set APIKEYS_TOKEN');
		if (!ctx.flags.key) throw usage('name the key: --key APPKEY');
		let token = ctx.env.APIKEYS_TOKEN ?? '';
		if (!token) {
			if (ctx.stdin.isTTY) throw usage('pipe the token on standard input or set APIKEYS_TOKEN');
			token = await readStdin(ctx.stdin);
		}
		if (!token) throw usage('no token: pipe it on standard input or set APIKEYS_TOKEN');
		const result = await (await ctx.service()).verify(ctx.flags.key, token.trim());
		if (ctx.flags.json) {
			ctx.out.json(result);
			return result.valid ? 0 : 1;
		}
		if (!result.valid) {
			process.stderr.write(`apikeys: invalid: ${result.reason}\n`);
			return 1;
		}
		const which = result.matched === 'old' ? 'the old token of a pending renewal' : 'the current token';
		ctx.out.out(`valid: ${sanitize(result.appKey)} (${which}); roles: ${sanitize(result.roles.join(', ')) || '—'}`);
		return 0;
	},
};
