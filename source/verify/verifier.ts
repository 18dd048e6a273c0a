import {isApiKeysError} from '../core/errors.js';
import {formatTime} from '../core/time.js';
import type {Millis} from '../core/types.js';
import {isPostgresLocation, storePath} from '../store/postgres/location.js';
import {resolveStorePath} from '../store/paths.js';
import {readSystemConfig} from '../store/system-config.js';
import {FileSource, type KeySource} from './file-source.js';
import {KeyMap} from './key-map.js';
import type {Verification, Verifier, VerifierOptions, VerifierStatus, VerifyOptions} from './types.js';
import {VerifierUnavailableError} from './unavailable.js';

/** The default stale bound: how long a verifier answers from memory while the store is out of reach. */
export const DEFAULT_STALE_AFTER_MS = 60_000;
/** A store file is looked at this often (an unchanged one costs a stat): a change is seen well within a second. */
const FILE_POLL_MS = 200;
/** How often a PostgreSQL verifier checks the store's revision besides NOTIFY, while it listens, and while it does not. */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_UNHEARD_MS = 500;
/** Last uses are written this often, in one batch. */
const LAST_USE_FLUSH_MS = 5_000;

/**
 * The store a verifier opens: `store` as given, else the one the command line would use
 * (resolveStorePath: the system configuration's for anyone but root, else APIKEYS_STORE, else the
 * default store file).
 */
function storeOf(store: unknown, env: NodeJS.ProcessEnv): string {
	if (store !== undefined && typeof store !== 'string') throw new TypeError('openVerifier: store is a file path or a postgres:// URL');
	return store ? storePath(store, 'env') : resolveStorePath(undefined, env, readSystemConfig());
}

const oneLine = (error: unknown) => (isApiKeysError(error) ? error.message : ((error as Error).message ?? String(error)).split('\n')[0]!);

/**
 * Verifies tokens from memory (a KeyMap) and keeps the map current: a store file is polled,
 * PostgreSQL announces changes. While the store cannot be reached it answers from what it holds
 * for `staleAfterMs`, then fails closed. Last uses are collected and written in batches.
 */
export class StoreVerifier implements Verifier {
	private readonly map = new KeyMap();
	private readonly staleAfterMs: number;
	private readonly recordLastUse: boolean;
	private readonly log: (line: string) => void;
	private confirmedAt: Millis;
	/** Set when the stale bound passes without a confirmation: every answer is then refused. */
	private expired = false;
	private expiry: NodeJS.Timeout | null = null;
	private failing: string | null = null;
	private refreshing: Promise<void> | null = null;
	private again = false;
	private closed = false;
	private listening = false;
	private readonly timers: NodeJS.Timeout[] = [];
	private heartbeat: NodeJS.Timeout | null = null;
	private unwatch: (() => void) | null = null;
	/** Uses taken from the map and not written yet (a failed write keeps them for the next). */
	private pendingUses = new Map<string, Millis>();

	private constructor(
		private readonly source: KeySource,
		options: VerifierOptions,
	) {
		this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
		this.recordLastUse = options.recordLastUse ?? true;
		this.log = options.log ?? (() => undefined);
		this.confirmedAt = Date.now();
	}

	/** Opens the store, reads every key once, and starts keeping them current. */
	static async open(options: VerifierOptions): Promise<StoreVerifier> {
		const staleAfter = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
		if (!Number.isFinite(staleAfter) || staleAfter < 0) throw new RangeError('staleAfterMs is a number of milliseconds, 0 or more');
		const env = (options.env ?? process.env) as NodeJS.ProcessEnv;
		const store = storeOf(options.store, env);
		// The PostgreSQL driver is loaded only for a store in PostgreSQL.
		const source = isPostgresLocation(store) ? await (await import('./pg-source.js')).PgSource.open(store, env) : await FileSource.open(store);
		const verifier = new StoreVerifier(source, options);
		try {
			const started = Date.now();
			await source.refresh(verifier.map);
			verifier.confirm(started);
		} catch (error) {
			await source.close();
			throw error;
		}
		verifier.start();
		return verifier;
	}

	/** How many keys the verifier holds. */
	get keyCount(): number {
		return this.map.size;
	}

	verify(token: string, options?: VerifyOptions): Verification {
		if (this.expired) throw this.unavailable();
		return this.map.verify(token, options?.appKey, options?.roles);
	}

