/**
 * Sliding-window limits for outbound Teams sends: at most N sends per window, per key.
 */

/** One limit: `max` sends in any `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/** Waits so that no key exceeds its limit; keys are independent. */
export class SlidingWindowLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly limit: WindowLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more send for `key` is within the limit, and counts it. */
  async acquire(key: string): Promise<void> {
    for (;;) {
      const wait = this.reserve(key);
      if (wait === 0) return;
      await this.sleep(wait);
    }
  }

  /** Counts a send now and returns 0, or returns how long to wait before trying again. */
  reserve(key: string): number {
    const now = this.now();
    const times = (this.sent.get(key) ?? []).filter((t) => t > now - this.limit.windowMs);
    if (times.length < this.limit.max) {
      times.push(now);
      this.sent.set(key, times);
      return 0;
    }
    this.sent.set(key, times);
    return Math.max(1, times[0] + this.limit.windowMs - now);
  }
}
