/**
 * A token bucket per client: `burst` requests at once, then `rate` per second. Memory stays bounded: a bucket that
 * has refilled is the same as no bucket and is dropped, and past `maxClients` the least recently seen go first.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfterSec: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly maxClients = 10_000,
  ) {}

  /** Takes one token for `key`; when there is none, says how many seconds until there is. */
  take(key: string, now = performance.now()): RateDecision {
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate) : this.burst;
    // Re-inserting keeps the map in least-recently-seen order for eviction.
    this.buckets.delete(key);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / this.rate)) };
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > this.maxClients || now - this.lastSweep > 60_000) this.sweep(now);
    return { ok: true };
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    const refill = (this.burst / this.rate) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at >= refill) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxClients) break;
      this.buckets.delete(key);
    }
  }
}

const KEY = Symbol.for('ser.web.rateLimiter');
type Holder = { [KEY]?: RateLimiter };

/** The process's limiter (shared by every route bundle), or undefined when rate limiting is off. */
export function sharedRateLimiter(rate: number | undefined, burst: number): RateLimiter | undefined {
  if (rate === undefined) return undefined;
  const g = globalThis as Holder;
  return (g[KEY] ??= new RateLimiter(rate, burst));
}
