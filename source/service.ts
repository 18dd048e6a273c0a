import {existsSync} from 'node:fs';
import {recordActivity, recordStoreCreated} from './core/activity.js';
import {requireExternalAsShown, requireKeyAsShown, requireSettingsAsShown, type Expected} from './core/conflict.js';
import {usage} from './core/errors.js';
import {addExternalKey, editExternalRoles, findExternal, removeExternalKey} from './core/external.js';
import {
	activateKey,
	deactivateKey,
	deleteKey,
	deleteOldToken,
	editKey,
	findKey,
	generateKey,
	renewToken,
	replaceKey,
	revokeLink,
	undoRenewal,
	verifyToken,
	type DeleteOld,
	type Reveal,
	type VerifyResult,
} from './core/keys.js';
import {linkedAppKeys, redeemLink} from './core/links.js';
import {addOperator, removeOperator, requireResource} from './core/permissions.js';
import {keyRow, type KeyRow} from './core/query.js';
import {addCustomRole, removeCustomRole, type RoleChange} from './core/roles.js';
import {emptyStore} from './core/empty-store.js';
import {updateSettings, type SettingsPatch} from './core/settings.js';
import {MINUTE} from './core/time.js';
import {MANAGE_OPERATORS} from './core/types.js';
import type {CustomRole, ExternalKey, GeneratedKey, Millis, Operator, Settings, StoreData, StoreSnapshot} from './core/types.js';
import {MemoryStore} from './memory-store.js';
import {inactive, refusal} from './core/token-index.js';
import {TOKEN_LENGTH, tokenDigest} from './core/token.js';
import {isPostgresLocation, displayUrl} from './store/postgres/location.js';
import {asDatabaseLogin, copyCounts, displayLocation, type CopyCounts} from './service/locations.js';
import {Store} from './store/store.js';
import {externalRow, ServiceReads, type ExternalRow} from './service/reads.js';
import type {ServiceOptions, StoreBackend} from './service/session.js';

export type {ExternalRow, LinkView} from './service/reads.js';
export type {ServiceOptions, StoreBackend} from './service/session.js';

/** A store's first data: its account, its creator as Owner, and the log's first entry. */
function newStore(account: string, options: ServiceOptions): StoreData {
	const data = emptyStore(account, options.operator, (options.clock ?? Date.now)());
	recordStoreCreated(data, options.operator);
	return data;
}

/** Refuses a change to a key that is no longer as the dialog showed it (a no-op without `expected`: the command line merges). */
const asShown = (data: StoreSnapshot, appKey: string, expected: Expected<GeneratedKey> | undefined) =>
	expected && requireKeyAsShown(data, findKey(data, appKey), expected);

/** `verify` records "last used" at most this often per key, so verification stays read-mostly. */
export const LAST_USED_RESOLUTION = MINUTE;

/** The PostgreSQL store, with its driver, loaded only when a store is in PostgreSQL: a file store's commands start without it. */
const pgStore = async () => (await import('./store/postgres/pg-store.js')).PgStore;

/**
 * The one API the command line and the interface call: operator → permission → core rule →
 * activity → persist. Nothing else writes the store.
 */
export class ApiKeysService extends ServiceReads {
	private constructor(store: StoreBackend, options: ServiceOptions) {
		super(store, options);
	}

	/**
	 * Opens the store at `location`: a file path, or a postgres:// URL. `preview`: open a large
	 * store file from its newest keys only, for a first frame (see Store.open); `ahead`: open more
	 * connections to a database meanwhile, for the app (see PgStore.open). In a PostgreSQL
	 * store the operator is the database login (see asDatabaseLogin).
	 */
	static async open(location: string, options: ServiceOptions & {preview?: number; ahead?: number}): Promise<ApiKeysService> {
		if (isPostgresLocation(location)) {
			const store = await (await pgStore()).open(location, process.env, options.ahead);
			return new ApiKeysService(store, asDatabaseLogin(store, options));
		}
		return new ApiKeysService(await Store.open(location, undefined, {preview: options.preview}), options);
	}

	/** Opens the store at `location`, or null when there is no file there yet (the interface then offers to create one). */
	static async openIfPresent(location: string, options: ServiceOptions & {preview?: number}): Promise<ApiKeysService | null> {
		return isPostgresLocation(location) || existsSync(location) ? ApiKeysService.open(location, options) : null;
	}

