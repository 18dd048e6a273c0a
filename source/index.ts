// The package's API for Node services (package.json "exports"): verify tokens in process, from a
// store file or PostgreSQL, the same answers as `apikeys verify-server` gives over HTTP.
import type {Verifier, VerifierOptions} from './verify/types.js';

export type {RefusalCode, Verification, Verifier, VerifierOptions, VerifierStatus, VerifyOptions} from './verify/types.js';
export {VerifierUnavailableError} from './verify/unavailable.js';

/**
 * Opens a verifier on a store: it reads every key's token digests once, then keeps them current
 * (a change reaches it within a second), and answers `verify` from memory. Close it when done.
 */
export async function openVerifier(options: VerifierOptions = {}): Promise<Verifier> {
	const {StoreVerifier} = await import('./verify/verifier.js');
	return StoreVerifier.open(options);
}
