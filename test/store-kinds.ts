import {postgresReason} from './pg.js';

export type StoreKind = 'file' | 'postgres';

/**
 * Why this run leaves a kind out (null: it covers it): APIKEYS_TEST_STORES narrows the kinds (.ci/run
 * runs the PostgreSQL variants on one Node version of three, to keep CI short), and PostgreSQL
 * needs a server.
 */
export function kindReason(kind: StoreKind): string | null {
	const chosen = process.env.APIKEYS_TEST_STORES?.split(',').map(name => name.trim());
	if (chosen && !chosen.includes(kind)) return `APIKEYS_TEST_STORES=${process.env.APIKEYS_TEST_STORES} leaves the ${kind} store out`;
	return kind === 'postgres' ? postgresReason : null;
}
