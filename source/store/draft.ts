import type {StoreData} from '../core/types.js';

/**
 * A copy for a change to work on: the top level, the settings and every list are new; the keys,
 * entries and records in the lists are shared, since a change replaces them and never changes one
 * in place (which also lets the writer reuse the bytes of every one left as it was).
 */
export const draftOf = (data: StoreData): StoreData => ({
	...data,
	settings: {...data.settings},
	roles: [...data.roles],
	operators: [...data.operators],
	keys: [...data.keys],
	external: [...data.external],
	links: [...data.links],
	activity: [...data.activity],
});
