// Bundled by bench/run.mjs (esbuild) so the benchmark drives the real source.
import type {Verifier} from '../source/index.js';
import {hash, randomBytes} from 'node:crypto';
import {constants} from 'node:fs';
import {open, rename, unlink, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {emptyStore} from '../source/core/empty-store.js';
import {addMonths} from '../source/core/time.js';
import type {ActivityEntry, StoreData} from '../source/core/types.js';
import {ACTIVITY_KEPT, ActivityArchive} from '../source/store/activity-archive.js';
import {ApiKeysService} from '../source/service.js';
import {syncDirectory} from '../source/store/atomic-write.js';
import {serializeStore} from '../source/store/line-writer.js';
import {Store} from '../source/store/store.js';
import {benchActivity, benchKey, GATEWAY, VERIFIED} from './data.js';

export * from './pg.js';

/**
 * A realistic store built in memory (the bulk path), written once, with the log that use leaves
 * (three entries per key), all but the newest in the activity archive, as the store's writes put them there.
 */
export async function buildStore(path: string, count: number, operator: string, now = Date.now()): Promise<{names: string[]; appKeys: string[]; tokens: Map<string, string>; gateway: string}> {
	let gateway = '';
	const data: StoreData = emptyStore('acme', operator, addMonths(now, -25));
	const names: string[] = [];
	const appKeys: string[] = [];
	const tokens = new Map<string, string>();
	const activity: ActivityEntry[] = [];
	for (let i = 0; i < count; i++) {
		const {key, token} = benchKey(i, operator, now);
		data.keys.push(key);
		for (let entry = 0; entry < 3; entry++) activity.push(benchActivity(i, entry, operator, now));
		names.push(key.name);
		appKeys.push(key.appKey);
		if (VERIFIED(i, key)) tokens.set(key.appKey, token);
		if (i === GATEWAY) gateway = token;
	}
	activity.sort((a, b) => a.at - b.at);
	const archived = activity.length - ACTIVITY_KEPT;
	if (archived > 0) data.archive = await new ActivityArchive(path).append(undefined, activity.slice(0, archived));
	data.activity = activity.slice(Math.max(0, archived));
	data.revision = 1;
	await writeFile(path, serializeStore(data), {mode: 0o600});
	return {names, appKeys, tokens, gateway};
}

const lowered = new WeakMap<string[], string[]>();

/** How many keys a search for `query` matches (a case-insensitive substring of the name or the appKey). */
export function countMatches({names, appKeys}: {names: string[]; appKeys: string[]}, query: string): number {
	const needle = query.toLowerCase();
	// Lower-cased once per store: at 1 000 000 keys the counts are worked out for every keystroke.
	let haystacks = lowered.get(names);
	if (!haystacks) lowered.set(names, (haystacks = names.map((name, i) => `${name}\u0000${appKeys[i]}`.toLowerCase())));
	let count = 0;
	for (const haystack of haystacks) if (haystack.includes(needle)) count++;
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
export {appKeyAt} from './data.js';
export {LAST_USED_RESOLUTION} from '../source/service.js';

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
