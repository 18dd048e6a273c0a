import {homedir} from 'node:os';
import {isAbsolute, join, resolve} from 'node:path';

/** --store, else APIKEYS_STORE, else $XDG_DATA_HOME/apikeys/store.json, else ~/.local/share/apikeys/store.json. */
export function resolveStorePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	const chosen = flag ?? env.APIKEYS_STORE;
	if (chosen) return resolve(chosen);
	const dataHome = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
	return join(dataHome, 'apikeys', 'store.json');
}
