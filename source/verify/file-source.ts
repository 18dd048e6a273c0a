import type {GeneratedKey, Millis} from '../core/types.js';
import {ApiKeysService} from '../service.js';
import type {KeyFacts, KeyMap} from './key-map.js';

/** Where a verifier's keys come from, and where it records their last uses. */
export interface KeySource {
	/** Brings the map to the store's newest revision; throws when the store cannot be read. */
	refresh(map: KeyMap): Promise<void>;
	/** Calls `onChange` when the store announces a change (PostgreSQL); `onListening` says whether it is listening. Null: the store is polled. */
	watch(onChange: () => void, onListening: (listening: boolean) => void): (() => void) | null;
	/** Writes the last uses collected (appKey → when), at most one write per key a minute. */
	recordUses(uses: ReadonlyMap<string, Millis>): Promise<void>;
	close(): Promise<void>;
}

export const factsOf = (key: GeneratedKey): KeyFacts => ({
	appKey: key.appKey,
	name: key.name,
	roles: key.roles,
	active: key.active,
	current: key.token.revoked ? null : key.token.digest,
	old: key.oldToken?.digest ?? null,
});

/**
 * A store file, read through the service as the rest of the program reads it: polling costs one
 * stat while the file is unchanged, and a changed file is read once and merged into the map.
 */
export class FileSource implements KeySource {
	private held: object | null = null;
	/** The key objects already in the map: a write replaces only the keys it changes, so most stay the same objects. */
	private known = new WeakSet<GeneratedKey>();

	private constructor(private readonly service: ApiKeysService) {}

	static async open(path: string): Promise<FileSource> {
		// The operator is never consulted: a verifier reads keys and writes last uses, which need none.
		return new FileSource(await ApiKeysService.open(path, {operator: 'apikeys-verifier'}));
	}

	async refresh(map: KeyMap): Promise<void> {
		const data = await this.service.verificationData();
		// The same object while the file is unchanged.
		if (data === this.held) return;
		for (const key of data.keys) {
			if (this.known.has(key)) continue;
			map.put(factsOf(key));
			this.known.add(key);
		}
		// A key is gone (the count says so, as every key is in the map now): a full pass finds which.
		if (map.size !== data.keys.length) map.sync(data.keys.map(factsOf));
		map.setCustomRoles(data.roles);
		map.revision = data.revision;
		this.held = data;
	}

	watch(): null {
		return null;
	}

	recordUses(uses: ReadonlyMap<string, Millis>): Promise<void> {
		return this.service.recordLastUses(uses);
	}

	close(): Promise<void> {
		return this.service.close();
	}
}
