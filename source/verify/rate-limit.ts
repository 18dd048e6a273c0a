/** How many failures one caller may have at most in memory: past it, callers that have recovered are forgotten first. */
const TRACKED_MAX = 100_000;

interface Bucket {
	tokens: number;
	at: number;
}

/**
 * Failures allowed per caller (a key, an address) per minute, as a token bucket: a caller starts
 * with a minute's worth, each failure takes one, and they come back at the same pace. Only
 * callers that failed are tracked, so a request that succeeds costs one lookup. 0: no limit.
 */
export class FailureLimiter {
	private readonly buckets = new Map<string, Bucket>();
	private readonly perMs: number;

	constructor(private readonly perMinute: number) {
		this.perMs = perMinute / 60_000;
	}

	/** Seconds until `id` may be answered again (for Retry-After), or 0 when it may now. */
	retryAfter(id: string, now: number): number {
		const bucket = this.perMinute > 0 ? this.buckets.get(id) : undefined;
		if (!bucket) return 0;
		this.refill(bucket, now);
		return bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
	}

	fail(id: string, now: number): void {
		if (this.perMinute <= 0) return;
		let bucket = this.buckets.get(id);
		if (!bucket) {
			if (this.buckets.size >= TRACKED_MAX) this.forget(now);
			bucket = {tokens: this.perMinute, at: now};
			this.buckets.set(id, bucket);
		}
		this.refill(bucket, now);
		bucket.tokens -= 1;
	}

	/** Drops the callers whose bucket is full again (nothing to remember), and the oldest if that is not enough. */
	forget(now: number): void {
		for (const [id, bucket] of this.buckets) {
			this.refill(bucket, now);
			if (bucket.tokens >= this.perMinute) this.buckets.delete(id);
		}
		for (const id of this.buckets.keys()) {
			if (this.buckets.size < TRACKED_MAX) break;
			this.buckets.delete(id);
		}
	}

	private refill(bucket: Bucket, now: number): void {
		bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
		bucket.at = now;
	}
}
