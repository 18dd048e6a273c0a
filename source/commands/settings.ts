import {noArguments, type Command} from './context.js';
import {renderTable} from './output.js';
import {sanitize} from '../text/sanitize.js';

/** The settings a change names, as the table below names them. */
const LABELS = [
	['renewalAlertMonths', 'renewal alert (months)'],
	['reveal', 'reveal'],
	['shareBaseUrl', 'share base URL'],
] as const;

export const settings: Command = {
	usage: 'settings [--renewal-alert 3|6] [--reveal link|direct] [--share-base-url URL]',
	summary: 'show or change the renewal-alert period, how new tokens are revealed, and the links\' base URL',
	flags: ['renewalAlert', 'reveal', 'shareBaseUrl', 'json'],
	async run(ctx) {
		noArguments(ctx);
		const service = await ctx.service();
		const {renewalAlert, reveal, shareBaseUrl} = ctx.flags;
		const changing = renewalAlert !== undefined || reveal !== undefined || shareBaseUrl !== undefined;
		const before = changing ? await service.settings() : null;
		if (changing) {
			await service.updateSettings({
				renewalAlertMonths: renewalAlert === undefined ? undefined : (Number(renewalAlert) as 3),
				reveal: reveal as 'link' | undefined,
				shareBaseUrl,
			});
		}
		const current = await service.settings();
		if (ctx.flags.json) return ctx.out.json(current);
		if (before) {
			const changed = LABELS.filter(([field]) => before[field] !== current[field]).map(([field, label]) => `${label} ${sanitize(String(before[field]))} → ${sanitize(String(current[field]))}`);
			ctx.out.out(changed.length > 0 ? `Saved: ${changed.join('; ')}.` : 'Nothing to save: the settings were already so.');
		}
		const rows = [
			['account', current.account],
			['renewal alert', `${current.renewalAlertMonths} months`],
			['reveal', current.reveal === 'link' ? 'link (single-access link, 24 h, usable once)' : 'direct (token shown once)'],
			['share base URL', current.shareBaseUrl],
			['key prefix', current.keyPrefix],
		];
		for (const line of renderTable(['SETTING', 'VALUE'], rows)) ctx.out.out(line);
	},
};
