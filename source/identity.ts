import {userInfo} from 'node:os';

/**
 * Who is running the app. Under sudo as another user, SUDO_USER (set by sudo, not by the caller)
 * wins over APIKEYS_OPERATOR so an identity cannot be claimed in the shared deployment;
 * otherwise APIKEYS_OPERATOR (tests and demos), else the login name.
 */
export function resolveOperator(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): string {
	const underSudo = Boolean(env.SUDO_USER) && env.SUDO_UID !== undefined && String(uid) !== env.SUDO_UID;
	if (underSudo) return env.SUDO_USER!;
	if (env.APIKEYS_OPERATOR) return env.APIKEYS_OPERATOR;
	if (env.SUDO_USER) return env.SUDO_USER;
	try {
		return userInfo().username;
	} catch {
		return env.USER ?? env.LOGNAME ?? 'unknown';
	}
}
