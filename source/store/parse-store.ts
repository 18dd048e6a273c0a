import {isAscii} from 'node:buffer';
import {storeFailure} from '../core/errors.js';
import {SCHEMA_VERSION, type StoreData} from '../core/types.js';
import {bytesSource, forbiddenName, stringSource, type Source} from './byte-source.js';
import {integrityOf} from './integrity.js';
import {lineColumn, locateJsonError} from './json-error.js';
import {layoutOf, type Layout, type Lines} from './line-layout.js';
import {ListLines, type FileLines} from './line-writer.js';
import {SchemaError, declaredVersion, migrate, normalizeStore} from './schema.js';

const UNTOUCHED = 'it was left untouched';

/**
 * A whole store file read into checked data: not empty, valid JSON, its integrity CRC holding
 * (`verified`: already known to, from a preview), no forbidden property name, and the schema.
 * Also where its keys' and entries' lines lie, when it is in this program's layout, for the next
 * write to reuse. Every refusal says where, and that the file was left untouched.
 */
export function parseStore(path: string, bytes: Buffer, verified = false): {data: StoreData; lines: FileLines | null} {
	const {source, layout, whole} = check(path, bytes, verified);
	// Three scans of the whole file: done for a full read, not for a preview (which parses and
	// checks only the fields and keys it shows).
	const forbidden = forbiddenName(source);
	if (forbidden >= 0) {
		const at = lineColumn(source.text(0), forbidden);
		throw storeFailure(`store ${path} holds a forbidden property name at line ${at.line}, column ${at.column} (character ${forbidden}); ${UNTOUCHED}`);
	}
	let parsed: Record<string, unknown> | null = null;
	if (layout) {
		try {
			const parseLines = ({starts, ends}: Lines) => starts.map((start, i) => JSON.parse(source.text(start, ends[i])) as unknown);
			const keys = parseLines(layout.keyLines);
			const activity = parseLines(layout.activityLines);
			parsed = {...layout.head, keys, activity};
		} catch {
			parsed = null;
		}
	}
	const data = validateStore(path, parsed ?? whole ?? parseWhole(path, source.text(0)));
	// Keys and entries were checked in place, so each is the object parsed from its line.
	const lines = parsed
		? {keys: ListLines.of(data.keys, bytes, layout!.keyLines), activity: ListLines.of(data.activity, bytes, layout!.activityLines)}
		: null;
	return {data, lines};
}

/** The checks of every full read: the file is not empty, parses (in its layout or whole), and its integrity CRC holds. */
function check(path: string, bytes: Buffer, verified: boolean): {source: Source; layout: Layout | null; whole?: unknown} {
	const where = `store ${path}`;
	if (bytes.length === 0) throw storeFailure(`${where} is empty (0 bytes); ${UNTOUCHED}`);
	// Files this program writes are ASCII: read from the bytes, one byte per character.
	const ascii = isAscii(bytes);
	const source = ascii ? bytesSource(bytes) : stringSource(bytes.toString('utf8'));
	const layout = ascii ? layoutOf(bytes) : null;
	// A file that is not valid JSON says where, before anything else.
	const whole = layout ? undefined : parseWhole(path, source.text(0));
	const integrity = verified ? 'holds' : integrityOf(bytes, source);
	if (integrity === 'missing') {
		throw storeFailure(`${where} has no integrity field at its end: it was not written by apikeys, or was cut short; ${UNTOUCHED}`);
	}
	if (integrity !== 'holds') {
		throw storeFailure(`${where} fails its integrity check (CRC32 of the first ${integrity.covered} bytes): it was damaged or edited by hand; ${UNTOUCHED}`);
	}
	return {source, layout, whole};
}

function parseWhole(path: string, text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		const at = locateJsonError(text);
		throw storeFailure(`store ${path} is not valid JSON at line ${at.line}, column ${at.column} (character ${at.offset}): ${at.problem}; ${UNTOUCHED}`);
	}
}

/** Parsed JSON as store data: a newer schema is refused, an older one migrated, and the schema checked. */
export function validateStore(path: string, parsed: unknown): StoreData {
	const where = `store ${path}`;
	try {
		const version = declaredVersion(parsed);
		if (version > SCHEMA_VERSION) {
			throw storeFailure(`${where} was written by a newer apikeys (schema version ${version}; this one knows up to ${SCHEMA_VERSION}): upgrade apikeys; ${UNTOUCHED}`);
		}
		return normalizeStore(migrate(parsed));
	} catch (error) {
		if (error instanceof SchemaError) throw storeFailure(`${where} is damaged: ${error.message}; ${UNTOUCHED}`);
		throw error;
	}
}
