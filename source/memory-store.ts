import type {ActivityEntry, StoreData} from './core/types.js';

/**
 * A store held in memory, for drafts that are written out once (see ApiKeysService.draft). Like the
 * file store, a change runs on its own copy and only a change that succeeds is kept.
 */
export class MemoryStore {
	readonly path = '(memory)';

	constructor(private data: StoreData) {}

	get revision(): number {
		return this.data.revision;
	}

	async read(): Promise<StoreData> {
		return this.data;
	}

	peek(): StoreData {
		return this.data;
	}

	/** A draft's log is all in it. */
	async archivedActivity(): Promise<readonly ActivityEntry[]> {
		return [];
	}

	peekPreview(): null {
		return null;
	}

	async transact<T>(change: (data: StoreData, tx: {skipWrite(): void}) => T): Promise<T> {
		const draft = structuredClone(this.data);
		let skip = false;
		const result = change(draft, {skipWrite: () => (skip = true)});
		if (!skip) this.data = {...draft, revision: draft.revision + 1};
		return result;
	}
}
