import {createInterface} from 'node:readline';
import {Writable} from 'node:stream';
import {refused, usage} from '../core/errors.js';
import type {ApiKeysService} from '../service.js';
import type {Output} from './output.js';

/** Every option the command line knows; each command names the ones it takes. */
export const FLAGS = {
	store: {type: 'string'},
	json: {type: 'boolean'},
	account: {type: 'string'},
	name: {type: 'string'},
	role: {type: 'string', isMultiple: true},
	addRole: {type: 'string', isMultiple: true},
	removeRole: {type: 'string', isMultiple: true},
	activate: {type: 'boolean'},
	deactivate: {type: 'boolean'},
	yes: {type: 'boolean'},
	deleteOld: {type: 'string'},
	key: {type: 'string'},
	search: {type: 'string'},
	status: {type: 'string'},
	alert: {type: 'boolean'},
	sort: {type: 'string'},
	renewalAlert: {type: 'string'},
	reveal: {type: 'string'},
	shareBaseUrl: {type: 'string'},
	resource: {type: 'string', isMultiple: true},
	since: {type: 'string'},
	host: {type: 'string'},
	operator: {type: 'string'},
	action: {type: 'string'},
	format: {type: 'string'},
	output: {type: 'string'},
	sheet: {type: 'string'},
	port: {type: 'string'},
	socket: {type: 'string'},
	socketGroup: {type: 'string'},
	hostName: {type: 'string'},
	staleAfter: {type: 'string'},
	failuresPerKey: {type: 'string'},
	failuresPerAddress: {type: 'string'},
	maxConnections: {type: 'string'},
	from: {type: 'string'},
	to: {type: 'string'},
	demo: {type: 'boolean'},
	color: {type: 'boolean'},
	help: {type: 'boolean'},
	version: {type: 'boolean'},
} as const;

export type FlagName = keyof typeof FLAGS;

export interface Flags {
	store?: string;
	json: boolean;
	account?: string;
	name?: string;
	role: string[];
	addRole: string[];
	removeRole: string[];
	activate: boolean;
	deactivate: boolean;
	yes: boolean;
	deleteOld?: string;
	key?: string;
	search?: string;
	status?: string;
	alert: boolean;
	sort?: string;
	renewalAlert?: string;
	reveal?: string;
	shareBaseUrl?: string;
	resource: string[];
	since?: string;
	host?: string;
	operator?: string;
	action?: string;
	format?: string;
	output?: string;
	sheet?: string;
	port?: string;
	socket?: string;
	socketGroup?: string;
	hostName?: string;
	staleAfter?: string;
	failuresPerKey?: string;
	failuresPerAddress?: string;
	maxConnections?: string;
	from?: string;
	to?: string;
}

export interface CommandContext {
	/** Positional arguments after the command word(s). */
	args: string[];
	flags: Flags;
	/** The options actually typed, by their flag names. */
	given: ReadonlySet<FlagName>;
	out: Output;
	stdin: NodeJS.ReadableStream & {isTTY?: boolean};
	env: NodeJS.ProcessEnv;
	storePath: string;
	operator: string;
	service(): Promise<ApiKeysService>;
}

export interface Command {
	/** One line: the words and options, for help and usage errors. */
	usage: string;
	summary: string;
	flags: readonly FlagName[];
	run(ctx: CommandContext): Promise<number | void>;
}

export function onlyArgument(ctx: CommandContext, what: string): string {
	if (ctx.args.length === 0) throw usage(`name the ${what}`);
	if (ctx.args.length > 1) throw usage(`one ${what} at a time (got ${ctx.args.length} arguments)`);
	return ctx.args[0]!;
}

export function noArguments(ctx: CommandContext): void {
	if (ctx.args.length > 0) throw usage(`unexpected argument "${ctx.args[0]!.slice(0, 60)}"`);
}

export function requireYes(ctx: CommandContext, consequence: string): void {
	if (!ctx.flags.yes) throw usage(`${consequence}: add --yes to confirm`);
}

/** Reads all of stdin as text (for tokens and links, which never come on argv). */
export async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stdin) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		size += buffer.length;
		if (size > 64 * 1024) throw usage('standard input is larger than 64 KiB');
		chunks.push(buffer);
	}
	return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * Asks at the terminal with the answer never shown: the prompt goes to stderr, and readline edits
 * the line in raw mode (so the terminal echoes nothing) and draws it on a stream that drops it.
 * Enter gives the line, Ctrl-D an empty one, Ctrl-C a refusal.
 */
export function promptHidden(question: string, stdin: NodeJS.ReadableStream, stderr: NodeJS.WritableStream): Promise<string> {
	const nowhere = new Writable({write: (_chunk, _encoding, done) => done()});
	const lines = createInterface({input: stdin, output: nowhere, terminal: true, historySize: 0});
	// Only now, in raw mode: a key typed as soon as the prompt shows is neither echoed nor a signal.
	stderr.write(`${question} `);
	return new Promise((resolve, reject) => {
		let answer = '';
		lines.once('line', line => {
			answer = line;
			lines.close();
		});
		lines.once('SIGINT', () => {
			reject(refused('cancelled: no link was read'));
			lines.close();
		});
		lines.once('close', () => {
			// The Enter that ended the answer was not echoed either.
			stderr.write('\n');
			resolve(answer.trim());
		});
	});
}

export type Actions = Record<string, (ctx: CommandContext) => Promise<void>>;

/** Runs `command ACTION ...` (external add, roles list …) with the rest of the arguments. */
export async function dispatch(ctx: CommandContext, actions: Actions, command: string): Promise<void> {
	const [action, ...rest] = ctx.args;
	const run = action ? actions[action] : undefined;
	if (!run) throw usage(`${command} needs ${Object.keys(actions).join(', ').replace(/, ([^,]+)$/, ' or $1')}`);
	await run({...ctx, args: rest});
}