	/** Creates a store for `account`; the operator who creates it becomes its Owner (Admin Super). */
	static async init(location: string, account: string, options: ServiceOptions): Promise<ApiKeysService> {
		if (isPostgresLocation(location)) {
			let operator = options.operator;
			const store = await (await pgStore()).create(location, login => {
				operator = asDatabaseLogin({login, path: displayUrl(location)}, options).operator;
				return newStore(account, {...options, operator});
			});
			return new ApiKeysService(store, {...options, operator});
		}
		return new ApiKeysService(await Store.create(location, newStore(account, options)), options);
	}

	/**
	 * Copies a whole store into a new one (a file or PostgreSQL, either way): keys with their token
	 * digests, pending renewals, unused links, external keys, operators, roles, settings and the
	 * whole log (the archived part too), then a last entry saying who copied it from where. Needs
	 * Manage operators and roles on the source, which it copies all of; refused when the target exists.
	 */
	static async copy(from: string, to: string, options: ServiceOptions): Promise<CopyCounts> {
		const source = await ApiKeysService.open(from, options);
		try {
			requireResource(await source.view(), source.operator, MANAGE_OPERATORS, 'copy a whole store');
			const data = await source.whole();
			// A whole read of a database store has every entry already; a file's older ones are in its archive.
			const archived = source.store.finder ? [] : await source.store.archivedActivity(data);
			const {archive: _extent, ...rest} = data;
			const whole: StoreData = {
				...rest,
				settings: {...rest.settings},
				roles: [...rest.roles],
				operators: [...rest.operators],
				keys: [...rest.keys],
				external: [...rest.external],
				links: [...rest.links],
				activity: [...archived, ...data.activity],
				revision: 0,
			};
			const at = source.clock();
			recordActivity(whole, {at, operator: source.operator, action: 'copy store', summary: `from ${displayLocation(from)}`});
			if (isPostgresLocation(to)) await (await (await pgStore()).create(to, () => whole)).close();
			else await Store.create(to, whole);
			return copyCounts(from, to, whole, source.clock());
		} finally {
			await source.close();
		}
	}

	/** Lets go of the store's connections (a PostgreSQL store's pool); a file store holds none. */
	async close(): Promise<void> {
		await this.early?.drop();
		await this.store.close?.();
	}

	/**
	 * A new store that lives in memory until saveAs writes it, so a made-up history (the demo) goes
	 * through the same rules and activity log without a write per step.
	 */
	static draft(account: string, options: ServiceOptions): ApiKeysService {
		return new ApiKeysService(new MemoryStore(newStore(account, options)), options);
	}

	/** The same store, clock and randomness, acting as another operator (whose resources are then checked). */
	as(operator: string): ApiKeysService {
		return new ApiKeysService(this.store, {operator, clock: this.clock, random: this.random});
	}

	/** Writes the data to a new store file at `path`; refused when a store is there. */
	async saveAs(path: string): Promise<void> {
		await Store.create(path, await this.store.read());
	}

	// ---- generated keys ----

	generate(input: {name: string; roles: readonly string[]}): Promise<{row: KeyRow; reveal: Reveal}> {
		return this.change('Edit API Keys', 'generate keys', 'generate', (data, ctx) => {
			const {key, reveal, summary} = generateKey(data, input, ctx);
			return {result: {row: keyRow(data, key, ctx.now), reveal}, appKey: key.appKey, summary};
		});
	}

