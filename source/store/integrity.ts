import {crc32} from 'node:zlib';
import type {Source} from './byte-source.js';

/** `,"integrity":"crc32:xxxxxxxx"}` closes every file this program writes; the CRC covers all before it. */
const INTEGRITY = /,"integrity":"crc32:([0-9a-f]{8})"\}\s*$/;
const INTEGRITY_OPENING = Buffer.from(',"integrity":"crc32:');
const hex8 = (crc: number) => crc.toString(16).padStart(8, '0');

/** The file's end after a body whose CRC32 is `crc`: the CRC of everything before it, so a flipped bit that still parses is caught. */
export const integrityEnd = (crc: number) => Buffer.from(`]${INTEGRITY_OPENING.toString('latin1')}${hex8(crc32(']', crc))}"}`, 'latin1');

/** Whether the file's closing CRC32 matches everything before it. Only the tail is read as text; the CRC runs over the bytes. */
export function integrityOf(bytes: Buffer, source: Source): 'holds' | 'missing' | {covered: number} {
	const integrity = INTEGRITY.exec(source.text(Math.max(0, source.length - 64)));
	const covered = integrity ? bytes.lastIndexOf(INTEGRITY_OPENING) : -1;
	if (!integrity || covered < 0) return 'missing';
	return hex8(crc32(bytes.subarray(0, covered))) === integrity[1] ? 'holds' : {covered};
}
