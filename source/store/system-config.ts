import {lstatSync, readFileSync, type Stats} from 'node:fs';
import {dirname, isAbsolute} from 'node:path';
import {storeFailure, usage} from '../core/errors.js';

/** Where a shared deployment fixes its store: root-owned, so no sudoer can point the service account elsewhere. */
export const SYSTEM_CONFIG = '/etc/apikeys/config.json';

export interface SystemConfig {
	/** Read from this file. */
	path: string;
	/** The one store every caller but root uses. */
	store: string;
	/** Where `serve` listens for callers other than root (they cannot choose). */
	serve: {host?: string; port?: string; socket?: string; socketGroup?: string};
}

const FIELDS = new Set(['store', 'serve']);
const SERVE_FIELDS = new Set(['host', 'port', 'socket', 'socketGroup']);

/**
 * The system configuration, or null when there is none. It is trusted only when it and its
 * directory belong to root and only root may write them; otherwise nothing runs, since a
 * configuration others could write would hand them the store.
 */
export function readSystemConfig(path = SYSTEM_CONFIG): SystemConfig | null {
	let info: Stats;
	try {
		info = lstatSync(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw storeFailure(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
	}
	const fix = `it decides the store: run "chown root:root ${path} ${dirname(path)} && chmod 644 ${path} && chmod 755 ${dirname(path)}"`;
	if (!info.isFile()) throw storeFailure(`${path} is not a regular file; ${fix}`);
	const directory = lstatSync(dirname(path));
	for (const [what, stats] of [[path, info], [dirname(path), directory]] as const) {
		if (stats.uid !== 0 || (stats.mode & 0o022) !== 0) throw storeFailure(`${what} must belong to root and be writable only by root; ${fix}`);
	}
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		throw storeFailure(`${path} is not valid JSON`);
	}
	const bad = (problem: string) => storeFailure(`${path}: ${problem}`);
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected an object such as {"store": "/var/lib/apikeys/store.json"}');
	const fields = raw as Record<string, unknown>;
	for (const field of Object.keys(fields)) if (!FIELDS.has(field)) throw bad(`unknown field "${field.slice(0, 40)}" (known: store, serve)`);
	if (typeof fields.store !== 'string' || !isAbsolute(fields.store)) throw bad('"store" must be the absolute path of the store file');
	const serve = fields.serve ?? {};
	if (typeof serve !== 'object' || serve === null || Array.isArray(serve)) throw bad('"serve" must be an object such as {"host": "127.0.0.1", "port": 8470} or {"socket": "/run/apikeys/share.sock"}');
	const listen: SystemConfig['serve'] = {};
	for (const [field, value] of Object.entries(serve)) {
		if (!SERVE_FIELDS.has(field)) throw bad(`unknown field "serve.${field.slice(0, 40)}" (known: host, port, socket, socketGroup)`);
		if (typeof value !== 'string' && typeof value !== 'number') throw bad(`"serve.${field}" must be text or a number`);
		listen[field as keyof SystemConfig['serve']] = String(value);
	}
	return {path, store: fields.store, serve: listen};
}

/** Options that choose where the program reads, writes or listens: root's alone when a system configuration exists. */
const PINNED = {store: '--store', host: '--host', port: '--port', socket: '--socket', socketGroup: '--socket-group', output: '--output'} as const;

/**
 * Refuses, for everyone but root, what would steer the service account around the system
 * configuration: another store (by option or environment), another listening address, an
 * export written to a file as the service account instead of to the caller's standard output.
 */
export function enforcePins(
	config: SystemConfig | null,
	chosen: {store?: string; host?: string; port?: string; socket?: string; socketGroup?: string; output?: string},
	env: NodeJS.ProcessEnv,
	uid: number | undefined,
	command?: string,
): void {
	if (!config || uid === 0) return;
	// Without --output, export writes files in the working directory: as the service account, there.
	if (command === 'export' && chosen.output === undefined) {
		throw usage(`export writes to standard output here (${config.path} applies): add --output - and redirect it`);
	}
	const refuse = (what: string) => usage(`${what} is not accepted here: ${config.path} fixes the store and where it is served, and only root may choose otherwise`);
	if (env.APIKEYS_STORE !== undefined && env.APIKEYS_STORE !== config.store) throw refuse('APIKEYS_STORE');
	for (const [field, flag] of Object.entries(PINNED) as Array<[keyof typeof PINNED, string]>) {
		const value = chosen[field];
		if (value === undefined) continue;
		if (field === 'store' && value === config.store) continue;
		if (field === 'output' && value === '-') continue;
		if (field === 'output') throw usage(`--output FILE is not accepted here (${config.path} applies): export to standard output with --output - and redirect it`);
		throw refuse(flag);
	}
}
