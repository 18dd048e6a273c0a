#!/usr/bin/env node
import type {ApiKeysService, ServiceOptions} from './service.js';
import type {COMMANDS as CommandTable} from './commands/index.js';
import {FLAGS, type CommandContext, type FlagName, type Flags} from './commands/context.js';
import {isApiKeysError, usage, type ApiKeysError} from './core/errors.js';
import {LINK_SHAPE, REDEEM_ADVICE} from './core/links.js';
import {INITIAL_SORT} from './core/query.js';
import {TOKEN_SHAPE} from './core/token.js';
import {resolveOperator} from './identity.js';
import {isPostgresLocation} from './store/postgres/location.js';
import {resolveStorePath} from './store/paths.js';
import {enforcePins, readSystemConfig} from './store/system-config.js';
import {sanitize} from './text/sanitize.js';
import {colourWanted} from './ui/colour.js';

const GLOBAL_FLAGS: readonly FlagName[] = ['store', 'help', 'version'];
const TUI_FLAGS: readonly FlagName[] = ['store', 'demo', 'color', 'help', 'version'];

const help = (COMMANDS: typeof CommandTable) => `
  Usage
    $ apikeys                 the full-screen interface (--demo: on a throwaway demo store; --no-color)
    $ apikeys <command> [options]

  Commands
${Object.entries(COMMANDS)
	.map(([, command]) => `    ${command.usage}\n        ${command.summary}`)
	.join('\n')}

  Options
    --store PATH   the store file (else $APIKEYS_STORE, else $XDG_DATA_HOME/apikeys/store.json)
    --json         machine-readable output
    --help         this help (apikeys help COMMAND, or COMMAND --help: that command's usage)
    --version      the version

  Each option is given once, except --role, --add-role, --remove-role and --resource, which repeat.
  A value that starts with "-" is written --name=VALUE (--output - is standard output).

  Exit codes: 0 success, 1 refused or failed, 2 bad usage. Tokens and links are never accepted on
  the command line: verify reads the token from standard input or APIKEYS_TOKEN; redeem reads the
  link from standard input, or at a terminal asks for it without showing what is typed.
`;

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (name: string) => name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);

interface Preflight {
	given: Set<FlagName>;
	/** Values of the string options, for the interface, which starts without the full parser. */
	values: Map<FlagName, string>;
	/** Options given as --no-NAME. */
	negated: Set<FlagName>;
	positionals: string[];
}

/** An argument as a value: what follows "=" in --name=VALUE, else the argument itself. */
const valuePart = (arg: string) => (arg.startsWith('--') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg);

const isFlag = (name: string): name is FlagName => Object.hasOwn(FLAGS, name);

/**
 * Checks argv before parsing: secrets, unknown or repeated options, options missing their value.
 * Nothing secret is ever echoed, and nothing has run yet, so a refusal changes nothing.
 */
export function preflight(argv: readonly string[]): Preflight {
	if (argv.some(arg => TOKEN_SHAPE.test(arg))) {
		throw usage(
			'a token was given on the command line, where other users can read it (/proc/*/cmdline): pipe it on standard input or set APIKEYS_TOKEN, and consider renewing it',
		);
	}
	if (argv.some(arg => LINK_SHAPE.test(arg) || LINK_SHAPE.test(valuePart(arg)))) {
		throw usage(`a single-access link was given on the command line, where other users can read it (/proc/*/cmdline); it was not used: ${REDEEM_ADVICE}`);
	}
	const given = new Set<FlagName>();
	const values = new Map<FlagName, string>();
	const negatedFlags = new Set<FlagName>();
	const positionals: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') {
			for (const rest of argv.slice(i + 1)) positionals.push(rest);
			break;
		}
		if (!arg.startsWith('-') || arg === '-') {
			positionals.push(arg);
			continue;
		}
		if (!arg.startsWith('--')) throw usage(`unknown option ${sanitize(arg.slice(0, 40))} (see apikeys --help)`);
		const [rawName, inline] = splitOnce(arg.slice(2), '=');
		const negated = rawName.startsWith('no-') && !isFlag(camel(rawName));
		const typed = negated ? rawName.slice(3) : rawName;
		const name = camel(typed);
		// Only the kebab-case spelling: the parser would also take --addRole, and FLAGS has no own "constructor".
		if (!isFlag(name) || kebab(name) !== typed) throw usage(`unknown option --${sanitize(rawName.slice(0, 40))} (see apikeys --help)`);
		const spec = FLAGS[name];
		if (given.has(name) && !('isMultiple' in spec)) throw usage(`--${typed} is given more than once`);
		if (spec.type === 'string') {
			if (negated) throw usage(`--${rawName} is not an option`);
			const value = inline ?? argv[++i];
			if (value === undefined || value === '') throw usage(`--${typed} needs a value`);
			// A separate value that looks like an option is most likely a forgotten value; --name=-x says it is meant.
			if (inline === undefined && value.startsWith('-') && !(name === 'output' && value === '-')) {
				throw usage(`--${typed} needs a value (one that starts with "-" is written --${typed}=VALUE)`);
			}
			values.set(name, value);
		} else if (inline !== undefined && inline !== 'true' && inline !== 'false') {
			throw usage(`--${typed} takes no value`);
		} else if (negated || inline === 'false') negatedFlags.add(name);
		given.add(name);
	}
	return {given, values, negated: negatedFlags, positionals};
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
	const index = text.indexOf(separator);
	return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

