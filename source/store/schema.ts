import {validateAccount} from '../core/appkey.js';
import {NAME_MAX} from '../core/names.js';
import {defaultSettings} from '../core/settings.js';
import {
	SCHEMA_VERSION,
	type ActivityEntry,
	type ArchiveExtent,
	type CustomRole,
	type ExternalKey,
	type GeneratedKey,
	type LinkRecord,
	type Millis,
	type Operator,
	type Settings,
	type StoreData,
} from '../core/types.js';

/** A structural problem in a parsed store: `where` is a path like keys[12].name. */
export class SchemaError extends Error {
	constructor(
		readonly where: string,
		problem: string,
	) {
		super(`${where} ${problem}`);
	}
}

type Raw = Record<string, unknown>;

function object(value: unknown, where: string): Raw {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SchemaError(where, 'is not an object');
	return value as Raw;
}

function array(value: unknown, where: string): unknown[] {
	if (!Array.isArray(value)) throw new SchemaError(where, 'is not a list');
	return value;
}

/** Any text field of a store; names and logins have tighter bounds (below). */
export const TEXT_MAX = 64 * 1024;
/** Key and role names (code points), as when they are typed; logins, as validateLogin allows. */
const NAME_LIMIT = NAME_MAX;
const LOGIN_LIMIT = 64;

function string(value: unknown, where: string, max = TEXT_MAX): string {
	if (typeof value !== 'string') throw new SchemaError(where, 'is not text');
	// UTF-16 units bound code points from above, so only a long text needs counting.
	if (value.length > max && (value.length > 2 * max || [...value].length > max)) throw new SchemaError(where, `is longer than ${max} characters`);
	return value;
}

const name = (value: unknown, where: string) => string(value, where, NAME_LIMIT);
const login = (value: unknown, where: string) => string(value, where, LOGIN_LIMIT);

function time(value: unknown, where: string): Millis {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new SchemaError(where, 'is not a time');
	return value;
}

function boolean(value: unknown, where: string): boolean {
	if (typeof value !== 'boolean') throw new SchemaError(where, 'is not true or false');
	return value;
}

const strings = (value: unknown, where: string) => array(value, where).map((v, i) => string(v, `${where}[${i}]`));
const names = (value: unknown, where: string) => array(value, where).map((v, i) => name(v, `${where}[${i}]`));

function optional<T>(raw: Raw, field: string, where: string, read: (v: unknown, w: string) => T): T | undefined {
	return raw[field] === undefined ? undefined : read(raw[field], `${where}.${field}`);
}


const KEY_FIELDS = new Set(['appKey', 'name', 'roles', 'created', 'createdBy', 'active', 'token', 'oldToken', 'lastUsed']);

/** One copy of each repeated string (role names, logins), for the keys read in one go. */
let sharedStrings = new Map<string, string>();
function shared(text: string): string {
	const existing = sharedStrings.get(text);
	if (existing !== undefined) return existing;
	if (sharedStrings.size > 10_000) sharedStrings = new Map();
	sharedStrings.set(text, text);
	return text;
}

/**
 * Keys are the bulk of a store (100 000 of them), so they are checked where they lie instead of
 * copied: every field has its type, and nothing else is there.
 */
function generatedKey(value: unknown, where: string): GeneratedKey {
	const raw = object(value, where);
	for (const field in raw) if (!KEY_FIELDS.has(field)) throw new SchemaError(`${where}.${field}`, 'is not a known field');
	string(raw.appKey, `${where}.appKey`);
	name(raw.name, `${where}.name`);
	// Role names and logins repeat across thousands of keys: one copy of each is kept.
	const roles = names(raw.roles, `${where}.roles`);
	for (let i = 0; i < roles.length; i++) (raw.roles as string[])[i] = shared(roles[i]!);
	time(raw.created, `${where}.created`);
	raw.createdBy = shared(login(raw.createdBy, `${where}.createdBy`));
	boolean(raw.active, `${where}.active`);
	tokenRecordIn(raw.token, `${where}.token`);
	if (raw.oldToken !== undefined) tokenRecordIn(raw.oldToken, `${where}.oldToken`);
	if (raw.lastUsed !== undefined) time(raw.lastUsed, `${where}.lastUsed`);
	return raw as unknown as GeneratedKey;
}

