import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe} from 'vitest';
import type {StoreData} from '../source/core/types.js';
import {ApiKeysService, type ServiceOptions, type StoreBackend} from '../source/service.js';
import {serializeStore} from '../source/store/line-writer.js';
import {PgStore} from '../source/store/postgres/pg-store.js';
import {Store} from '../source/store/store.js';
import {runCli, type CliResult} from './helpers.js';
import {testDatabase, type Login} from './pg.js';
import {kindReason, type StoreKind} from './store-kinds.js';

export type {Login} from './pg.js';
export type {StoreKind} from './store-kinds.js';

/**
 * One store of the conformance suite, file or PostgreSQL, for the admins alice (its Owner), bob
 * and carol. In PostgreSQL each acts as their own database login, as deployed; in a file, through
 * APIKEYS_OPERATOR.
 */
export interface TestStore {
	readonly kind: StoreKind;
	/** The store as the program names it to `login` (a path, or the URL without a password). */
	where(login?: Login): string;
	/** The environment the built program runs with as `login`: APIKEYS_STORE, and the password for PostgreSQL. */
	env(login?: Login): Record<string, string>;
	/** Runs the built program as `login` (alice unless given). */
	cli(args: readonly string[], options?: {as?: Login; input?: string; env?: Record<string, string>}): Promise<CliResult>;
	/** Creates the store through the service, alice its Owner. */
	init(options?: Omit<ServiceOptions, 'operator'>): Promise<ApiKeysService>;
	/** Opens the store through the service as `login` (closed when the block's next store is made). */
	open(login: Login, options?: Omit<ServiceOptions, 'operator'>): Promise<ApiKeysService>;
	/** The store itself, under the service: made from `data`, or opened as it is (closed with the services). */
	createBackend(data: StoreData): Promise<StoreBackend>;
	openBackend(): Promise<StoreBackend>;
	/** Makes `data` the store, as a history built through the core rules left it (replacing any store here). */
	seed(data: StoreData): Promise<void>;
	/** Everything the store holds, as text: the file's bytes, or every row of every table. */
	contents(): Promise<string>;
	/** The store's revision, as written. */
	revision(): Promise<number>;
}

const TABLES = ['store', 'schema_version', 'keys', 'tokens', 'links', 'external_keys', 'operators', 'roles', 'activity', 'removed'];

/**
 * Declares `title` once per store kind. `body` gets `fresh()`, which gives an empty store location
 * each call: a new file, or the block's own database emptied (one database per block: the schema
 * `apikeys` is one per database, so a block holds one PostgreSQL store at a time). A kind this run
 * leaves out (no PostgreSQL server, or APIKEYS_TEST_STORES) is skipped, its block's title saying why.
 */
export function eachStore(title: string, body: (stores: {fresh(): Promise<TestStore>}) => void): void {
	for (const kind of ['file', 'postgres'] as const) {
		const reason = kindReason(kind);
		describe.skipIf(reason !== null)(`${title} [${kind} store${reason ? `; skipped: ${reason}` : ''}]`, () => body(kind === 'file' ? fileStores() : postgresStores()));
	}
}

/** Services opened on a block's stores, closed when the next store is made and after the block. */
function openedServices() {
	const open: Array<{close?(): Promise<void>}> = [];
	return {
		track: <T extends {close?(): Promise<void>}>(service: T) => (open.push(service), service),
		closeAll: async () => void (await Promise.all(open.splice(0).map(service => service.close?.()))),
	};
}

function fileStores(): {fresh(): Promise<TestStore>} {
	const dirs: string[] = [];
	const services = openedServices();
	afterAll(async () => {
		await services.closeAll();
		for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
	});
	return {
		async fresh() {
			await services.closeAll();
			const dir = mkdtempSync(join(tmpdir(), 'apikeys-conformance-'));
			dirs.push(dir);
			const path = join(dir, 'store.json');
			return {
				kind: 'file',
				where: () => path,
				env: () => ({APIKEYS_STORE: path}),
				cli: (args, options = {}) => runCli(args, {store: path, operator: options.as ?? 'alice', input: options.input, env: options.env}),
				init: async options => services.track(await ApiKeysService.init(path, 'acme', {...options, operator: 'alice'})),
				open: async (login, options) => services.track(await ApiKeysService.open(path, {...options, operator: login})),
				createBackend: async data => Store.create(path, data),
				openBackend: async () => Store.open(path),
				seed: async data => writeFileSync(path, serializeStore(data), {mode: 0o600}),
				contents: async () => readFileSync(path, 'utf8'),
				revision: async () => (JSON.parse(readFileSync(path, 'utf8')) as StoreData).revision,
			};
		},
	};
}

function postgresStores(): {fresh(): Promise<TestStore>} {
	let db: Awaited<ReturnType<typeof testDatabase>>;
	const services = openedServices();
	beforeAll(async () => {
		db = await testDatabase();
	});
	afterAll(async () => {
		await services.closeAll();
		await db?.drop();
	});
	// In the test's own process the password rides in the URL (it is never on a command line there).
	const inProcess = (login: Login) => db.url(login).replace(`${login}@`, `${login}:${db.env(login).PGPASSWORD}@`);
	const empty = () => db.query('DROP SCHEMA IF EXISTS apikeys CASCADE');
	return {
		async fresh() {
			await services.closeAll();
			await empty();
			return {
				kind: 'postgres',
				where: (login = 'alice') => db.url(login),
				env: (login = 'alice') => ({APIKEYS_STORE: db.url(login), APIKEYS_OPERATOR: login, PGPASSWORD: db.env(login).PGPASSWORD!}),
				cli: (args, options = {}) => {
					const login = options.as ?? 'alice';
					return runCli(args, {store: db.url(login), operator: login, input: options.input, env: {PGPASSWORD: db.env(login).PGPASSWORD!, ...options.env}});
				},
				init: async options => services.track(await ApiKeysService.init(inProcess('alice'), 'acme', {...options, operator: 'alice'})),
				open: async (login, options) => services.track(await ApiKeysService.open(inProcess(login), {...options, operator: login})),
				createBackend: async data => services.track(await PgStore.create(inProcess('alice'), () => data)),
				openBackend: async () => services.track(await PgStore.open(inProcess('alice'))),
				async seed(data) {
					await services.closeAll();
					await empty();
					await (await PgStore.create(inProcess('alice'), () => data)).close();
				},
				async contents() {
					const parts: string[] = [];
					for (const table of TABLES) {
						const {rows} = await db.query(`SELECT t::text AS row FROM apikeys.${table} t ORDER BY 1`);
						parts.push(`${table}:`, ...rows.map(r => r.row as string));
					}
					return parts.join('\n');
				},
				revision: async () => Number((await db.query('SELECT revision FROM apikeys.store')).rows[0].revision),
			};
		},
	};
}