/** `--output -` as `--output=-`: the parser would otherwise take a lone "-" for an argument. */
const joinDashValues = (argv: readonly string[]) =>
	argv.flatMap((arg, i) => (arg === '-' && /^--[a-z-]+$/.test(argv[i - 1] ?? '') ? [] : arg === '-' ? [arg] : /^--[a-z-]+$/.test(arg) && argv[i + 1] === '-' ? [`${arg}=-`] : [arg]));

/**
 * Runs `load` with no global fetch. Ink's layout engine (yoga-layout's WebAssembly build) loads its
 * inlined binary through fetch() of a data: URL whenever fetch exists, and the first fetch() loads
 * Node's whole HTTP client: about 35 ms of the app's start. Without fetch it decodes the same bytes
 * itself.
 */
async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	if (descriptor) Object.defineProperty(globalThis, 'fetch', {...descriptor, value: undefined});
	try {
		return await load();
	} finally {
		if (descriptor) Object.defineProperty(globalThis, 'fetch', descriptor);
	}
}

/**
 * Opens a database store for the app while the app's own code loads (the server's answers arrive
 * meanwhile), with two more connections made meanwhile; once open, the store is read from in the
 * table's first order too, while the first frame is drawn.
 */
function openAhead(storePath: string, options: ServiceOptions): Promise<ApiKeysService> {
	const opening = import('./service.js').then(async ({ApiKeysService}) => {
		const service = await ApiKeysService.open(storePath, {...options, ahead: 1});
		service.beginColumnsScan({sort: INITIAL_SORT});
		// Its query goes out before the app's first frame, which keeps the thread busy for a while.
		await new Promise(resolve => setImmediate(resolve));
		return service;
	});
	// Its failure is reported when the app asks for it.
	opening.catch(() => undefined);
	return opening;
}

