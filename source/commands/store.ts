import {isPostgresLocation, storeLocation} from '../store/postgres/location.js';
import {usage} from '../core/errors.js';
import {ApiKeysService} from '../service.js';
import {dispatch, noArguments, type Command, type CommandContext} from './context.js';
import {sanitize} from '../text/sanitize.js';

const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en')} ${count === 1 ? one : many}`;

/** A --from or --to value: a file path, a file:// URL, or a postgres:// URL without a password. */
function location(value: string | undefined, flag: 'from' | 'to'): string {
	if (!value) throw usage(`name the store to copy ${flag}: apikeys store copy --from SOURCE --to TARGET`);
	const found = storeLocation(value, 'argv');
	return found.kind === 'postgres' ? found.url : found.path;
}

async function copy(ctx: CommandContext): Promise<void> {
	noArguments(ctx);
	const from = location(ctx.flags.from, 'from');
	const to = location(ctx.flags.to, 'to');
	const copied = await ApiKeysService.copy(from, to, {operator: ctx.operator, claimedOperator: ctx.env.APIKEYS_OPERATOR});
	if (ctx.flags.json) return ctx.out.json(copied);
	ctx.out.out(
		`Copied ${plural(copied.keys, 'key')} (${plural(copied.pendingRenewals, 'pending renewal')}, ${plural(copied.unusedLinks, 'unused link')}), ` +
			`${plural(copied.external, 'external key')}, ${plural(copied.operators, 'operator')}, ${plural(copied.roles, 'custom role')}, the settings ` +
			`and ${plural(copied.activity, 'activity entry', 'activity entries')} from ${sanitize(copied.from)} to ${sanitize(copied.to)}.`,
	);
	// A copy, not a move: until the source is retired, each unused link opens once in each store.
	ctx.out.out(
		`The source still works: its keys, tokens${copied.unusedLinks > 0 ? ' and unused links' : ''} are live in both stores until you retire it (${isPostgresLocation(from) ? 'drop its database' : 'move the file away'}).`,
	);
}

export const store: Command = {
	usage: 'store copy --from SOURCE --to TARGET',
	summary: 'copy a whole store (a file or postgres://…) into a new, empty one',
	flags: ['from', 'to', 'json'],
	run: ctx => dispatch(ctx, {copy}, 'store'),
};
