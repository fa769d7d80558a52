/**
 * The calls this process sent to each API in the last hour, counted from the client's own request counter
 * (`DefenderClient.stats()`: every HTTP attempt, retries included), and how much of each quota is left for chat.
 *
 * The counter is read whenever the budget is asked (and after each call ends); the calls found since the last read
 * are put in the second of that read. One process sees only its own calls: instances sharing an app each keep their
 * own budget (see the README's "Security model").
 */
import type { ApiName } from '../defender/api';
import type { RequestStats } from '../defender/middleware';
import { API_QUOTAS, CHAT_SHARE, type Quota } from './limits';

/** Something that counts the HTTP attempts it sent, per API. */
export interface RequestCounter {
  stats(): RequestStats;
}

/** Whether a chat read may be sent now; when not, which quota is spent and when to try again. */
export type Allowance =
  | { ok: true }
  | {
      ok: false;
      api: ApiName;
      quota: Quota;
      /** Calls of the window already counted (sent, and chat reads in flight). */
      used: number;
      /** Calls chat reads may use in the window. */
      chatCeiling: number;
      /** When enough of the window has passed for one more chat read (epoch ms). */
      retryAt: number;
    };

const APIS: readonly ApiName[] = ['graph', 'defender'];
const KEEP_MS = Math.max(...Object.values(API_QUOTAS).flatMap((qs) => qs.map((q) => q.windowMs)));

/** Sliding counts of the calls this process sent, per API, against the documented quotas. */
export class CallBudget {
  /** Per API: [second (epoch ms, rounded down), calls] in time order. */
  private readonly seconds: Record<ApiName, [number, number][]> = { graph: [], defender: [] };
  private last: RequestStats;

  constructor(
    private readonly counter: RequestCounter,
    private readonly now: () => number = Date.now,
    private readonly quotas: Readonly<Record<ApiName, readonly Quota[]>> = API_QUOTAS,
    /** The share of each quota chat may bring the window to; `off`: chat is never refused here. */
    private readonly chatShare: number | 'off' = CHAT_SHARE,
  ) {
    if (chatShare !== 'off' && !(chatShare > 0 && chatShare <= 1)) {
      throw new RangeError(`chatShare must be in (0, 1] or off, got ${chatShare}`);
    }
    this.last = counter.stats();
  }

  /** Takes in the calls the counter saw since the last look. */
  sync(): void {
    const current = this.counter.stats();
    const second = Math.floor(this.now() / 1000) * 1000;
    for (const api of APIS) {
      // A counter set back to zero (resetStats) restarts from its new value.
      const sent = current[api] >= this.last[api] ? current[api] - this.last[api] : current[api];
      if (sent > 0) {
        const buckets = this.seconds[api];
        const tail = buckets[buckets.length - 1];
        if (tail && tail[0] === second) tail[1] += sent;
        else buckets.push([second, sent]);
      }
      this.prune(api);
    }
    this.last = current;
  }

  /** Calls sent to `api` in the last `windowMs` (after a `sync`). */
  used(api: ApiName, windowMs: number): number {
    const from = this.now() - windowMs;
    let total = 0;
    for (const [second, calls] of this.seconds[api]) if (second > from) total += calls;
    return total;
  }

  /**
   * Whether one more chat read on `api` fits in its share of every quota, given `inFlight` chat reads not counted
   * yet. Reads the counter first.
   */
  chatAllowance(api: ApiName, inFlight = 0): Allowance {
    this.sync();
    if (this.chatShare === 'off') return { ok: true };
    for (const quota of this.quotas[api]) {
      const chatCeiling = Math.max(1, Math.floor(quota.max * this.chatShare));
      const used = this.used(api, quota.windowMs) + inFlight;
      if (used >= chatCeiling) {
        return { ok: false, api, quota, used, chatCeiling, retryAt: this.freeAt(api, quota, used - chatCeiling + 1) };
      }
    }
    return { ok: true };
  }

  /** When `count` of the calls now in the window will have left it (the window's oldest first). */
  private freeAt(api: ApiName, quota: Quota, count: number): number {
    const now = this.now();
    const from = now - quota.windowMs;
    let left = 0;
    for (const [second, calls] of this.seconds[api]) {
      if (second <= from) continue;
      left += calls;
      if (left >= count) return second + quota.windowMs + 1000;
    }
    // Only reads still in flight hold the window: they count once they end.
    return now + 1000;
  }

  private prune(api: ApiName): void {
    const buckets = this.seconds[api];
    const from = this.now() - KEEP_MS;
    let drop = 0;
    while (drop < buckets.length && buckets[drop][0] <= from) drop++;
    if (drop > 0) buckets.splice(0, drop);
  }
}
