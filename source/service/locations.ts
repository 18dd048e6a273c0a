import {refused} from '../core/errors.js';
import {LOGIN_RULE, isLogin} from '../core/permissions.js';
import type {StoreData} from '../core/types.js';
import {displayUrl, isPostgresLocation} from '../store/postgres/location.js';
import {sanitize} from '../text/sanitize.js';
import type {ServiceOptions} from './session.js';

/** What `store copy` copied. */
export interface CopyCounts {
	from: string;
	to: string;
	keys: number;
	pendingRenewals: number;
	unusedLinks: number;
	external: number;
	operators: number;
	roles: number;
	activity: number;
}

export const displayLocation = (location: string) => (isPostgresLocation(location) ? displayUrl(location) : location);

/**
 * In a PostgreSQL store each admin logs in as their own database role, and that login is the
 * operator: it is proven by the database's authentication, so no environment variable can claim
 * another. APIKEYS_OPERATOR naming someone else is refused rather than ignored.
 */
export function asDatabaseLogin(store: {login: string; path: string}, options: ServiceOptions): ServiceOptions {
	if (!isLogin(store.login)) throw refused(`the database login "${sanitize(store.login.slice(0, 64))}" cannot be an operator login (${LOGIN_RULE})`);
	if (options.claimedOperator !== undefined && options.claimedOperator !== store.login) {
		throw refused(`in the PostgreSQL store ${store.path} you act as your database login "${store.login}", not "${sanitize(options.claimedOperator.slice(0, 64))}": unset APIKEYS_OPERATOR, or log in as that role`);
	}
	return {...options, operator: store.login};
}

/** The counts of a store as copied: what `store copy` prints. */
export function copyCounts(from: string, to: string, data: StoreData, now: number): CopyCounts {
	return {
		from: displayLocation(from),
		to: displayLocation(to),
		keys: data.keys.length,
		pendingRenewals: data.keys.filter(k => k.oldToken).length,
		unusedLinks: data.links.filter(l => l.used === undefined && l.expires > now).length,
		external: data.external.length,
		operators: data.operators.length,
		roles: data.roles.length,
		activity: data.activity.length,
	};
}
