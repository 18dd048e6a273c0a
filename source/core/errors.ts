/** Why an operation did not happen; decides the command line's exit code (usage → 2, the rest → 1). */
export type FailureKind = 'refused' | 'forbidden' | 'not-found' | 'usage' | 'store';

/** A failure meant for the person: its message is one line and never holds a secret. */
export class ApiKeysError extends Error {
	readonly kind: FailureKind;

	constructor(kind: FailureKind, message: string) {
		super(message);
		this.name = 'ApiKeysError';
		this.kind = kind;
	}
}

export const refused = (message: string) => new ApiKeysError('refused', message);
export const forbidden = (message: string) => new ApiKeysError('forbidden', message);
export const notFound = (message: string) => new ApiKeysError('not-found', message);
export const usage = (message: string) => new ApiKeysError('usage', message);
export const storeFailure = (message: string) => new ApiKeysError('store', message);

/** The store file read before is gone (deleted, or moved away): its last read is all there is to show. */
export class StoreGoneError extends ApiKeysError {
	constructor(path: string) {
		super('store', `store ${path} was deleted or moved since it was read`);
	}
}

/** The database cannot be reached now: the data read last is all there is to show until it can. */
export class StoreUnreachableError extends ApiKeysError {
	constructor(message: string) {
		super('store', message);
	}
}

export const isApiKeysError = (error: unknown): error is ApiKeysError => error instanceof ApiKeysError;