function tokenRecordIn(value: unknown, where: string): void {
	const raw = object(value, where);
	for (const field in raw) if (!['digest', 'hint', 'created', 'revoked'].includes(field)) throw new SchemaError(`${where}.${field}`, 'is not a known field');
	string(raw.digest, `${where}.digest`);
	string(raw.hint, `${where}.hint`);
	time(raw.created, `${where}.created`);
	optional(raw, 'revoked', where, time);
}

function externalKey(value: unknown, where: string): ExternalKey {
	const raw = object(value, where);
	return {
		appKey: string(raw.appKey, `${where}.appKey`),
		roles: names(raw.roles, `${where}.roles`),
		added: time(raw.added, `${where}.added`),
		addedBy: login(raw.addedBy, `${where}.addedBy`),
		active: boolean(raw.active, `${where}.active`),
	};
}

function linkRecord(value: unknown, where: string): LinkRecord {
	const raw = object(value, where);
	const purpose = string(raw.purpose, `${where}.purpose`);
	if (purpose !== 'generate' && purpose !== 'renew') throw new SchemaError(`${where}.purpose`, 'is not generate or renew');
	const link: LinkRecord = {
		id: string(raw.id, `${where}.id`),
		appKey: string(raw.appKey, `${where}.appKey`),
		purpose,
		tokenDigest: string(raw.tokenDigest, `${where}.tokenDigest`),
		created: time(raw.created, `${where}.created`),
		expires: time(raw.expires, `${where}.expires`),
	};
	const sealed = optional(raw, 'sealed', where, string);
	if (sealed !== undefined) link.sealed = sealed;
	const used = optional(raw, 'used', where, time);
	if (used !== undefined) link.used = used;
	const usedBy = optional(raw, 'usedBy', where, string);
	if (usedBy !== undefined) link.usedBy = usedBy;
	return link;
}

function operator(value: unknown, where: string): Operator {
	const raw = object(value, where);
	return {
		login: login(raw.login, `${where}.login`),
		roles: names(raw.roles, `${where}.roles`),
		added: time(raw.added, `${where}.added`),
		addedBy: login(raw.addedBy, `${where}.addedBy`),
	};
}

function customRole(value: unknown, where: string): CustomRole {
	const raw = object(value, where);
	return {
		name: name(raw.name, `${where}.name`),
		resources: strings(raw.resources, `${where}.resources`),
		created: time(raw.created, `${where}.created`),
		createdBy: login(raw.createdBy, `${where}.createdBy`),
	};
}

const ACTIVITY_FIELDS = new Set(['at', 'operator', 'action', 'appKey', 'summary']);

/** Checked in place, like keys: the log grows with every change. */
export function activityEntry(value: unknown, where: string): ActivityEntry {
	const raw = object(value, where);
	for (const field in raw) if (!ACTIVITY_FIELDS.has(field)) throw new SchemaError(`${where}.${field}`, 'is not a known field');
	time(raw.at, `${where}.at`);
	login(raw.operator, `${where}.operator`);
	string(raw.action, `${where}.action`);
	optional(raw, 'appKey', where, string);
	optional(raw, 'summary', where, string);
	return raw as unknown as ActivityEntry;
}

function settings(value: unknown, where: string): Settings {
	const raw = object(value, where);
	const defaults = defaultSettings();
	const months = raw.renewalAlertMonths ?? defaults.renewalAlertMonths;
	if (months !== 3 && months !== 6) throw new SchemaError(`${where}.renewalAlertMonths`, 'is not 3 or 6');
	const reveal = raw.reveal ?? defaults.reveal;
	if (reveal !== 'link' && reveal !== 'direct') throw new SchemaError(`${where}.reveal`, 'is not link or direct');
	return {
		renewalAlertMonths: months,
		reveal,
		shareBaseUrl: string(raw.shareBaseUrl ?? defaults.shareBaseUrl, `${where}.shareBaseUrl`),
		keyPrefix: string(raw.keyPrefix ?? defaults.keyPrefix, `${where}.keyPrefix`),
	};
}

