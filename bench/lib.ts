// Bundled by bench/run.mjs (esbuild) so the benchmark drives the real source.
import {hash, randomBytes} from 'node:crypto';
import {constants} from 'node:fs';
import {open, rename, unlink, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {emptyStore} from '../source/core/empty-store.js';
import {addMonths, DAY} from '../source/core/time.js';
import {mintToken, tokenRecord} from '../source/core/token.js';
import type {ActivityEntry, StoreData} from '../source/core/types.js';
import {ACTIVITY_KEPT, ActivityArchive} from '../source/store/activity-archive.js';
import type {Verifier} from '../source/index.js';
import {ApiKeysService} from '../source/service.js';
import {syncDirectory} from '../source/store/atomic-write.js';
import {serializeStore} from '../source/store/line-writer.js';
import {Store} from '../source/store/store.js';

const SYSTEMS = ['ERP', 'Marketplace', 'Payments', 'Fulfillment', 'BI export', 'Call center', 'Checkout', 'Pricing', 'Catalog import', 'Carrier rates', 'Loyalty', 'Returns', 'Tax', 'Search indexer', 'Warehouse'];
const VENDORS = ['SAP', 'Amazon', 'Adyen', 'ShipBob', 'Looker', 'Zendesk', 'Avalara', 'Algolia', 'Klaviyo', 'NetSuite', 'Yotpo', 'Loop', 'Signifyd', 'FedEx', 'Correios'];
const ROLES = ['OMS - Full access', 'OMS - Read only', 'Logistics - Full access', 'Catalog - Read only', 'Payments Notifier', 'Checkout Admin', 'Finance - Full access'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const suffix = (i: number) => Array.from({length: 6}, (_, d) => LETTERS[Math.floor(i / 26 ** d) % 26]).join('');

/**
 * A realistic store built in memory (the bulk path), written once: ages over two years, some
 * pending, some inactive, and the log that use leaves: three entries per key (generate, an edit,
 * a renewal), all but the newest in the activity archive, as the store's writes put them there.
 */
export async function buildStore(
	path: string,
	count: number,
	operator: string,
	now = Date.now(),
): Promise<{names: string[]; appKeys: string[]; tokens: Map<string, string>; gateway: string}> {
	const data: StoreData = emptyStore('acme', operator, addMonths(now, -25));
	const names: string[] = [];
	const appKeys: string[] = [];
	const tokens = new Map<string, string>();
	let gateway = '';
	const activity: ActivityEntry[] = [];
	for (let i = 0; i < count; i++) {
		const created = now - Math.floor(((i * 7919) % 730) * DAY + (i % 24) * 3_600_000);
		const name = `${SYSTEMS[i % SYSTEMS.length]} – ${VENDORS[(i * 7) % VENDORS.length]} #${i}`;
		const token = mintToken(randomBytes(32));
		const appKey = `appkey-acme-${suffix(i)}`;
		const key = {
			appKey,
			name,
			// Key 2 is the verify server's caller in the HTTP benchmark.
			roles: i === 2 ? ['Key verifier'] : [ROLES[i % ROLES.length]!, ...(i % 3 === 0 ? [ROLES[(i + 2) % ROLES.length]!] : [])],
			created,
			createdBy: operator,
			active: i % 11 !== 0,
			token: tokenRecord(token, created),
			...(i % 97 === 0 ? {oldToken: tokenRecord(mintToken(randomBytes(32)), created - 200 * DAY)} : {}),
			...(i % 4 === 0 ? {lastUsed: now - (i % 5000) * 60_000} : {}),
		};
		data.keys.push(key);
		activity.push(
			{at: created, operator, action: 'generate', appKey, summary: `name: ${name}`},
			{at: created + DAY, operator, action: 'edit', appKey, summary: `roles: +${key.roles[0]}`},
			{at: created + 2 * DAY, operator, action: 'renew token', appKey, summary: 'delete old token: Later'},
		);
		names.push(name);
		appKeys.push(appKey);
		if (i < 2000 && key.active && i !== 1) tokens.set(appKey, token);
		if (i === 2) gateway = token;
	}
	activity.sort((a, b) => a.at - b.at);
	const archived = activity.length - ACTIVITY_KEPT;
	if (archived > 0) data.archive = await new ActivityArchive(path).append(undefined, activity.slice(0, archived));
	data.activity = activity.slice(Math.max(0, archived));
	data.revision = 1;
	await writeFile(path, serializeStore(data), {mode: 0o600});
	return {names, appKeys, tokens, gateway};
}

/** How many keys a search for `query` matches (a case-insensitive substring of the name or the appKey). */
export function countMatches({names, appKeys}: {names: string[]; appKeys: string[]}, query: string): number {
	const needle = query.toLowerCase();
	let count = 0;
	for (let i = 0; i < names.length; i++) if (names[i]!.toLowerCase().includes(needle) || appKeys[i]!.toLowerCase().includes(needle)) count++;
	return count;
}

/** The baseline for persisting: the same bytes, written to a temp file, fsynced, renamed, directory fsynced. */
export async function rawAtomicWrite(path: string, text: string): Promise<void> {
	const temp = join(dirname(path), `.raw.${randomBytes(6).toString('hex')}.tmp`);
	const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
	await handle.writeFile(text);
	await handle.sync();
	await handle.close();
	await rename(temp, path);
	await syncDirectory(dirname(path));
	await unlink(temp).catch(() => undefined);
}

/** Time of one persisted change through the service (activate or deactivate a key, in turn). */
export async function persistOnce(service: ApiKeysService, appKey: string, active: boolean): Promise<number> {
	const start = performance.now();
	if (active) await service.deactivate(appKey);
	else await service.activate(appKey);
	return performance.now() - start;
}

export const openService = (path: string, operator: string, preview?: number) => ApiKeysService.open(path, {operator, preview});
export const readStore = (path: string) => Store.open(path).then(store => store.read());
export {serializeStore};

/** Every key's digest by appKey, in the store's order: the map a bare verifier would look in. */
export async function storeDigests(path: string): Promise<Map<string, string>> {
	return new Map((await readStore(path)).keys.map(key => [key.appKey, key.token.digest]));
}

/**
 * The bare baseline for verify: SHA-256 of the token and a lookup in a Map of all the store's
 * digests, with the fastest digest Node has (one-shot crypto.hash, about twice createHash's rate).
 */
export function bareVerifyLoop(pairs: Array<[string, string]>, digests: Map<string, string>, iterations: number): number {
	let valid = 0;
	const start = performance.now();
	for (let i = 0; i < iterations; i++) {
		const [appKey, token] = pairs[i % pairs.length]!;
		if (digests.get(appKey) === hash('sha256', token, 'base64url')) valid++;
	}
	if (valid !== iterations) throw new Error('bare loop mismatch');
	return performance.now() - start;
}

export {openVerifier} from '../source/index.js';

/** verify through the package's in-process verifier, as a service calls it: the token and the key it must belong to. */
export function verifierLoop(verifier: Verifier, pairs: Array<[string, string]>, iterations: number): number {
	let valid = 0;
	const start = performance.now();
	for (let i = 0; i < iterations; i++) {
		const [appKey, token] = pairs[i % pairs.length]!;
		if (verifier.verify(token, {appKey}).valid) valid++;
	}
	if (valid !== iterations) throw new Error('verifier mismatch');
	return performance.now() - start;
}

/** The service's checker for the store as read now: built once, as a verifier builds it once per store state. */
export const tokenChecker = (service: ApiKeysService) => service.tokenChecker();

/** verify through the service's checker (no last-used writes: the throughput of checking). */
export function serviceVerifyLoop(check: Awaited<ReturnType<typeof tokenChecker>>, pairs: Array<[string, string]>, iterations: number): number {
	let valid = 0;
	const start = performance.now();
	for (let i = 0; i < iterations; i++) {
		const [appKey, token] = pairs[i % pairs.length]!;
		if (check(appKey, token).valid) valid++;
	}
	if (valid !== iterations) throw new Error('verify mismatch');
	return performance.now() - start;
}