	/**
	 * The appKey of the key whose token has this digest (tokenDigest), when that key is active and
	 * holds Verify API tokens (the verify server's callers); else null. Throws as verify does when
	 * past the stale bound.
	 */
	callerByDigest(digest: string): string | null {
		if (this.expired) throw this.unavailable();
		return this.map.callerByDigest(digest);
	}

	status(): VerifierStatus {
		const state = this.expired ? 'unavailable' : this.failing !== null ? 'stale' : 'current';
		return {state, revision: this.map.revision, confirmedAt: this.confirmedAt};
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const timer of this.timers) clearInterval(timer);
		if (this.heartbeat) clearTimeout(this.heartbeat);
		if (this.expiry) clearTimeout(this.expiry);
		this.unwatch?.();
		await this.refreshing;
		await this.flushUses().catch(() => undefined);
		await this.source.close();
	}

	/** The store confirmed the keys held as of `at`: answers go on until the stale bound passes from then. */
	private confirm(at: Millis): void {
		this.confirmedAt = at;
		this.expired = false;
		if (this.closed) return;
		// A timer rather than a clock read per answer: verify stays one hash and one lookup.
		if (this.expiry) clearTimeout(this.expiry);
		this.expiry = setTimeout(() => (this.expired = true), Math.max(0, this.staleAfterMs - (Date.now() - at)));
		this.expiry.unref();
	}

	private unavailable(): VerifierUnavailableError {
		return new VerifierUnavailableError(
			`the store has been out of reach since ${formatTime(this.confirmedAt)} (longer than the ${Math.round(this.staleAfterMs / 1000)} s a verifier answers from memory)`,
		);
	}

	private start(): void {
		const every = (ms: number, work: () => void) => {
			const timer = setInterval(work, ms);
			timer.unref();
			this.timers.push(timer);
		};
		this.unwatch = this.source.watch(
			() => void this.refresh(),
			listening => {
				this.listening = listening;
				this.scheduleHeartbeat();
			},
		);
		if (this.unwatch) this.scheduleHeartbeat();
		else every(Math.min(FILE_POLL_MS, Math.max(10, this.staleAfterMs / 4)), () => void this.refresh());
		// Without recordLastUse the uses the map notes are dropped here all the same.
		every(LAST_USE_FLUSH_MS, () => void this.flushUses().catch(() => undefined));
	}

	/** The next revision check of a store that announces its changes: often while nobody listens, and well within the stale bound. */
	private scheduleHeartbeat(): void {
		if (this.closed) return;
		if (this.heartbeat) clearTimeout(this.heartbeat);
		const ms = Math.min(this.listening ? HEARTBEAT_MS : HEARTBEAT_UNHEARD_MS, Math.max(10, this.staleAfterMs / 4));
		this.heartbeat = setTimeout(() => {
			void this.refresh().finally(() => this.scheduleHeartbeat());
		}, ms);
		this.heartbeat.unref();
	}

	/** One refresh at a time; a request for one during another runs once more after it. */
	private refresh(): Promise<void> {
		if (this.closed) return Promise.resolve();
		if (this.refreshing) {
			this.again = true;
			return this.refreshing;
		}
		const started = Date.now();
		this.refreshing = this.source
			.refresh(this.map)
			.then(
				() => {
					this.confirm(started);
					if (this.failing !== null) this.log(`the store can be reached again; keys at revision ${this.map.revision}`);
					this.failing = null;
				},
				error => {
					const reason = oneLine(error);
					if (this.failing === null) {
						this.log(`the store is out of reach (${reason}); answering from the keys read at ${formatTime(this.confirmedAt)} for up to ${Math.round(this.staleAfterMs / 1000)} s, then refusing with 503`);
					}
					this.failing = reason;
				},
			)
			.finally(() => {
				this.refreshing = null;
				if (this.again) {
					this.again = false;
					void this.refresh();
				}
			});
		return this.refreshing;
	}

	/** Writes the uses collected since the last flush in one write; on failure they wait for the next. */
	private async flushUses(): Promise<void> {
		for (const [appKey, at] of this.map.takeUses(Date.now())) this.pendingUses.set(appKey, at);
		if (!this.recordLastUse) this.pendingUses.clear();
		if (this.pendingUses.size === 0) return;
		const uses = this.pendingUses;
		this.pendingUses = new Map();
		try {
			await this.source.recordUses(uses);
		} catch (error) {
			for (const [appKey, at] of uses) if (!this.pendingUses.has(appKey)) this.pendingUses.set(appKey, at);
			throw error;
		}
	}
}
