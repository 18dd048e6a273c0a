const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = 62n;

/** Big-endian bytes → base62, left-padded with '0' to `width`. */
export function base62Encode(bytes: Uint8Array, width: number): string {
	let value = 0n;
	for (const byte of bytes) value = (value << 8n) | BigInt(byte);
	return base62FromBigInt(value, width);
}

/** base62 of a non-negative safe integer (a CRC32, say) without BigInt. */
export function base62FromNumber(value: number, width: number): string {
	let out = '';
	let rest = value;
	while (rest > 0) {
		out = ALPHABET[rest % 62] + out;
		rest = Math.floor(rest / 62);
	}
	if (out.length > width) throw new RangeError(`value needs ${out.length} base62 digits, more than ${width}`);
	return out.padStart(width, '0');
}

export function base62FromBigInt(value: bigint, width: number): string {
	let out = '';
	let rest = value;
	while (rest > 0n) {
		out = ALPHABET[Number(rest % BASE)] + out;
		rest /= BASE;
	}
	if (out.length > width) throw new RangeError(`value needs ${out.length} base62 digits, more than ${width}`);
	return out.padStart(width, '0');
}

export const BASE62_PATTERN = '[0-9A-Za-z]';
