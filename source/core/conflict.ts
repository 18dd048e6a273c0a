import {ApiKeysError} from './errors.js';
import {formatTime} from './time.js';
import type {ActivityEntry, ExternalKey, GeneratedKey, Settings, StoreSnapshot} from './types.js';

/**
 * What a dialog showed and expects to find when it saves: the record as it was drawn, and where the
 * activity log ended then (a log position, as a row version would be in a database).
 */
export interface Expected<T> {
	shown: T;
	seen: number;
}

export const expectedOf = <T>(data: StoreSnapshot, shown: T): Expected<T> => ({shown, seen: data.activity.length});

/** How the record changed since it was shown, in words, and the log entries that say who changed it. */
export interface Conflict<T> {
	changes: string[];
	by: ActivityEntry[];
	/** The record as it is now, with the log position, for the dialog's next try. */
	now: Expected<T>;
}

/** A change refused because the record changed since the dialog showed it; the interface asks again. */
export class ConflictError<T = unknown> extends ApiKeysError {
	readonly conflict: Conflict<T>;

	constructor(subject: string, conflict: Conflict<T>) {
		super('refused', conflictMessage(subject, conflict));
		this.conflict = conflict;
	}
}

export const isConflictError = (error: unknown): error is ConflictError => error instanceof ConflictError;

function conflictMessage(subject: string, {changes, by}: Conflict<unknown>): string {
	const who = [...new Set(by.map(e => `${e.operator} at ${formatTime(e.at)}`))].join(', ');
	return `${subject} changed since this dialog opened${who ? ` (by ${who})` : ''}: ${changes.join('; ')}. Nothing was saved.`;
}

const rolesDiff = (before: readonly string[], after: readonly string[]) => [
	...after.filter(r => !before.includes(r)).map(r => `+${r}`),
	...before.filter(r => !after.includes(r)).map(r => `−${r}`),
];

function roleChanges(before: readonly string[], after: readonly string[]): string[] {
	const diff = rolesDiff(before, after);
	return diff.length > 0 ? [`roles ${diff.join(' ')}`] : [];
}

const status = (active: boolean) => (active ? 'Active' : 'Inactive');

/** What changed in a generated key that a person would care about (not "last used", which verification writes). */
export function keyChanges(shown: GeneratedKey, now: GeneratedKey): string[] {
	const changes = roleChanges(shown.roles, now.roles);
	if (shown.name !== now.name) changes.push(`name ${shown.name} → ${now.name}`);
	if (shown.active !== now.active) changes.push(`status ${status(shown.active)} → ${status(now.active)}`);
	if (shown.token.digest !== now.token.digest) {
		changes.push(shown.oldToken?.digest === now.token.digest ? 'renewal undone' : 'token renewed');
	} else if (shown.oldToken && !now.oldToken) {
		changes.push('old token deleted');
	}
	return changes;
}

export function externalChanges(shown: ExternalKey, now: ExternalKey): string[] {
	const changes = roleChanges(shown.roles, now.roles);
	if (shown.active !== now.active) changes.push(`status ${status(shown.active)} → ${status(now.active)}`);
	return changes;
}

export function settingsChanges(shown: Settings, now: Settings): string[] {
	return (Object.keys(now) as Array<keyof Settings>).filter(f => shown[f] !== now[f]).map(f => `${f} ${shown[f]} → ${now[f]}`);
}

/** The log entries written since `seen` that match; when the log was not loaded then, the newest few. */
function entriesSince(data: StoreSnapshot, seen: number, matches: (e: ActivityEntry) => boolean): ActivityEntry[] {
	return data.activity.slice(Math.min(seen, data.activity.length)).filter(matches).slice(-3);
}

/**
 * Refuses with a ConflictError when `now` differs from what the dialog showed, naming what changed
 * and, from the activity log, who changed it.
 */
export function requireAsShown<T>(
	data: StoreSnapshot,
	subject: string,
	expected: Expected<T> | undefined,
	now: T,
	changesOf: (shown: T, now: T) => string[],
	touches: (e: ActivityEntry) => boolean,
): void {
	if (!expected) return;
	const changes = changesOf(expected.shown, now);
	if (changes.length === 0) return;
	throw new ConflictError(subject, {changes, by: entriesSince(data, expected.seen, touches), now: expectedOf(data, now)});
}

export function requireKeyAsShown(data: StoreSnapshot, key: GeneratedKey, expected: Expected<GeneratedKey> | undefined): void {
	requireAsShown(data, key.appKey, expected, key, keyChanges, e => e.appKey === key.appKey);
}

export function requireExternalAsShown(data: StoreSnapshot, key: ExternalKey, expected: Expected<ExternalKey> | undefined): void {
	requireAsShown(data, key.appKey, expected, key, externalChanges, e => e.appKey === key.appKey);
}

export function requireSettingsAsShown(data: StoreSnapshot, expected: Expected<Settings> | undefined): void {
	requireAsShown(data, 'The settings', expected, {...data.settings}, settingsChanges, e => e.action === 'settings');
}
