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
	digest: string;
	/** Non-secret: the prefix and the first four body characters. */
	hint: string;
	created: Millis;
}

export interface GeneratedKey {
	appKey: string;
	name: string;
	roles: string[];
	created: Millis;
	createdBy: string;
	active: boolean;
	token: TokenRecord;
	/** Present while a renewal is pending: the previous token, still valid. */
	oldToken?: TokenRecord;
	lastUsed?: Millis;
}

export interface ExternalKey {
	appKey: string;
	roles: string[];
	added: Millis;
	addedBy: string;
	active: boolean;
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
	login: string;
	roles: string[];
	added: Millis;
	addedBy: string;
}

export interface CustomRole {
	name: string;
	resources: string[];
	created: Millis;
	createdBy: string;
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
	at: Millis;
	operator: string;
	action: string;
	appKey?: string;
	/** What changed, in words ("roles: A → A, B"); never a secret. */
	summary?: string;
}

export const SCHEMA_VERSION = 1;

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
}

/** What a rule needs from the outside world, passed in so core stays pure. */
export interface RuleContext {
	now: Millis;
	operator: string;
	random: (bytes: number) => Uint8Array;
}
