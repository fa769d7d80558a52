/**
 * Sliding-window limits for outbound Teams sends: at most N sends per window, per key, for one window or several at
 * once (Teams limits a bot's sends to one conversation over 1 s, 2 s, 30 s and an hour together; see
 * docs/service-behaviour.md §11).
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

/** Waits so that no key exceeds any of its limits; keys are independent. */
export class SlidingWindowLimiter {
  private readonly sends = new Map<string, Send[]>();
  private readonly limits: readonly WindowLimit[];
  /** The longest window: older ended sends count in none. */
  private readonly longestMs: number;

  constructor(
    limit: WindowLimit | readonly WindowLimit[],
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.limits = Array.isArray(limit) ? [...limit] : [limit as WindowLimit];
    if (this.limits.length === 0) throw new RangeError('a limiter needs at least one window');
    for (const l of this.limits) {
      if (!(Number.isInteger(l.max) && l.max >= 1 && l.windowMs > 0)) {
        throw new RangeError(`a window limit needs max >= 1 and windowMs > 0, got ${JSON.stringify(l)}`);
      }
    }
    this.longestMs = Math.max(...this.limits.map((l) => l.windowMs));
  }

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
    const kept = (this.sends.get(key) ?? []).filter((s) => s.endedAt === undefined || s.endedAt > now - this.longestMs);
    this.sends.set(key, kept);
    let wait = 0;
    for (const limit of this.limits) {
      const counted = kept.filter((s) => s.endedAt === undefined || s.endedAt > now - limit.windowMs);
      if (counted.length < limit.max) continue;
      // Enough of the ended sends must leave this window to make room for one more.
      const leaving = counted
        .filter((s) => s.endedAt !== undefined)
        .map((s) => s.endedAt! + limit.windowMs - now)
        .sort((a, b) => a - b);
      const needed = counted.length - limit.max;
      wait = Math.max(wait, needed < leaving.length ? Math.max(1, leaving[needed]) : POLL_MS);
    }
    if (wait > 0) return wait;
    const send: Send = {};
    kept.push(send);
    return () => {
      send.endedAt ??= this.now();
    };
  }
}
