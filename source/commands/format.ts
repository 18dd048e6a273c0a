import type {Reveal} from '../core/keys.js';
import type {KeyRow} from '../core/query.js';
import {formatDate, formatTime, isoTime} from '../core/time.js';
import type {Output} from './output.js';
import {sanitize} from '../text/sanitize.js';

export const rolesCell = (roles: readonly string[]) => (roles.length > 0 ? roles.join(', ') : '—');

export const durationCell = (row: KeyRow) =>
	row.token.revoked ? 'none (link revoked)' : row.oldToken ? `${row.token.age} (old: ${row.oldToken.age}, pending deletion)` : row.token.age;

const ALERT_CELLS: Record<KeyRow['alert'], string> = {none: '', 'due-soon': 'due soon', orange: 'renew', red: 'RENEW!'};
const alertCell = (row: KeyRow) => ALERT_CELLS[row.alert];

export const keyTableHeaders = ['KEY', 'NAME', 'TOKEN DURATION', 'ROLES', 'CREATED', 'STATUS', 'LAST USED', 'ALERT'];

export const keyTableRow = (row: KeyRow) => [
	row.appKey,
	row.name,
	durationCell(row),
	rolesCell(row.roles),
	formatDate(row.created),
	row.status,
	row.lastUsed === undefined ? 'never' : formatTime(row.lastUsed),
	alertCell(row),
];

/** The machine-readable form of a key row: times as ISO strings. */
export function keyJson(row: KeyRow) {
	return {
		appKey: row.appKey,
		name: row.name,
		roles: row.roles,
		status: row.status,
		created: isoTime(row.created),
		token: {hint: row.token.hint, created: isoTime(row.token.created), age: row.token.age, ...(row.token.revoked ? {revoked: isoTime(row.token.revoked)} : {})},
		pendingRenewal: row.oldToken !== undefined,
		oldToken: row.oldToken ? {hint: row.oldToken.hint, created: isoTime(row.oldToken.created), age: row.oldToken.age} : null,
		alert: row.alert,
		lastUsed: row.lastUsed === undefined ? null : isoTime(row.lastUsed),
		linkExpires: row.linkValidUntil === undefined ? null : isoTime(row.linkValidUntil),
	};
}

export function revealJson(reveal: Reveal) {
	return reveal.kind === 'link'
		? {link: reveal.url, linkExpires: isoTime(reveal.expires)}
		: {token: reveal.token};
}

/** Prints the one and only showing of a new token or of the link that reveals it. */
export function printReveal(out: Output, reveal: Reveal): void {
	if (reveal.kind === 'link') {
		out.out(`Single-access link (valid until ${formatTime(reveal.expires)} unless used; it will not be shown again):`);
		out.out(`  ${reveal.url}`);
		out.out('Open it or share it with the person who will use the token: it reveals the token once.');
	} else {
		out.out('Token (it will not be shown again; save it in a safe place):');
		out.out(`  ${reveal.token}`);
	}
}

export const describeKey = (row: KeyRow) => `${sanitize(row.appKey)} (${sanitize(row.name)})`;

/** Roles for a line of text (table cells are sanitized by the table). */
export const rolesText = (roles: readonly string[]) => sanitize(rolesCell(roles));
