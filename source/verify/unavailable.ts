/**
 * Thrown by `verify` once the store has been out of reach for longer than the stale bound: the
 * verifier fails closed rather than answer from keys that may have changed (HTTP: 503).
 */
export class VerifierUnavailableError extends Error {
	readonly code = 'UNAVAILABLE' as const;

	constructor(message: string) {
		super(message);
		this.name = 'VerifierUnavailableError';
	}
}
