import type {IncomingMessage} from 'node:http';

/** A request body past the server's limit: answered 413, and the connection closed. */
export class BodyTooLarge extends Error {}

/**
 * Hands the request's body as text to `done`, or a BodyTooLarge as soon as it is known to pass
 * `maxBytes` (the rest is then read and dropped until the 413, with Connection: close, ends the
 * connection). A callback, not a promise: the verify API calls it per request.
 */
export function collectBody(request: IncomingMessage, maxBytes: number, done: (failure: Error | null, text: string) => void): void {
	if (Number(request.headers['content-length'] ?? 0) > maxBytes) return done(new BodyTooLarge('request body too large'), '');
	let first: Buffer | null = null;
	let more: Buffer[] | null = null;
	let size = 0;
	let finished = false;
	const finish = (failure: Error | null, text: string) => {
		if (finished) return;
		finished = true;
		done(failure, text);
	};
	const onData = (chunk: Buffer) => {
		size += chunk.length;
		if (size > maxBytes) {
			request.removeListener('data', onData);
			request.resume();
			return finish(new BodyTooLarge('request body too large'), '');
		}
		if (first === null) first = chunk;
		else (more ??= [first]).push(chunk);
	};
	request.on('data', onData);
	request.on('end', () => finish(null, more ? Buffer.concat(more).toString('utf8') : first ? first.toString('utf8') : ''));
	request.on('error', failure => finish(failure, ''));
}

/** The request's body as text (see collectBody). */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
	return new Promise((resolve, reject) => collectBody(request, maxBytes, (failure, text) => (failure ? reject(failure) : resolve(text))));
}
