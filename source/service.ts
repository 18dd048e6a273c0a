import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {activitySince, recordActivity, recordStoreCreated} from './core/activity.js';
import {refused, usage} from './core/errors.js';
import {exportTables, type ExportTables} from './core/export.js';
import {addExternalKey, editExternalRoles, ownerOf, removeExternalKey} from './core/external.js';
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
	undoRenewal,
	verifyToken,
	type DeleteOld,
	type Reveal,
	type VerifyResult,
} from './core/keys.js';
import {inspectLink, purgeExpiredLinks, redeemLink, type LinkStatus} from './core/links.js';
import {addOperator, missingResource, operatorResources, removeOperator, requireResource} from './core/permissions.js';
import {keyRow, matchesSearch, queryKeys, type KeyQuery, type KeyRow} from './core/query.js';
import {addCustomRole, removeCustomRole, roleCatalog, type Role, type RoleChange} from './core/roles.js';
import {emptyStore} from './core/empty-store.js';
import {updateSettings, type SettingsPatch} from './core/settings.js';
import {MINUTE} from './core/time.js';
import {MANAGE_OPERATORS} from './core/types.js';
import type {
	ActivityEntry,
	CustomRole,
	ExternalKey,
	OperatorResource,
	Millis,
	Operator,
	RuleContext,
	Settings,
	StoreData,
	StoreSnapshot,
} from './core/types.js';
import {MemoryStore} from './memory-store.js';
import {Store} from './store/store.js';
import {formatOf, writeExport, type ExportFormat, type Progress} from './export/write-export.js';

export interface ServiceOptions {
	operator: string;
	clock?: () => Millis;
	random?: (bytes: number) => Uint8Array;
	/** Set in a shared deployment: exports are not written to files as the service account, and this says why. */
	fileExportsRefused?: string;
}

export interface ExternalRow extends ExternalKey {
	owner: string;
}

interface Outcome<T> {
	result: T;
	appKey?: string;
	summary?: string | null;
}

export interface LinkView {
	appKey: string;
	name: string;
	purpose: 'generate' | 'renew';
	state: LinkStatus['state'];
	expires: Millis;
	used?: Millis;
}

/** A store's first data: its account, its creator as Owner, and the log's first entry. */
function newStore(account: string, options: ServiceOptions): StoreData {
	const data = emptyStore(account, options.operator, (options.clock ?? Date.now)());
	recordStoreCreated(data, options.operator);
	return data;
}

const externalRow = (key: ExternalKey): ExternalRow => ({...key, roles: [...key.roles], owner: ownerOf(key.appKey) ?? '?'});

/** What the service needs of a store: the file (store/store.ts), or a draft in memory (memory-store.ts). */
export type StoreBackend = Pick<Store, 'path' | 'revision' | 'read' | 'peek' | 'peekPreview' | 'transact'>;

/** `verify` records "last used" at most this often per key, so verification stays read-mostly. */
export const LAST_USED_RESOLUTION = MINUTE;

/**
 * The one API the command line and the interface call: operator → permission → core rule →
 * activity → persist. Nothing else writes the store.
 */
export class ApiKeysService {
	readonly operator: string;
	private readonly clock: () => Millis;
	private readonly random: (bytes: number) => Uint8Array;