const list = <T>(raw: Raw, field: string, read: (v: unknown, w: string) => T): T[] =>
	array(raw[field] ?? [], field).map((v, i) => read(v, `${field}[${i}]`));

/** The schema version a parsed file declares, before anything else is trusted. */
export function declaredVersion(parsed: unknown): number {
	const raw = object(parsed, 'the top level');
	const version = raw.schemaVersion;
	if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
		throw new SchemaError('schemaVersion', 'is missing or not a positive whole number');
	}
	return version;
}

/**
 * Builds a fresh, typed store from parsed JSON, copying only known fields: nothing the file
 * adds (prototype keys included) reaches the program. Throws SchemaError naming the place.
 */
// keyCount and integrity belong to the file's layout (see line-layout.ts), not to the data.
const TOP_LEVEL = new Set(['schemaVersion', 'revision', 'account', 'created', 'settings', 'roles', 'operators', 'keys', 'external', 'links', 'activity', 'archive', 'keyCount', 'integrity']);

export function normalizeStore(parsed: unknown): StoreData {
	const raw = object(parsed, 'the top level');
	for (const field in raw) if (!TOP_LEVEL.has(field)) throw new SchemaError(field, 'is not a known field');
	const revision = raw.revision;
	if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
		throw new SchemaError('revision', 'is not a whole number');
	}
	// Every change adds one: a revision at the top of the safe range could not be counted past.
	if (revision >= Number.MAX_SAFE_INTEGER) {
		throw new SchemaError('revision', `is ${revision}, which cannot be incremented`);
	}
	const account = string(raw.account, 'account');
	try {
		validateAccount(account);
	} catch {
		throw new SchemaError('account', 'is not a valid account name');
	}
	return {
		schemaVersion: declaredVersion(parsed),
		revision,
		account,
		created: time(raw.created, 'created'),
		settings: settings(raw.settings ?? {}, 'settings'),
		roles: list(raw, 'roles', customRole),
		operators: list(raw, 'operators', operator),
		keys: list(raw, 'keys', generatedKey),
		external: list(raw, 'external', externalKey),
		links: list(raw, 'links', linkRecord),
		activity: list(raw, 'activity', activityEntry),
		...(raw.archive === undefined ? {} : {archive: archiveExtent(raw.archive, 'archive')}),
	};
}

const count = (value: unknown, where: string): number => {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new SchemaError(where, 'is not a whole number');
	return value;
};

function archiveExtent(value: unknown, where: string): ArchiveExtent {
	const raw = object(value, where);
	for (const field in raw) if (!['entries', 'bytes', 'crc', 'newest'].includes(field)) throw new SchemaError(`${where}.${field}`, 'is not a known field');
	const crc = count(raw.crc, `${where}.crc`);
	if (crc > 0xffffffff) throw new SchemaError(`${where}.crc`, 'is not a CRC32');
	return {entries: count(raw.entries, `${where}.entries`), bytes: count(raw.bytes, `${where}.bytes`), crc, newest: time(raw.newest, `${where}.newest`)};
}

/** Upgrades older layouts in place, one version at a time. Version 1 is the first layout. */
const MIGRATIONS: Record<number, (raw: Raw) => void> = {};

export function migrate(parsed: unknown): unknown {
	let version = declaredVersion(parsed);
	const raw = parsed as Raw;
	while (version < SCHEMA_VERSION) {
		const step = MIGRATIONS[version];
		if (!step) throw new SchemaError('schemaVersion', `${version} has no migration`);
		step(raw);
		version++;
		raw.schemaVersion = version;
	}
	return raw;
}
