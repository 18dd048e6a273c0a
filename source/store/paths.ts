import {homedir} from 'node:os';
import {isAbsolute, join} from 'node:path';
import {storePath} from './postgres/location.js';
import type {SystemConfig} from './system-config.js';

/**
 * --store, else APIKEYS_STORE (a path, a file:// URL, or a postgres:// URL), else $XDG_DATA_HOME/apikeys/store.json, else
 * ~/.local/share/apikeys/store.json. A system configuration's store comes first for everyone
 * but root (enforcePins has refused any other choice), and is root's default too.
 */
export function resolveStorePath(
	flag: string | undefined,
	env: NodeJS.ProcessEnv = process.env,
	system: SystemConfig | null = null,
	uid = process.getuid?.(),
): string {
	const chosen = flag ?? env.APIKEYS_STORE;
	if (system && (uid !== 0 || !chosen)) return system.store;
	if (chosen) return storePath(chosen, flag === undefined ? 'env' : 'argv');
	const dataHome = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
	return join(dataHome, 'apikeys', 'store.json');
}
