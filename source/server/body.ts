import type {IncomingMessage} from 'node:http';

/** A request body past the server's limit: answered 413, and the connection closed. */
export class BodyTooLarge extends Error {}

/** The request's body as text, refused (BodyTooLarge) as soon as it is known to pass `maxBytes`. */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
	return new Promise((resolve, reject) => {
		if (Number(request.headers['content-length'] ?? 0) > maxBytes) return reject(new BodyTooLarge('request body too large'));
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > maxBytes) {
				reject(new BodyTooLarge('request body too large'));
				// The rest is read and dropped until the 413 (with Connection: close) ends the connection.
				request.removeAllListeners('data');
				request.resume();
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}
