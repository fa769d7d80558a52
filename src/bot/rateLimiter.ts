/**
 * Sliding-window limits for outbound Teams sends: at most N sends per window, per key.
 *
 * Teams counts a send when it arrives, some time between the moment the bot starts it and the moment its answer
 * comes back. So a send holds its place in the window from its start until `windowMs` after it ended: then no
 * window Teams looks at can hold more than `max` of them, however the delays vary. (Counting from the start alone
 * lets a slow send of one second meet the first sends of the next in one of Teams' windows: a 429, and a
 * `Retry-After` that costs far more than the few milliseconds this waits.)
 */

/** One limit: `max` sends in any `windowMs`. */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/** Ends a send: its place in the window is freed `windowMs` after this call. Calling it again does nothing. */
export type ReleaseSend = () => void;

interface Send {
  /** When the send ended; undefined while it runs. */
  endedAt?: number;
}

/** While every counted send is still running, how often to look again. */
const POLL_MS = 5;

/** Waits so that no key exceeds its limit; keys are independent. */
export class SlidingWindowLimiter {
  private readonly sends = new Map<string, Send[]>();

  constructor(
    private readonly limit: WindowLimit,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more send for `key` is within the limit, and counts it until it is released. */
  async acquire(key: string): Promise<ReleaseSend> {
    for (;;) {
      const taken = this.reserve(key);
      if (typeof taken === 'function') return taken;
      await this.sleep(taken);
    }
  }

  /** Counts a send now and returns its release, or returns how long to wait (ms) before trying again. */
  reserve(key: string): ReleaseSend | number {
    const now = this.now();
    const counted = (this.sends.get(key) ?? []).filter(
      (s) => s.endedAt === undefined || s.endedAt > now - this.limit.windowMs,
    );
    if (counted.length < this.limit.max) {
      const send: Send = {};
      counted.push(send);
      this.sends.set(key, counted);
      return () => {
        send.endedAt ??= this.now();
      };
    }
    this.sends.set(key, counted);
    const ended = counted.filter((s) => s.endedAt !== undefined).map((s) => s.endedAt! + this.limit.windowMs - now);
    return ended.length > 0 ? Math.max(1, Math.min(...ended)) : POLL_MS;
  }
}
