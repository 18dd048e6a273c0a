import {mkdir, readdir, unlink} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {Low} from 'lowdb';
import {notFound, refused, storeFailure} from '../core/errors.js';
import type {ActivityEntry, StoreData, StoreSnapshot} from '../core/types.js';
import {ACTIVITY_IN_STORE_MAX, ACTIVITY_KEPT, ActivityArchive} from './activity-archive.js';
import {AtomicJsonFile} from './adapter.js';
import {draftOf} from './draft.js';
import {StaleWriteError, tempFilePattern} from './atomic-write.js';
import {DEFAULT_LOCK, acquireLock, withLockIfFree, type LockOptions} from './lock.js';

/** Stores smaller than this are read whole even when a preview is asked for: it costs less than 20 ms. */
const PREVIEW_FROM_BYTES = 512 * 1024;

export interface Transaction {
	/** Leave the file as it is: the change turned out to change nothing. */
	skipWrite(): void;
}

/**
 * The store file behind lowdb's `Low`: reads need no lock (renames are atomic); every change
 * runs as lock → re-read → change → fenced atomic write → unlock.
 */
export class Store {
	private readonly adapter: AtomicJsonFile;
	private readonly archive: ActivityArchive;
	private readonly db: Low<StoreData | null>;
	private preview: {data: StoreData; keyCount: number} | null = null;
	private reading: Promise<StoreData> | null = null;

	private constructor(
		readonly path: string,
		private readonly lock: LockOptions,
	) {
		this.adapter = new AtomicJsonFile(path);
		this.archive = new ActivityArchive(path);
		this.db = new Low<StoreData | null>(this.adapter as never, null);
	}

	/**
	 * Opens an existing store, after clearing temp files that dead writers left behind. With
	 * `preview`, a large store is opened from its newest keys only (see readPreview): the first
	 * read() after that reads it all.
	 */
	static async open(path: string, lock: LockOptions = DEFAULT_LOCK, options: {preview?: number} = {}): Promise<Store> {
		const store = new Store(path, lock);
		await store.removeStaleTempFiles();
		if (options.preview) store.preview = await store.adapter.readPreview(options.preview, PREVIEW_FROM_BYTES);
		if (!store.preview) await store.read();
		return store;
	}

	/** The newest keys and the key count of a large store opened with `preview`, until it is read whole. */
	peekPreview(): {data: StoreData; keyCount: number} | null {
		return this.preview;
	}

	/** Creates the store file (and its directory, mode 0700); refuses when one exists. */
	static async create(path: string, initial: StoreData, lock: LockOptions = DEFAULT_LOCK): Promise<Store> {
		const directory = dirname(path);
		try {
			await mkdir(directory, {recursive: true, mode: 0o700});
		} catch (error) {
			throw storeFailure(`could not create the directory ${directory}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
		}
		const store = new Store(path, lock);
		// A path that is not a store file (a FIFO, a link …) is refused before the lock file is made beside it.
		if ((await store.adapter.diskRevision()) !== null) throw refused(`a store already exists at ${path}`);
		const lease = await acquireLock(path, lock);
		try {
			if ((await store.adapter.diskRevision()) !== null) throw refused(`a store already exists at ${path}`);
			if (await store.archive.exists()) throw refused(`the activity archive of an earlier store is at ${store.archive.path}: move it away first`);
			await store.adapter.write({...initial, revision: 1});
		} finally {
			await lease.release();
		}
		return store;
	}

	/** The current data. Callers must not change it: use transact. Reads already under way are shared. */
	read(): Promise<StoreData> {
		this.reading ??= this.readOnce().finally(() => (this.reading = null));
		return this.reading;
	}

	private async readOnce(): Promise<StoreData> {
		await this.db.read();
		if (!this.db.data) throw notFound(`no store at ${this.path}: create one with "apikeys init --account NAME"`);
		this.preview = null;
		return this.db.data;
	}

	/** The data of the last read, without touching the disk. */
	peek(): StoreData | null {
		return this.db.data;
	}

	get revision(): number {
		return this.db.data?.revision ?? 0;
	}

	/**
	 * Runs `change` on a copy of freshly read data under the lock, persists the copy and makes it
	 * the current data. Rules check before they change anything; if the change or its write fails,
	 * the current data stays as it was (the file too), so nothing needs reading again.
	 */
	async transact<T>(change: (data: StoreData, tx: Transaction) => T): Promise<T> {
		for (let attempt = 0; ; attempt++) {
			const lease = await acquireLock(this.path, this.lock);
			try {
				const current = await this.read();
				const draft = draftOf(current);
				let skip = false;
				const result = change(draft, {skipWrite: () => (skip = true)});
				if (!skip) await this.commit(current, draft);
				return result;
			} catch (error) {
				// The file changed under the lock (a writer that ignores it): retry from a fresh read; nothing was acknowledged.
				if (error instanceof StaleWriteError && attempt < 3) continue;
				if (error instanceof StaleWriteError) throw storeFailure(`${error.message}; nothing was changed, try again`);
				throw error;
			} finally {
				await lease.release();
			}
		}
	}

	/**
	 * Writes `draft` through lowdb (which writes its own data) as the next revision after `current`.
	 * A failed write puts `current` back; only a written draft stays the current data.
	 */
	private async commit(current: StoreData, draft: StoreData): Promise<void> {
		draft.revision = current.revision + 1;
		await this.archiveOldActivity(draft);
		this.db.data = draft;
		try {
			await this.db.write();
		} catch (error) {
			this.db.data = current;
			throw error;
		}
		// A read that ran during the write may have put the data it found back.
		this.db.data = draft;
	}

	/**
	 * Keeps the store's size bounded: past ACTIVITY_IN_STORE_MAX entries, all but the newest
	 * ACTIVITY_KEPT move to the archive, committed by this write. If the archive cannot take them,
	 * they stay in the store (no entry is ever lost) and the reads of the log say what is wrong.
	 */
	private async archiveOldActivity(draft: StoreData): Promise<void> {
		if (draft.activity.length <= ACTIVITY_IN_STORE_MAX) return;
		const moving = draft.activity.length - ACTIVITY_KEPT;
		try {
			draft.archive = await this.archive.append(draft.archive, draft.activity.slice(0, moving));
		} catch {
			return;
		}
		draft.activity = draft.activity.slice(moving);
	}

	/** The entries moved out of `data` to its archive, oldest first (none for a store that has not needed one). */
	archivedActivity(data: StoreSnapshot): Promise<readonly ActivityEntry[]> {
		return this.archive.read(data.archive);
	}

	/**
	 * Temp files that writers left when they died. Only while the lock is free: every write
	 * happens under it, so then no temp file belongs to a live writer (paused or not).
	 */
	async removeStaleTempFiles(): Promise<number> {
		const directory = dirname(this.path);
		const pattern = tempFilePattern(this.path);
		let removed = 0;
		const names = await readdir(directory).catch(() => [] as string[]);
		if (!names.some(name => pattern.test(name))) return 0;
		await withLockIfFree(this.path, async () => {
			for (const name of await readdir(directory)) {
				if (pattern.test(name)) await unlink(join(directory, name)).then(() => removed++, () => undefined);
			}
		});
		return removed;
	}
}
