// Token buckets per source: `burst` requests at once, refilled at `perSecond`. A refused
// request learns how long to wait (the Retry-After of a 429).
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { ok: true } | { ok: false; retryAfterS: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  take(source: string, cost = 1): Take {
    const { perSecond, burst } = this.options;
    const now = this.now();
    this.sweep(now);
    let b = this.buckets.get(source);
    if (!b) {
      b = { tokens: burst, at: now };
      this.buckets.set(source, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    const waitS = (cost - b.tokens) / perSecond;
    return { ok: false, retryAfterS: Math.max(1, Math.ceil(waitS)) };
  }

  /** Forgets buckets that are full again, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const { perSecond, burst } = this.options;
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
    }
  }
}
