import {VERIFY_RESOURCE, roleCatalog} from '../core/roles.js';
import {TOKEN_LENGTH, checkTokenFormat, tokenDigest} from '../core/token.js';
import {MINUTE} from '../core/time.js';
import type {Millis} from '../core/types.js';
import type {Verification} from './types.js';

/** A key's use is noted at most once this often (the store keeps "last used" to the minute). */
const USE_RESOLUTION = MINUTE;

/** What a verifier needs of one key, whichever store it came from. */
export interface KeyFacts {
	readonly appKey: string;
	readonly name: string;
	readonly roles: readonly string[];
	readonly active: boolean;
	/** The current token's digest; null when it was revoked (it verifies nothing). */
	readonly current: string | null;
	/** The old token's digest while a renewal is pending. */
	readonly old: string | null;
}

const MALFORMED: Verification = Object.freeze({valid: false, code: 'MALFORMED'});
const NOT_FOUND: Verification = Object.freeze({valid: false, code: 'NOT_FOUND'});
const INACTIVE: Verification = Object.freeze({valid: false, code: 'INACTIVE'});
const INSUFFICIENT_ROLES: Verification = Object.freeze({valid: false, code: 'INSUFFICIENT_ROLES'});

/** A key as the map holds it: its facts, and its answer for the current token once one was asked for. */
interface Entry extends KeyFacts {
	answer: Verification | null;
	/** Whether a use of the key was noted within the last minute (then it is not noted again). */
	noted: boolean;
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((role, i) => role === b[i]);
const sameFacts = (a: KeyFacts, b: KeyFacts) =>
	a.current === b.current && a.old === b.old && a.active === b.active && a.name === b.name && sameRoles(a.roles, b.roles);

/**
 * Every key's token digests → the key, kept current by a source (store file or PostgreSQL) and
 * small enough for a million keys: one entry per key, two maps of references, and each distinct
 * set of roles held once. A check hashes the token once and compares digests: a wrong token's
 * digest shares nothing predictable with a stored one, so nothing about a stored token leaks
 * through how long a refusal takes. Whether an appKey named in a check exists is answered the same
 * (NOT_FOUND); it moves a refusal's time by the lookup's reads from memory, a few hundred
 * nanoseconds, where a request on loopback varies by microseconds and failures are limited per
 * caller (appKeys are identifiers, not secrets).
 */
export class KeyMap {
	/** The store revision the map holds. */
	revision = -1;
	private readonly byDigest = new Map<string, Entry>();
	private readonly byAppKey = new Map<string, Entry>();
	private readonly roleSets = new Map<string, readonly string[]>();
	/** Keys used since the last takeUses, and when; and the keys noted within the last minute. */
	private uses: Entry[] = [];
	private usesAt: Millis[] = [];
	private noted: Array<{entry: Entry; at: Millis}> = [];
	/** The roles (predefined and the store's own) that hold Verify API tokens. */
	private callerRoles: ReadonlySet<string> = rolesHolding([]);

	get size(): number {
		return this.byAppKey.size;
	}

	/** Adds a key, or replaces what was held of it (its old digests stop matching). */
	put(facts: KeyFacts): void {
		const held = this.byAppKey.get(facts.appKey);
		if (held && sameFacts(held, facts)) return;
		if (held) this.unindex(held);
		// The strings a check compares are copied here, next to the entry: a check then reads from
		// one place in memory, not from wherever the store's reader left them.
		const entry: Entry = {
			appKey: nearby(facts.appKey),
			name: facts.name,
			roles: this.intern(facts.roles),
			active: facts.active,
			current: facts.current === null ? null : nearby(facts.current),
			old: facts.old === null ? null : nearby(facts.old),
			answer: null,
			noted: false,
		};
		this.byAppKey.set(entry.appKey, entry);
		if (entry.current !== null) this.byDigest.set(entry.current, entry);
		if (entry.old !== null) this.byDigest.set(entry.old, entry);
	}

	remove(appKey: string): void {
		const held = this.byAppKey.get(appKey);
		if (!held) return;
		this.unindex(held);
		this.byAppKey.delete(appKey);
	}

	/** Makes the map hold exactly `keys` (a whole snapshot); keys that did not change are left as they are. */
	sync(keys: Iterable<KeyFacts>): void {
		const seen = new Set<string>();
		for (const facts of keys) {
			seen.add(facts.appKey);
			this.put(facts);
		}
		for (const appKey of this.byAppKey.keys()) if (!seen.has(appKey)) this.remove(appKey);
	}

	/** The store's custom roles, for knowing which roles grant Verify API tokens. */
	setCustomRoles(roles: ReadonlyArray<{name: string; resources: readonly string[]}>): void {
		this.callerRoles = rolesHolding(roles);
	}

