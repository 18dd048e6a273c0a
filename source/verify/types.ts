// The public types of the verify API: what `openVerifier` (the package's export) and `apikeys
// verify-server` answer. No imports, so the package's type declarations are this file as it is.

/** Why a token is not valid: its shape or checksum, no key has it (or another key than asked), the key is inactive, or it lacks a role asked for. */
export type RefusalCode = 'MALFORMED' | 'NOT_FOUND' | 'INACTIVE' | 'INSUFFICIENT_ROLES';

/** The answer to one verification, the same in process and over HTTP. */
export type Verification =
	| {
			readonly valid: true;
			readonly code: 'VALID';
			readonly appKey: string;
			readonly name: string;
			readonly roles: readonly string[];
			/** `old`: the previous token of a key whose renewal is pending (still valid until its old token is deleted). */
			readonly tokenState: 'current' | 'old';
	  }
	| {readonly valid: false; readonly code: RefusalCode};

export interface VerifyOptions {
	/** The key the token must belong to: a token of any other key answers NOT_FOUND, as an unknown one does. */
	appKey?: string;
	/** Roles the key must hold, every one (names as in `apikeys roles list`, any case); else INSUFFICIENT_ROLES. */
	roles?: readonly string[];
}

export interface VerifierOptions {
	/**
	 * The store: a file path or a postgres:// URL, as `--store` takes it (credentials as libpq finds
	 * them: PGPASSWORD, ~/.pgpass, PGSERVICE). Without it, the store the command line would use:
	 * /etc/apikeys/config.json's for anyone but root, else APIKEYS_STORE (of `env`), else
	 * ~/.local/share/apikeys/store.json.
	 */
	store?: string;
	/**
	 * How long the verifier keeps answering from the keys it holds once the store cannot be
	 * reached, in milliseconds (default 60 000); past it, `verify` throws VerifierUnavailableError.
	 */
	staleAfterMs?: number;
	/** Record each key's "last used" (batched, at most once a minute per key). Default true. */
	recordLastUse?: boolean;
	/** Called with one line when the store goes out of reach, and when it is back. Never with a token or a digest. */
	log?: (line: string) => void;
	/** The environment the PostgreSQL connection reads (PGPASSWORD, PGSERVICE …); default process.env. */
	env?: Record<string, string | undefined>;
}

/** Where a verifier stands: `current`, `stale` (the store is out of reach, answering from memory), or `unavailable` (past the stale bound: failing closed). */
export interface VerifierStatus {
	readonly state: 'current' | 'stale' | 'unavailable';
	/** The store revision the verifier's keys are at. */
	readonly revision: number;
	/** Epoch milliseconds of the last time the store confirmed the keys held. */
	readonly confirmedAt: number;
}

export interface Verifier {
	/**
	 * Checks a token from memory: one SHA-256 and one lookup; the answer does not depend on how much
	 * of a wrong token matches (digests are compared, never tokens). Throws VerifierUnavailableError
	 * (code UNAVAILABLE) once the store has been out of reach for longer than the stale bound.
	 */
	verify(token: string, options?: VerifyOptions): Verification;
	status(): VerifierStatus;
	/** Writes the last uses still pending and lets go of the store. */
	close(): Promise<void>;
}
