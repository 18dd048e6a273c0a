import {existsSync} from 'node:fs';
import {recordStoreCreated} from './core/activity.js';
import {usage} from './core/errors.js';
import {addExternalKey, editExternalRoles, removeExternalKey} from './core/external.js';
import {
	activateKey,
	deactivateKey,
	deleteKey,
	deleteOldToken,
	editKey,
	generateKey,
	renewToken,
	replaceKey,
	undoRenewal,
	verifyToken,
	type DeleteOld,
	type Reveal,
	type VerifyResult,
} from './core/keys.js';
import {redeemLink} from './core/links.js';
import {addOperator, removeOperator} from './core/permissions.js';
import {keyRow, type KeyRow} from './core/query.js';
import {addCustomRole, removeCustomRole, type RoleChange} from './core/roles.js';
import {emptyStore} from './core/empty-store.js';
import {updateSettings, type SettingsPatch} from './core/settings.js';
import {MINUTE} from './core/time.js';
import {MANAGE_OPERATORS} from './core/types.js';
import type {CustomRole, Operator, Settings, StoreData} from './core/types.js';
import {MemoryStore} from './memory-store.js';
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

/** `verify` records "last used" at most this often per key, so verification stays read-mostly. */
export const LAST_USED_RESOLUTION = MINUTE;

/**
 * The one API the command line and the interface call: operator → permission → core rule →
 * activity → persist. Nothing else writes the store.
 */
export class ApiKeysService extends ServiceReads {
	private constructor(store: StoreBackend, options: ServiceOptions) {
		super(store, options);
	}

	/** `preview`: open a large store from its newest keys only, for a first frame (see Store.open). */
	static async open(path: string, options: ServiceOptions & {preview?: number}): Promise<ApiKeysService> {
		return new ApiKeysService(await Store.open(path, undefined, {preview: options.preview}), options);
	}

	/** Opens the store at `path`, or null when there is no file there yet (the interface then offers to create one). */
	static async openIfPresent(path: string, options: ServiceOptions & {preview?: number}): Promise<ApiKeysService | null> {
		return existsSync(path) ? ApiKeysService.open(path, options) : null;
	}

	/** Creates a store for `account`; the operator who creates it becomes its Owner (Admin Super). */
	static async init(path: string, account: string, options: ServiceOptions): Promise<ApiKeysService> {
		return new ApiKeysService(await Store.create(path, newStore(account, options)), options);
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

	edit(appKey: string, input: RoleChange & {active?: boolean}): Promise<{row: KeyRow; changed: boolean}> {
		return this.change('Edit API Keys', 'edit keys', 'edit', (data, ctx) => {
			const {key, summary} = editKey(data, appKey, input);
			return {result: {row: keyRow(data, key, ctx.now), changed: summary !== null}, appKey, summary};
		});
	}

	activate(appKey: string): Promise<KeyRow> {
		return this.change('Edit API Keys', 'activate keys', 'activate', (data, ctx) => {
			const {key, summary} = activateKey(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		});
	}

	deactivate(appKey: string): Promise<KeyRow> {
		return this.change('Edit API Keys', 'deactivate keys', 'deactivate', (data, ctx) => {
			const {key, summary} = deactivateKey(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		});
	}

	renew(appKey: string, deleteOld: DeleteOld): Promise<{row: KeyRow; reveal: Reveal}> {
		return this.change('Renew API token', 'renew tokens', 'renew token', (data, ctx) => {
			const {key, reveal, summary} = renewToken(data, appKey, deleteOld, ctx);
			return {result: {row: keyRow(data, key, ctx.now), reveal}, appKey, summary};
		});
	}

	deleteOldToken(appKey: string): Promise<KeyRow> {
		return this.change('Renew API token', 'delete old tokens', 'delete old token', (data, ctx) => {
			const {key, summary} = deleteOldToken(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		});
	}

	undoRenewal(appKey: string): Promise<KeyRow> {
		return this.change('Renew API token', 'undo renewals', 'undo renewal', (data, ctx) => {
			const {key, summary} = undoRenewal(data, appKey);
			return {result: keyRow(data, key, ctx.now), appKey, summary};
		});
	}

	deleteKey(appKey: string): Promise<{appKey: string; name: string}> {
		return this.change('Edit API Keys', 'delete keys', 'delete', data => {
			const {key, summary} = deleteKey(data, appKey);
			return {result: {appKey: key.appKey, name: key.name}, appKey, summary};
		});
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
		});
	}

	/** Checks a token; records "last used" at most once a minute per key. Needs no operator. */
	async verify(appKey: string, token: string): Promise<VerifyResult> {
		const data = await this.read();
		const result = verifyToken(data, appKey, token);
		if (!result.valid) return result;
		const now = this.clock();
		const lastUsed = data.keys.find(k => k.appKey === appKey)?.lastUsed;
		if (lastUsed === undefined || now - lastUsed >= LAST_USED_RESOLUTION) {
			await this.store.transact((fresh, tx) => {
				const key = fresh.keys.find(k => k.appKey === appKey);
				if (!key || (key.lastUsed !== undefined && now - key.lastUsed < LAST_USED_RESOLUTION)) return tx.skipWrite();
				replaceKey(fresh, key, {...key, lastUsed: now});
			});
		}
		return result;
	}

	// ---- external keys ----

	addExternal(input: {appKey: string; roles: readonly string[]}): Promise<ExternalRow> {
		return this.change('Edit API Keys', 'add external keys', 'external add', (data, ctx) => {
			const {key, summary} = addExternalKey(data, input, ctx);
			return {result: externalRow(key), appKey: key.appKey, summary};
		});
	}

	editExternal(appKey: string, roles: readonly string[]): Promise<ExternalRow> {
		return this.change('Edit API Keys', 'edit external keys', 'external edit', data => {
			const {key, summary} = editExternalRoles(data, appKey, roles);
			return {result: externalRow(key), appKey, summary};
		});
	}

	removeExternal(appKey: string): Promise<ExternalRow> {
		return this.change('Edit API Keys', 'remove external keys', 'external remove', data => {
			const {key, summary} = removeExternalKey(data, appKey);
			return {result: externalRow(key), appKey, summary};
		});
	}

	// ---- settings, roles, operators ----

	updateSettings(patch: SettingsPatch): Promise<Settings> {
		return this.change('Edit API Keys settings', 'change settings', 'settings', data => {
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
		});
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