	edit(appKey: string, input: RoleChange & {active?: boolean}, expected?: Expected<GeneratedKey>): Promise<{row: KeyRow; changed: boolean}> {
		return this.change('Edit API Keys', 'edit keys', 'edit', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, summary} = editKey(data, appKey, input);
			return {result: {row: keyRow(data, key, ctx.now), changed: summary !== null}, appKey, summary};
		}, {keys: [appKey]});
	}

	activate(appKey: string, expected?: Expected<GeneratedKey>): Promise<KeyRow> {
		return this.change('Edit API Keys', 'activate keys', 'activate', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, summary} = activateKey(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		}, {keys: [appKey]});
	}

	deactivate(appKey: string, expected?: Expected<GeneratedKey>): Promise<KeyRow> {
		return this.change('Edit API Keys', 'deactivate keys', 'deactivate', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, summary} = deactivateKey(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		}, {keys: [appKey]});
	}

	renew(appKey: string, deleteOld: DeleteOld, expected?: Expected<GeneratedKey>): Promise<{row: KeyRow; reveal: Reveal}> {
		return this.change('Renew API token', 'renew tokens', 'renew token', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, reveal, summary} = renewToken(data, appKey, deleteOld, ctx);
			return {result: {row: keyRow(data, key, ctx.now), reveal}, appKey, summary};
		}, {keys: [appKey]});
	}

	deleteOldToken(appKey: string, expected?: Expected<GeneratedKey>): Promise<KeyRow> {
		return this.change('Renew API token', 'delete old tokens', 'delete old token', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, summary} = deleteOldToken(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		}, {keys: [appKey]});
	}

	undoRenewal(appKey: string, expected?: Expected<GeneratedKey>): Promise<KeyRow> {
		return this.change('Renew API token', 'undo renewals', 'undo renewal', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, summary} = undoRenewal(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		}, {keys: [appKey]});
	}

	/** Revokes the key's unused link and the token only it held (see core revokeLink); a renewal can start at once. */
	revokeLink(appKey: string, expected?: Expected<GeneratedKey>): Promise<{row: KeyRow; restored: boolean}> {
		return this.change('Renew API token', 'revoke links', 'revoke link', (data, ctx) => {
			asShown(data, appKey, expected);
			const {key, summary, restored} = revokeLink(data, appKey, ctx.now);
			return {result: {row: keyRow(data, key, ctx.now), restored}, appKey, summary};
		}, {keys: [appKey]});
	}

	deleteKey(appKey: string, expected?: Expected<GeneratedKey>): Promise<{appKey: string; name: string}> {
		return this.change('Edit API Keys', 'delete keys', 'delete', data => {
			asShown(data, appKey, expected);
			const {key, summary} = deleteKey(data, appKey);
			return {result: {appKey: key.appKey, name: key.name}, appKey, summary};
		}, {keys: [appKey]});
	}

	// ---- tokens ----

	/**
	 * Consumes a single-access link under the store lock: the token comes back once, to exactly one
	 * caller. The link itself is the credential, so no operator resource is needed; `via` says where
	 * it was opened (the command line, the interface, the share page) in the activity log.
	 */
	redeem(link: string, via = 'command line'): Promise<{appKey: string; token: string}> {
		return this.change(null, 'redeem links', 'redeem link', (data, ctx) => {
			const {appKey, token, summary} = redeemLink(data, link, ctx, via);
			return {result: {appKey, token}, appKey, summary};
		}, {keys: data => linkedAppKeys(data, link)});
	}

	/** Checks a token; records "last used" at most once a minute per key. Needs no operator. */
	async verify(appKey: string, token: string): Promise<VerifyResult> {
		const {result, lastUsed} = this.store.finder ? await this.verifyByDigest(appKey, token) : this.verifyHeld(await this.read(), appKey, token);
		if (!result.valid) return result;
		const now = this.clock();
		if (lastUsed === undefined || now - lastUsed >= LAST_USED_RESOLUTION) {
			await this.store.transact(
				(fresh, tx) => {
					const key = fresh.keys.find(k => k.appKey === appKey);
					if (!key || (key.lastUsed !== undefined && now - key.lastUsed < LAST_USED_RESOLUTION)) return tx.skipWrite();
					replaceKey(fresh, key, {...key, lastUsed: now});
				},
				{keys: [appKey]},
			);
		}
		return result;
	}

	private verifyHeld(data: StoreSnapshot, appKey: string, token: string): {result: VerifyResult; lastUsed?: number} {
		return {result: verifyToken(data, appKey, token), lastUsed: data.keys.find(k => k.appKey === appKey)?.lastUsed};
	}

	/**
	 * The same rule as verifyToken, where the keys are in the database: one lookup by the token's
	 * digest (a primary key; the digest, not the token, is compared, so the time does not depend
	 * on how much of a wrong token is right), and a second only to tell which refusal to give.
	 */
	private async verifyByDigest(appKey: string, token: string): Promise<{result: VerifyResult; lastUsed?: number}> {
		const finder = this.store.finder!;
		const owner = token.length === TOKEN_LENGTH ? await finder.tokenOwner(tokenDigest(token)) : null;
		const matched = owner && owner.appKey === appKey && !(owner.state === 'current' && owner.revoked) ? owner : null;
		if (!matched) return {result: refusal(appKey, token, (await finder.byAppKey([appKey])).length > 0)};
		if (!matched.active) return {result: inactive(appKey)};
		return {result: {valid: true, appKey, roles: Object.freeze([...matched.roles]), matched: matched.state}, lastUsed: matched.lastUsed};
	}

	/**
	 * Records the last uses a verifier collected (appKey → when), in one write: a key whose last use
	 * is less than LAST_USED_RESOLUTION older is left alone. Needs no operator.
	 */
	async recordLastUses(uses: ReadonlyMap<string, Millis>): Promise<void> {
		await this.store.transact((fresh, tx) => {
			let changed = false;
			// One pass to find them all: a batch can name thousands of a large store's keys.
			const positions = new Map(fresh.keys.map((key, i) => [key.appKey, i]));
			for (const [appKey, at] of uses) {
				const i = positions.get(appKey);
				const key = i === undefined ? undefined : fresh.keys[i];
				if (!key || (key.lastUsed !== undefined && at - key.lastUsed < LAST_USED_RESOLUTION)) continue;
				// A new object in the old one's place, as replaceKey does.
				fresh.keys[i!] = {...key, lastUsed: at};
				changed = true;
			}
			if (!changed) tx.skipWrite();
		}, {keys: [...uses.keys()]});
	}

	// ---- external keys ----

	addExternal(input: {appKey: string; roles: readonly string[]}): Promise<ExternalRow> {
		return this.change('Edit API Keys', 'add external keys', 'external add', (data, ctx) => {
			const {key, summary} = addExternalKey(data, input, ctx);
			return {result: externalRow(key), appKey: key.appKey, summary};
		});
	}

	editExternal(appKey: string, roles: readonly string[], expected?: Expected<ExternalKey>): Promise<ExternalRow> {
		return this.change('Edit API Keys', 'edit external keys', 'external edit', data => {
			requireExternalAsShown(data, findExternal(data, appKey), expected);
			const {key, summary} = editExternalRoles(data, appKey, roles);
			return {result: externalRow(key), appKey, summary};
		});
	}

	removeExternal(appKey: string, expected?: Expected<ExternalKey>): Promise<ExternalRow> {
		return this.change('Edit API Keys', 'remove external keys', 'external remove', data => {
			requireExternalAsShown(data, findExternal(data, appKey), expected);
			const {key, summary} = removeExternalKey(data, appKey);
			return {result: externalRow(key), appKey, summary};
		});
	}

	// ---- settings, roles, operators ----

	updateSettings(patch: SettingsPatch, expected?: Expected<Settings>): Promise<Settings> {
		return this.change('Edit API Keys settings', 'change settings', 'settings', data => {
			requireSettingsAsShown(data, expected);
			const summary = updateSettings(data, patch);
			return {result: {...data.settings}, summary};
		});
	}

	addRole(input: {name: string; resources: readonly string[]}): Promise<CustomRole> {
		return this.change(MANAGE_OPERATORS, 'add roles', 'role add', (data, ctx) => {
			const {role, summary} = addCustomRole(data, input, ctx);
			return {result: role, summary};
		});
	}

	removeRole(name: string): Promise<CustomRole> {
		return this.change(MANAGE_OPERATORS, 'remove roles', 'role remove', data => {
			const {role, summary} = removeCustomRole(data, name);
			return {result: role, summary};
		}, {holding: (data: StoreSnapshot) => data.roles.find(r => r.name.toLowerCase() === name.trim().toLowerCase())?.name});
	}

	addOperator(input: {login: string; roles: readonly string[]}): Promise<Operator> {
		return this.change(MANAGE_OPERATORS, 'add operators', 'operator add', (data, ctx) => {
			const {operator, summary} = addOperator(data, input, ctx);
			return {result: operator, summary};
		});
	}

	removeOperator(login: string): Promise<Operator> {
		if (login.length === 0) throw usage('name the operator to remove');
		return this.change(MANAGE_OPERATORS, 'remove operators', 'operator remove', (data, ctx) => {
			const {operator, summary} = removeOperator(data, login, ctx);
			return {result: operator, summary};
		});
	}
}
