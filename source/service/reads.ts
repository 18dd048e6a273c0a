import {activitySince} from '../core/activity.js';
import {exportTables, type ExportTables} from '../core/export.js';
import {ownerOf} from '../core/external.js';
import {findKey} from '../core/keys.js';
import {TokenIndex, type VerifyResult} from '../core/token-index.js';
import {inspectLink, type LinkStatus} from '../core/links.js';
import {missingResource, operatorResources} from '../core/permissions.js';
import {keyRow, matchesSearch, queryKeys, type KeyQuery, type KeyRow} from '../core/query.js';
import {roleCatalog, type Role} from '../core/roles.js';
import {refused} from '../core/errors.js';
import type {ActivityEntry, ExternalKey, GeneratedKey, Millis, Operator, OperatorResource, Settings, StoreSnapshot} from '../core/types.js';
import {renewalAlert} from '../core/time.js';
import type {KeyColumnsRow} from '../core/key-columns.js';
import {formatOf, writeExport, type ExportFormat, type Progress} from '../export/write-export.js';
import {EarlyScan, type FirstRead} from './early-scan.js';
import {ServiceSession} from './session.js';

export interface ExternalRow extends ExternalKey {
	owner: string;
}

export interface LinkView {
	appKey: string;
	name: string;
	purpose: 'generate' | 'renew';
	state: LinkStatus['state'];
	expires: Millis;
	used?: Millis;
}

export const externalRow = (key: ExternalKey): ExternalRow => ({...key, roles: [...key.roles], owner: ownerOf(key.appKey) ?? '?'});

/** Everything the service reads: the keys, the log, the settings, exports, and what a link or a token is. */
export abstract class ServiceReads extends ServiceSession {
	/** The key columns' scan begun at opening, until a scan in its order takes it. */
	protected early: EarlyScan | null = null;
	/** The first keys of the scan the app took over (see keysByAppKey). */
	private firstKeys: Promise<FirstRead | null> | null = null;

	/** The raw data for screens that render it; throws when the operator may not view keys. */
	snapshot(): Promise<StoreSnapshot> {
		return this.view();
	}

	/** A large store's newest keys and its key count, while it is opened from a preview and the operator may view it. */
	previewNow(): {data: StoreSnapshot; keyCount: number} | null {
		const preview = this.store.peekPreview();
		return preview && this.mayView(preview.data) ? preview : null;
	}

	/** Calls `onChange` when another process changes a store that can say so (PostgreSQL); null for one that must be polled. */
	watch(onChange: () => void): (() => void) | null {
		return this.store.watch?.(onChange) ?? null;
	}

	/** The data last read, if the operator may view it, without touching the disk; null otherwise. */
	snapshotNow(): StoreSnapshot | null {
		const data = this.store.peek();
		return data && this.mayView(data) ? data : null;
	}

	async listKeys(query: KeyQuery = {}): Promise<{rows: KeyRow[]; total: number}> {
		const rows: KeyRow[] = [];
		const {total} = await this.streamKeys(query, batch => void rows.push(...batch));
		return {rows, total};
	}

	/**
	 * The keys a query finds, in its order, handed to `each` a batch at a time; returns how many
	 * were found and how many the store has. A store that does not hold its keys streams them from
	 * where they are, so memory holds one batch.
	 */
	async streamKeys(query: KeyQuery, each: (rows: KeyRow[]) => void | Promise<void>): Promise<{found: number; total: number}> {
		const data = await this.view();
		const now = this.clock();
		const wanted = (key: GeneratedKey) => !query.alertOnly || renewalAlert(key.token.created, data.settings.renewalAlertMonths, now) !== 'none';
		let found = 0;
		const hand = async (keys: readonly GeneratedKey[]) => {
			const rows = keys.filter(wanted).map(k => keyRow(data, k, now));
			found += rows.length;
			if (rows.length > 0) await each(rows);
		};
		const {finder} = this.store;
		if (!finder) {
			await hand(queryKeys(data, {...query, alertOnly: false}, now));
			return {found, total: data.keys.length};
		}
		const total = finder.count();
		await finder.stream(query, hand);
		return {found, total: await total};
	}

	/** False for a store that does not hold its keys in memory (PostgreSQL): the app then reads columns and rows (below). */
	get holdsKeys(): boolean {
		return !this.store.finder;
	}

	/** Every key's columns for the app's table, in a sort order (see KeyFinder.scanColumns); nothing for an operator who may not view keys. */
	async scanKeyColumns(
		order: Pick<KeyQuery, 'sort' | 'descending'>,
		start: (count: number, revision: number) => void,
		each: (rows: KeyColumnsRow[]) => boolean,
	): Promise<void> {
		await this.viewHeld();
		// The scan begun at opening, if it is in this order: its first rows are read already.
		const early = this.early;
		this.early = null;
		if (early?.serves(order)) {
			this.firstKeys = early.firstKeys;
			return early.take(start, each);
		}
		void early?.drop();
		await this.store.finder?.scanColumns(order, start, each);
	}

	/**
	 * Begins reading the key columns in `order` (the app's first) before they are asked for, where
	 * the store does not hold its keys: the first rows are there when the app's first frame asks.
	 */
	beginColumnsScan(order: Pick<KeyQuery, 'sort' | 'descending'>): void {
		const finder = this.store.finder;
		if (!finder || this.early) return;
		this.early = new EarlyScan(order, (o, start, each, first) => finder.scanColumns(o, start, each, first));
	}