async function main(argv: string[]): Promise<number> {
	const {given, values, negated, positionals} = preflight(argv);
	// --help and --version whatever else is given; --no-help (--help=false) is not asking.
	const asksHelp = given.has('help') && !negated.has('help');
	const asksVersion = given.has('version') && !negated.has('version');
	// The full-screen app starts without the command-line parser: its three options were read above.
	if (positionals.length === 0 && !asksHelp && !asksVersion) {
		for (const flag of given) {
			if (!TUI_FLAGS.includes(flag)) throw usage(`--${kebab(flag)} goes with a command (see apikeys --help)`);
		}
		const system = readSystemConfig();
		enforcePins(system, {store: values.get('store')}, process.env, process.getuid?.());
		// The app only ever runs in a terminal (runTui checks): CI variables, which make Ink draw only
		// its last frame (it reads them as it loads), must not blank it for an admin who has them set.
		for (const name of Object.keys(process.env)) if (name === 'CI' || name === 'CONTINUOUS_INTEGRATION' || name.startsWith('CI_')) delete process.env[name];
		const pinned = system !== null && process.getuid?.() !== 0;
		const storePath = resolveStorePath(values.get('store'), process.env, system);
		const demo = given.has('demo') && !negated.has('demo');
		const serviceOptions = {
			operator: resolveOperator(),
			claimedOperator: process.env.APIKEYS_OPERATOR,
			fileExportsRefused: pinned ? `exports are not written to files here (${system.path} applies): run apikeys export --output - and redirect it` : undefined,
		};
		// A database store is opened while the app's code loads: the server's answers arrive meanwhile.
		const opening = isPostgresLocation(storePath) && !demo && process.stdin.isTTY && process.stdout.isTTY ? openAhead(storePath, serviceOptions) : undefined;
		const {runTui} = await withoutFetch(() => import('./ui/run.js'));
		return runTui({storePath, serviceOptions, opening, demo, colour: colourWanted(process.env, negated.has('color'))});
	}
	// The commands (and what they use: the share server, the exporters) load only for a command.
	const [{default: meow}, {COMMANDS}, {streamOutput}, {ApiKeysService}] = await Promise.all([
		import('meow'),
		import('./commands/index.js'),
		import('./commands/output.js'),
		import('./service.js'),
	]);
	const cli = meow(help(COMMANDS), {
		importMeta: import.meta,
		argv: joinDashValues(argv),
		flags: FLAGS as never,
		allowUnknownFlags: true,
		autoHelp: false,
		autoVersion: false,
	});
	const [name, ...args] = cli.input;
	const flags = cli.flags as unknown as Flags;
	const version = () => (process.stdout.write(`${cli.pkg.version ?? 'unknown (no package.json beside the program)'}\n`), 0);
	if (!name) {
		if (asksVersion && !asksHelp) return version();
		cli.showHelp(0);
		return 0;
	}
	const known = (typed: string) => {
		const found = COMMANDS[typed];
		if (!found) throw usage(`unknown command "${sanitize(typed.slice(0, 40))}" (see apikeys --help)`);
		return found;
	};
	const usageOf = (about: (typeof COMMANDS)[string]) => (
		process.stdout.write(`Usage: apikeys ${about.usage}\n  ${about.summary}\n\napikeys --help lists every command and the options they share.\n`), 0
	);
	if (name === 'help') {
		if (args[0] !== undefined) return usageOf(known(args[0]));
		cli.showHelp(0);
		return 0;
	}
	const command = known(name);
	// Asking about a command never runs it, whatever else is on the line (apikeys deactivate K --yes --help);
	// the options were checked all the same (preflight).
	if (asksHelp) return usageOf(command);
	if (asksVersion) return version();
	for (const flag of given) {
		if (!command.flags.includes(flag) && !GLOBAL_FLAGS.includes(flag)) {
			throw usage(`${name} does not take --${kebab(flag)} (usage: apikeys ${command.usage})`);
		}
	}
	const system = readSystemConfig();
	enforcePins(system, flags, process.env, process.getuid?.(), name);
	if (system && name === 'serve' && !given.has('host') && !given.has('port') && !given.has('socket')) {
		const {host, port, socket, socketGroup} = system.serve;
		if (socket !== undefined) Object.assign(flags, {socket, socketGroup});
		else Object.assign(flags, {host, port});
	}
	const storePath = resolveStorePath(flags.store, process.env, system);
	const operator = resolveOperator();
	let service: Promise<ApiKeysService> | undefined;
	const ctx: CommandContext = {
		args,
		flags,
		given,
		out: streamOutput(process.stdout),
		stdin: process.stdin,
		env: process.env,
		storePath,
		operator,
		service: () => (service ??= ApiKeysService.open(storePath, {operator, claimedOperator: process.env.APIKEYS_OPERATOR})),
	};
	try {
		const code = await command.run(ctx);
		return typeof code === 'number' ? code : 0;
	} finally {
		// A PostgreSQL store's connections would keep the process alive.
		await service?.then(opened => opened.close(), () => undefined);
	}
}

const exitCode = (error: ApiKeysError) => (error.kind === 'usage' ? 2 : 1);

function report(error: unknown): number {
	if (process.env.APIKEYS_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
	if (isApiKeysError(error)) {
		process.stderr.write(`apikeys: ${sanitize(error.message)}\n`);
		return exitCode(error);
	}
	const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
	process.stderr.write(`apikeys: unexpected error: ${sanitize(message ?? '')} (run with APIKEYS_DEBUG=1 for details)\n`);
	return 1;
}

process.on('uncaughtException', error => process.exit(report(error)));
process.on('unhandledRejection', error => process.exit(report(error)));
process.stdout.on('error', error => {
	// A closed pipe (`apikeys list | head`) is not an error worth a message.
	if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
	code => {
		process.exitCode = code;
	},
	error => {
		process.exitCode = report(error);
	},
);
