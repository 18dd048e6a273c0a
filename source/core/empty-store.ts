import {validateAccount} from './appkey.js';
import {OWNER_ROLE} from './roles.js';
import {defaultSettings} from './settings.js';
import {SCHEMA_VERSION, type Millis, type StoreData} from './types.js';

/** A new store's data: no keys, and the operator who creates it as its Owner. */
export function emptyStore(account: string, owner: string, now: Millis): StoreData {
	return {
		schemaVersion: SCHEMA_VERSION,
		revision: 0,
		account: validateAccount(account),
		created: now,
		settings: defaultSettings(),
		roles: [],
		operators: [{login: owner, roles: [OWNER_ROLE], added: now, addedBy: owner}],
		keys: [],
		external: [],
		links: [],
		activity: [],
	};
}