	/**
	 * The answer for `token`, from memory. The token is hashed whatever else is asked, an unknown
	 * appKey included.
	 */
	verify(token: string, appKey?: string, roles?: readonly string[]): Verification {
		if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return MALFORMED;
		// A named key is looked up before the token is hashed, not after: the lookup's reads from
		// memory (a key not checked lately is rarely in the CPU's cache) then overlap the hashing.
		const named = appKey === undefined ? undefined : this.byAppKey.get(appKey);
		const digest = tokenDigest(token);
		const entry = appKey === undefined ? this.byDigest.get(digest) : named;
		if (entry === undefined) return refusal(token);
		// Found by digest, or a key whose current or old digest it is: another key's token answers as an unknown one.
		const current = digest === entry.current;
		if (!current && digest !== entry.old) return refusal(token);
		if (!entry.active) return INACTIVE;
		if (roles !== undefined && roles.length > 0 && !holdsAll(entry.roles, roles)) return INSUFFICIENT_ROLES;
		if (!entry.noted) this.note(entry);
		// Built once per key, when first asked: a valid check allocates nothing.
		return current ? (entry.answer ??= answerFor(entry, 'current')) : answerFor(entry, 'old');
	}

	/** The appKey of the caller whose token has this digest, if its key is active and holds Verify API tokens; else null. */
	callerByDigest(digest: string): string | null {
		const entry = this.byDigest.get(digest);
		if (!entry || !entry.active || !entry.roles.some(role => this.callerRoles.has(role))) return null;
		if (!entry.noted) this.note(entry);
		return entry.appKey;
	}

	/**
	 * The keys used (verified, or calling) since the last call, and when: each key once a minute at
	 * most, so that many uses cost one write.
	 */
	takeUses(now: Millis): Map<string, Millis> {
		const taken = new Map<string, Millis>();
		for (let i = 0; i < this.uses.length; i++) {
			taken.set(this.uses[i]!.appKey, this.usesAt[i]!);
			this.noted.push({entry: this.uses[i]!, at: this.usesAt[i]!});
		}
		this.uses = [];
		this.usesAt = [];
		// Keys noted a minute ago or more may be noted again.
		this.noted = this.noted.filter(({entry, at}) => {
			if (now - at < USE_RESOLUTION) return true;
			entry.noted = false;
			return false;
		});
		return taken;
	}

	/** A flag on the key rather than a lookup per answer: the first use in a minute is written down. */
	private note(entry: Entry): void {
		entry.noted = true;
		this.uses.push(entry);
		this.usesAt.push(Date.now());
	}

	private unindex(entry: Entry): void {
		if (entry.current !== null && this.byDigest.get(entry.current) === entry) this.byDigest.delete(entry.current);
		if (entry.old !== null && this.byDigest.get(entry.old) === entry) this.byDigest.delete(entry.old);
	}

	/** One frozen array per distinct set of roles: a million keys share a handful. */
	private intern(roles: readonly string[]): readonly string[] {
		const id = roles.join('\n');
		let shared = this.roleSets.get(id);
		if (!shared) {
			shared = Object.freeze([...roles]);
			this.roleSets.set(id, shared);
		}
		return shared;
	}
}

/**
 * A fresh copy of a string, allocated now, beside the entry being built. In process this made a
 * valid check about 10 % faster at 100 000 keys (docs/performance.md); it costs a copy of each
 * appKey and digest (about 10 MiB at 100 000 keys on a store file, whose reader keeps its own).
 */
const nearby = (text: string): string => Buffer.from(text).toString();

/** Why a token that matched no key is refused: its shape or checksum, else no key has it. */
const refusal = (token: unknown): Verification => (typeof token === 'string' && checkTokenFormat(token).ok ? NOT_FOUND : MALFORMED);

const answerFor = (entry: KeyFacts, tokenState: 'current' | 'old'): Verification =>
	Object.freeze({valid: true, code: 'VALID', appKey: entry.appKey, name: entry.name, roles: entry.roles, tokenState});

function holdsAll(held: readonly string[], wanted: readonly string[]): boolean {
	for (const role of wanted) {
		if (typeof role !== 'string') return false;
		const lower = role.toLowerCase();
		if (!held.some(name => name === role || name.toLowerCase() === lower)) return false;
	}
	return true;
}

function rolesHolding(custom: ReadonlyArray<{name: string; resources: readonly string[]}>): ReadonlySet<string> {
	return new Set(
		roleCatalog({roles: custom.map(r => ({name: r.name, resources: r.resources, created: 0, createdBy: ''}))})
			.filter(role => role.resources.includes(VERIFY_RESOURCE))
			.map(role => role.name),
	);
}
