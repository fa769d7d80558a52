/**
 * Chat command rate limits: per person and per conversation, each at most `max` commands in any `windowMs`.
 *
 * A refused command does not count, so someone who waits as told gets in. The first refusal of a blocked period
 * is answered (with when to try again); the commands sent after it until then are dropped without an answer, so a
 * loop of commands cannot turn into a loop of replies.
 */

/** One limit: at most `max` commands in any `windowMs`. */
export interface CommandRate {
  max: number;
  windowMs: number;
}

/** The default command limits (`COMMAND_LIMIT_PER_PERSON`, `COMMAND_LIMIT_PER_CONVERSATION`; README: "Security model"). */
export const COMMAND_LIMITS: Readonly<{ perPerson: CommandRate; perConversation: CommandRate }> = {
  perPerson: { max: 10, windowMs: 60_000 },
  perConversation: { max: 30, windowMs: 60_000 },
};

/** Limits of `max` commands a minute per person and per conversation. */
export function perMinute(limits: { perPerson: number; perConversation: number }): {
  perPerson: CommandRate;
  perConversation: CommandRate;
} {
  return {
    perPerson: { max: limits.perPerson, windowMs: 60_000 },
    perConversation: { max: limits.perConversation, windowMs: 60_000 },
  };
}

/** The verdict on one command. */
export type CommandAdmission =
  | { ok: true }
  | {
      ok: false;
      /** Which limit: the person's or the conversation's. */
      limit: 'person' | 'conversation';
      rate: CommandRate;
      /** When one more command fits (epoch ms). */
      retryAt: number;
      /** True for the first refusal of this blocked period (answer it); false for the ones after (drop them). */
      answer: boolean;
    };

const MAX_KEYS = 10_000;

/** Sliding-window command counts per person and per conversation. */
export class CommandLimits {
  private readonly sent = new Map<string, number[]>();
  private readonly toldUntil = new Map<string, number>();

  constructor(
    private readonly limits: { perPerson: CommandRate; perConversation: CommandRate } = COMMAND_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a command of `person` (its tenant/object-id key) in `conversationId`, or refuses it. */
  admit(person: string, conversationId: string): CommandAdmission {
    const now = this.now();
    const checks = [
      { key: `p|${person}`, limit: 'person' as const, rate: this.limits.perPerson },
      { key: `c|${conversationId}`, limit: 'conversation' as const, rate: this.limits.perConversation },
    ];
    for (const { key, limit, rate } of checks) {
      const recent = this.recent(key, rate, now);
      if (recent.length >= rate.max) {
        const retryAt = recent[recent.length - rate.max] + rate.windowMs;
        const answer = (this.toldUntil.get(key) ?? 0) <= now;
        if (answer) this.toldUntil.set(key, retryAt);
        return { ok: false, limit, rate, retryAt, answer };
      }
    }
    for (const { key, rate } of checks) this.recent(key, rate, now).push(now);
    if (this.sent.size > MAX_KEYS) this.forgetIdle(now);
    return { ok: true };
  }

  private recent(key: string, rate: CommandRate, now: number): number[] {
    const kept = (this.sent.get(key) ?? []).filter((t) => t > now - rate.windowMs);
    this.sent.set(key, kept);
    return kept;
  }

  private forgetIdle(now: number): void {
    const longest = Math.max(this.limits.perPerson.windowMs, this.limits.perConversation.windowMs);
    for (const [key, times] of this.sent) if (times.every((t) => t <= now - longest)) this.sent.delete(key);
    for (const [key, until] of this.toldUntil) if (until <= now) this.toldUntil.delete(key);
  }
}
