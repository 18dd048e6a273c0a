/** The four key-management resources of the VTEX License Manager (seed 004). */
export const KEY_RESOURCES = ['View API Keys', 'Edit API Keys', 'Renew API token', 'Edit API Keys settings'] as const;
export type KeyResource = (typeof KEY_RESOURCES)[number];

/** This product's own resource: adding and removing operators and custom roles (SPEC). */
export const MANAGE_OPERATORS = 'Manage operators and roles';
/** Every resource an operator's action can need. */
export const OPERATOR_RESOURCES = [...KEY_RESOURCES, MANAGE_OPERATORS] as const;
export type OperatorResource = (typeof OPERATOR_RESOURCES)[number];

/** Epoch milliseconds; core never reads the clock, callers pass `now`. */
export type Millis = number;

/** What the store keeps of a token: never the token itself. */
export interface TokenRecord {
	/** SHA-256 of the token, base64url. */
	readonly digest: string;
	/** Non-secret: the prefix and the first four body characters. */
	readonly hint: string;
	readonly created: Millis;
	/** Set when the token's unused link was revoked: nobody holds the token, and it verifies nothing. */
	readonly revoked?: Millis;
}

export interface GeneratedKey {
	readonly appKey: string;
	readonly name: string;
	readonly roles: readonly string[];
	readonly created: Millis;
	readonly createdBy: string;
	readonly active: boolean;
	readonly token: TokenRecord;
	/** Present while a renewal is pending: the previous token, still valid. */
	readonly oldToken?: TokenRecord;
	readonly lastUsed?: Millis;
}

export interface ExternalKey {
	readonly appKey: string;
	readonly roles: readonly string[];
	readonly added: Millis;
	readonly addedBy: string;
	readonly active: boolean;
}

export type LinkPurpose = 'generate' | 'renew';

/** A single-access link. The store holds its digest and a sealed token that only the link's secret opens. */
export interface LinkRecord {
	/** SHA-256 of the link secret, base64url: finds the record, cannot open it. */
	id: string;
	appKey: string;
	purpose: LinkPurpose;
	/** Digest of the token the link reveals, so undoing a renewal can find and destroy it. */
	tokenDigest: string;
	created: Millis;
	expires: Millis;
	/** AES-256-GCM sealed token (iv.ciphertext.tag, base64url); removed when the link is used. */
	sealed?: string;
	used?: Millis;
	usedBy?: string;
}

export interface Operator {
	readonly login: string;
	readonly roles: readonly string[];
	readonly added: Millis;
	readonly addedBy: string;
}

export interface CustomRole {
	readonly name: string;
	readonly resources: readonly string[];
	readonly created: Millis;
	readonly createdBy: string;
}

export type RenewalPeriod = 3 | 6;
export type RevealMode = 'link' | 'direct';

export interface Settings {
	renewalAlertMonths: RenewalPeriod;
	reveal: RevealMode;
	shareBaseUrl: string;
	keyPrefix: string;
}

export interface ActivityEntry {
	readonly at: Millis;
	readonly operator: string;
	readonly action: string;
	readonly appKey?: string;
	/** What changed, in words ("roles: A → A, B"); never a secret. */
	readonly summary?: string;
}

export const SCHEMA_VERSION = 1;

/**
 * A store as a transaction changes it (the draft): its lists can change, the entries in them
 * cannot. A key, an external key, an operator, a role or an activity entry is never changed in
 * place, only replaced by a new object, so the file store can reuse the bytes of every entry that
 * is still the same object (source/store); the types make the compiler hold that rule.
 */
export interface StoreData {
	schemaVersion: number;
	/** Bumped by every write; checked on disk before the rename that commits a write. */
	revision: number;
	account: string;
	created: Millis;
	settings: Settings;
	roles: CustomRole[];
	operators: Operator[];
	keys: GeneratedKey[];
	external: ExternalKey[];
	links: LinkRecord[];
	activity: ActivityEntry[];
	/** The older activity, moved out of the store into its archive (the file store's): how much of it is committed. */
	archive?: ArchiveExtent;
}

/**
 * The committed part of the activity archive beside a store file: its first `bytes` bytes hold the
 * store's `entries` oldest entries (CRC32 `crc`), the newest of them at `newest`. Bytes past that
 * are an append that was never committed, and are ignored.
 */
export interface ArchiveExtent {
	entries: number;
	bytes: number;
	crc: number;
	newest: Millis;
}

/** A store as readers and screens see it: nothing in it can be changed; only a transaction's draft can. */
export interface StoreSnapshot {
	readonly schemaVersion: number;
	readonly revision: number;
	readonly account: string;
	readonly created: Millis;
	readonly settings: Readonly<Settings>;
	readonly roles: ReadonlyArray<Readonly<CustomRole>>;
	readonly operators: ReadonlyArray<Readonly<Operator>>;
	readonly keys: ReadonlyArray<Readonly<GeneratedKey>>;
	readonly external: ReadonlyArray<Readonly<ExternalKey>>;
	readonly links: ReadonlyArray<Readonly<LinkRecord>>;
	readonly activity: ReadonlyArray<Readonly<ActivityEntry>>;
	readonly archive?: Readonly<ArchiveExtent>;
}

/** What a rule needs from the outside world, passed in so core stays pure. */
export interface RuleContext {
	now: Millis;
	operator: string;
	random: (bytes: number) => Uint8Array;
}