	private constructor(
		private readonly store: StoreBackend,
		private readonly options: ServiceOptions,
	) {
		this.operator = options.operator;
		this.clock = options.clock ?? Date.now;
		this.random = options.random ?? (bytes => randomBytes(bytes));
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

	get path(): string {
		return this.store.path;
	}

	/** The revision of the data last read or written (each write adds one). */
	get revision(): number {
		return this.store.revision;
	}

	now(): Millis {
		return this.clock();
	}

	private context(now: Millis): RuleContext {
		return {now, operator: this.operator, random: this.random};
	}

	/** The data as read now: a snapshot nobody may change (only a transaction's draft can be). */
	private read(): Promise<StoreSnapshot> {
		return this.store.read();
	}

	/** Reads under a resource. */
	private async view(): Promise<StoreSnapshot> {
		const data = await this.read();
		requireResource(data, this.operator, 'View API Keys', 'view API keys');
		return data;
	}

	private change<T>(
		resource: OperatorResource | null,
		what: string,
		action: string,
		apply: (data: StoreData, ctx: RuleContext) => Outcome<T>,
	): Promise<T> {
		return this.store.transact((data, tx) => {
			if (resource) requireResource(data, this.operator, resource, what);
			const ctx = this.context(this.clock());
			const outcome = apply(data, ctx);
			if (outcome.summary === null) {
				tx.skipWrite();
				return outcome.result;
			}
			purgeExpiredLinks(data, ctx.now);
			recordActivity(data, {at: ctx.now, operator: this.operator, action, appKey: outcome.appKey, summary: outcome.summary});
			return outcome.result;
		});
	}

	// ---- reading ----

	/** The raw data for screens that render it; throws when the operator may not view keys. */
	snapshot(): Promise<StoreSnapshot> {
		return this.view();
	}

	/** A large store's newest keys and its key count, while it is opened from a preview and the operator may view it. */
	previewNow(): {data: StoreSnapshot; keyCount: number} | null {
		const preview = this.store.peekPreview();
		return preview && this.mayView(preview.data) ? preview : null;
	}

	/** The data last read, if the operator may view it, without touching the disk; null otherwise. */
	snapshotNow(): StoreSnapshot | null {
		const data = this.store.peek();
		return data && this.mayView(data) ? data : null;
	}

	private mayView(data: StoreSnapshot): boolean {
		return missingResource(data, this.operator, 'View API Keys') === null;
	}

	async listKeys(query: KeyQuery = {}): Promise<{rows: KeyRow[]; total: number}> {
		const data = await this.view();
		const now = this.clock();
		return {rows: queryKeys(data, query, now).map(k => keyRow(data, k, now)), total: data.keys.length};
	}

	async getKey(appKey: string): Promise<KeyRow> {
		const data = await this.view();
		return keyRow(data, findKey(data, appKey), this.clock());
	}

	async listExternal(search = ''): Promise<ExternalRow[]> {
		const data = await this.view();
		return data.external.filter(k => matchesSearch({name: ownerOf(k.appKey) ?? '', appKey: k.appKey}, search)).map(externalRow);
	}

	/** The export's rows (View API Keys): never a token, a digest or a link. */
	async exportTables(): Promise<ExportTables & {account: string}> {
		const data = await this.view();
		return {...exportTables(data), account: data.account};
	}

	/**
	 * Writes the export to new files (mode 0600, never over an existing file); the format follows
	 * the file's ending unless given. Returns the files written and the row counts.
	 */
	async writeExport(
		options: {file: string; format?: ExportFormat; sheet?: 'generated' | 'external'},
		onProgress?: (progress: Progress) => void,
	): Promise<{files: string[]; generated: number; external: number}> {
		if (this.options.fileExportsRefused) throw refused(this.options.fileExportsRefused);
		const {account: _account, ...tables} = await this.exportTables();
		const format = options.format ?? formatOf(options.file) ?? 'xlsx';
		const files = await writeExport(tables, {file: options.file, format, sheet: options.sheet}, onProgress);
		return {files, generated: tables.generated.length, external: tables.external.length};
	}

	async activity(since?: Millis): Promise<ActivityEntry[]> {
		return activitySince(await this.view(), since);
	}

	async settings(): Promise<Settings & {account: string}> {
		const data = await this.view();
		return {...data.settings, account: data.account};
	}

	async roles(): Promise<Role[]> {
		return roleCatalog(await this.view());
	}

	async operators(): Promise<Operator[]> {
		return (await this.view()).operators.map(o => ({...o, roles: [...o.roles]}));
	}

	/** The resource the operator lacks for an action, or null; the interface dims what is missing. */
	async missing<R extends OperatorResource>(resource: R): Promise<R | null> {
		return missingResource(await this.read(), this.operator, resource);
	}

	async whoami(): Promise<{login: string; known: boolean; resources: string[]}> {
		const data = await this.read();
		return {
			login: this.operator,
			known: data.operators.some(o => o.login === this.operator),
			resources: [...operatorResources(data, this.operator)],
		};
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

	/** Deletes the old token; `reason` tells the activity log whether it was the renewal's "Now". */
	deleteOldToken(appKey: string, reason: 'manual' | 'renewal-now' = 'manual'): Promise<KeyRow> {
		return this.change('Renew API token', 'delete old tokens', 'delete old token', (data, ctx) => {
			const {key, summary} = deleteOldToken(data, appKey, reason);
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

	/** The address the share page's links point at: all the share page may read of the settings, and no secret. */
	async shareBaseUrl(): Promise<string> {
		return (await this.read()).settings.shareBaseUrl;
	}

	/** What a link is for and whether it can still be used, without consuming it (the share page's GET). */
	async inspectLink(link: string): Promise<LinkView> {
		const data = await this.read();
		const {record, state} = inspectLink(data, link, this.clock());
		const key = data.keys.find(k => k.appKey === record.appKey);
		return {appKey: record.appKey, name: key?.name ?? '', purpose: record.purpose, state, expires: record.expires, used: record.used};
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

	/**
	 * A checker over the data as read now, for checking many tokens in a row (a benchmark, a
	 * gateway): it records no last use and does not see later changes. Needs no operator.
	 */
	async tokenChecker(): Promise<(appKey: string, token: string) => VerifyResult> {
		const data = await this.read();
		return (appKey, token) => verifyToken(data, appKey, token);
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