	/** A page of the log's entries older than those held (a database store's), newest first; see KeyFinder.olderLog. */
	async olderActivity(cursor: number | null, limit: number): Promise<{entries: ActivityEntry[]; next: number | null; older: number | null}> {
		await this.view();
		return (await this.store.finder?.olderLog(cursor, limit)) ?? {entries: [], next: null, older: 0};
	}

	/** The keys changed and removed since a revision, for the app's columns; null when more than `limit` changed (or the store holds its keys). */
	async keyColumnsSince(revision: number, limit: number): Promise<{revision: number; changed: KeyColumnsRow[]; removed: string[]} | null> {
		await this.view();
		return (await this.store.finder?.columnsSince(revision, limit)) ?? null;
	}

	/** The keys with these appKeys that exist, for the rows on screen. */
	async keysByAppKey(appKeys: readonly string[]): Promise<GeneratedKey[]> {
		const data = await this.viewHeld();
		const wanted = new Set(appKeys);
		// The app's first rows, read whole with its first columns in their snapshot (EarlyScan): used
		// once, when they are all it asks for and the store has not changed since as far as the app
		// knows (it files the rows under the revision it is at, and reads them again after a later one).
		const pending = this.firstKeys;
		this.firstKeys = null;
		const first = pending && (await pending);
		if (first && first.revision === data.revision) {
			const read = new Map(first.keys.map(key => [key.appKey, key]));
			const found = [...wanted].map(appKey => read.get(appKey));
			if (found.every(key => key !== undefined)) return found as GeneratedKey[];
		}
		return (await this.withKeys(data, appKeys)).keys.filter(k => wanted.has(k.appKey));
	}

	async getKey(appKey: string): Promise<KeyRow> {
		const data = await this.withKeys(await this.view(), [appKey]);
		return keyRow(data, findKey(data, appKey), this.clock());
	}

	/** The data as last read when the operator may view it (the app reads it on every change), else as `view` reads it: no snapshot read per scroll. */
	private async viewHeld(): Promise<StoreSnapshot> {
		const held = this.store.peek();
		return held && this.mayView(held) ? held : this.view();
	}

	/** The data with these keys in it: they are there already unless the store does not hold its keys. */
	protected async withKeys(data: StoreSnapshot, appKeys: readonly string[]): Promise<StoreSnapshot> {
		return this.store.finder ? {...data, keys: await this.store.finder.byAppKey(appKeys)} : data;
	}

	async listExternal(search = ''): Promise<ExternalRow[]> {
		const data = await this.view();
		return data.external.filter(k => matchesSearch({name: ownerOf(k.appKey) ?? '', appKey: k.appKey}, search)).map(externalRow);
	}

	/** The export's rows (View API Keys): never a token, a digest or a link. */
	async exportTables(): Promise<ExportTables & {account: string}> {
		await this.view();
		const data = await this.whole();
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

	/** The whole log, newest first, the archived part included (read only when `since` reaches into it). */
	async activity(since?: Millis): Promise<ActivityEntry[]> {
		const data = await this.view();
		// A database store holds only its newest entries: the rest are always behind them.
		const reachesArchive = this.store.finder || (data.archive && (since === undefined || since <= data.archive.newest));
		return activitySince(data, since, reachesArchive ? await this.store.archivedActivity(data) : []);
	}

	/** The log since a time, newest first, a batch at a time: a database store's streams, a file's comes whole. */
	async streamActivity(since: Millis | undefined, each: (entries: ActivityEntry[]) => void | Promise<void>): Promise<void> {
		if (!this.store.finder) return void (await each(await this.activity(since)));
		await this.view();
		await this.store.finder.streamLog(since, each);
	}

	/** The entries the store moved to its archive, oldest first, for the snapshot last read (the Activity tab). */
	async archivedActivity(data: StoreSnapshot): Promise<readonly ActivityEntry[]> {
		if (!this.mayView(data)) return [];
		return this.store.archivedActivity(data);
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

	/** The address the share page's links point at: all the share page may read of the settings, and no secret. */
	async shareBaseUrl(): Promise<string> {
		return (await this.read()).settings.shareBaseUrl;
	}

	/** What a link is for and whether it can still be used, without consuming it (the share page's GET). */
	async inspectLink(link: string): Promise<LinkView> {
		const data = await this.read();
		const {record, state} = inspectLink(data, link, this.clock());
		const key = (await this.withKeys(data, [record.appKey])).keys.find(k => k.appKey === record.appKey);
		return {appKey: record.appKey, name: key?.name ?? '', purpose: record.purpose, state, expires: record.expires, used: record.used};
	}

	/** The keys and custom roles as read now (an unchanged store file costs one stat), for a verifier. Needs no operator. */
	async verificationData(): Promise<Pick<StoreSnapshot, 'revision' | 'keys' | 'roles'>> {
		return this.read();
	}

	/**
	 * A checker over the data as read now, for checking many tokens in a row (a benchmark, a
	 * gateway): it records no last use and does not see later changes. Needs no operator.
	 */
	async tokenChecker(): Promise<(appKey: string, token: string) => VerifyResult> {
		const index = new TokenIndex(await this.whole());
		return (appKey, token) => index.verify(appKey, token);
	}
}
