import {createHash} from 'node:crypto';
import {ownerOf} from './external.js';
import {isoTime} from './time.js';
import type {StoreSnapshot} from './types.js';

/** The VTEX spreadsheet's columns: never a token, a digest or a link. */
export const GENERATED_FIELDS = ['id', 'keyName', 'roles', 'label', 'creationDate', 'creationDateToken', 'creationDateNewToken', 'status'] as const;
export const EXTERNAL_FIELDS = ['id', 'keyName', 'roles', 'account', 'addedDate', 'status'] as const;

export type GeneratedExportRow = Record<(typeof GENERATED_FIELDS)[number], string>;
export type ExternalExportRow = Record<(typeof EXTERNAL_FIELDS)[number], string>;

export interface ExportTables {
	generated: GeneratedExportRow[];
	external: ExternalExportRow[];
}

/** A stable identifier for a key, shaped like a UUID, derived from its appKey. */
export function keyId(appKey: string): string {
	const hex = createHash('sha256').update(`apikeys key id:${appKey}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const status = (active: boolean) => (active ? 'Active' : 'Inactive');

/**
 * The rows of an export. keyName is the appKey and label the name given at creation; while a
 * renewal is pending creationDateToken is the old token's date and creationDateNewToken the new
 * one's, otherwise creationDateNewToken is empty.
 */
/** Rows oldest first, then by appKey: the same export from the same keys, however they are stored. */
const byCreation = (a: {created: number; appKey: string}, b: {created: number; appKey: string}) =>
	a.created - b.created || (a.appKey < b.appKey ? -1 : a.appKey > b.appKey ? 1 : 0);

export function exportTables(data: StoreSnapshot): ExportTables {
	return {
		generated: [...data.keys].sort(byCreation).map(key => ({
			id: keyId(key.appKey),
			keyName: key.appKey,
			roles: key.roles.join(', '),
			label: key.name,
			creationDate: isoTime(key.created),
			creationDateToken: isoTime((key.oldToken ?? key.token).created),
			creationDateNewToken: key.oldToken ? isoTime(key.token.created) : '',
			status: status(key.active),
		})),
		external: data.external.map(key => ({
			id: keyId(key.appKey),
			keyName: key.appKey,
			roles: key.roles.join(', '),
			account: ownerOf(key.appKey) ?? '',
			addedDate: isoTime(key.added),
			status: status(key.active),
		})),
	};
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, or a leading tab or carriage return)
 * gets a leading apostrophe, so an exported name can never execute when the CSV is opened.
 */
export function neutralizeFormula(value: string): string {
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180 with CRLF line ends, and every field quoted (quotes doubled): a spreadsheet whose list
 * separator is ";" then keeps `x;=1+1` one cell instead of splitting off a formula. `printable`
 * escapes what a terminal would act on (a name from an older store may hold it).
 */
export function toCsv<Field extends string>(
	fields: readonly Field[],
	rows: ReadonlyArray<Record<Field, string>>,
	printable: (text: string) => string = text => text,
): string {
	const cell = (value: string) => `"${neutralizeFormula(printable(value)).replace(/"/g, '""')}"`;
	const line = (values: readonly string[]) => values.map(cell).join(',');
	return [line(fields), ...rows.map(row => line(fields.map(field => row[field])))].join('\r\n') + '\r\n';
}
