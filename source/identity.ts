import {userInfo} from 'node:os';
import {refused} from './core/errors.js';
import {LOGIN_RULE, isLogin} from './core/permissions.js';
import {sanitize} from './text/sanitize.js';

/**
 * Who is running the app. Under sudo as another user, SUDO_USER (set by sudo, not by the caller)
 * wins over APIKEYS_OPERATOR so an identity cannot be claimed in the shared deployment;
 * otherwise APIKEYS_OPERATOR (tests and demos), else the login name. A login that is not a valid
 * operator login is refused before anything is read or created.
 */
export function resolveOperator(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.(), loginName = osLogin): string {
	const underSudo = Boolean(env.SUDO_USER) && env.SUDO_UID !== undefined && String(uid) !== env.SUDO_UID;
	if (underSudo) return checked(env.SUDO_USER!, 'SUDO_USER');
	if (env.APIKEYS_OPERATOR) return checked(env.APIKEYS_OPERATOR, 'APIKEYS_OPERATOR');
	if (env.SUDO_USER) return checked(env.SUDO_USER, 'SUDO_USER');
	return checked(loginName(env), 'login');
}

function osLogin(env: NodeJS.ProcessEnv): string {
	try {
		return userInfo().username;
	} catch {
		return env.USER ?? env.LOGNAME ?? 'unknown';
	}
}

function checked(login: string, source: 'SUDO_USER' | 'APIKEYS_OPERATOR' | 'login'): string {
	if (isLogin(login)) return login;
	const shown = `"${sanitize(login.slice(0, 64))}"${login.length > 64 ? '…' : ''}`;
	throw refused(
		source === 'login'
			? `your login name ${shown} cannot be an operator login (${LOGIN_RULE}): set APIKEYS_OPERATOR to one`
			: `${source} ${shown} is not a login name: ${LOGIN_RULE}`,
	);
}
