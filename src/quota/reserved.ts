/**
 * The refusal of a call that was not sent because it would eat into the share of the API quota kept for the
 * watch (or past a quota of its own), with when to try again.
 */
import type { ApiName } from '../defender/api';
import { DefenderApiError } from '../defender/errors';
import type { Allowance } from './budget';

const API_LABEL: Readonly<Record<ApiName, string>> = {
  graph: 'Microsoft Graph',
  defender: 'Defender for Endpoint',
};

/** Fields of a `QuotaReservedError`. */
export interface QuotaReservedInit {
  api: ApiName;
  /** The operation that was not sent, e.g. `listMachines`. */
  operation: string;
  /** When to try again (epoch ms). */
  retryAt: number;
  /** The clock now (epoch ms), to say "in N seconds". */
  now: number;
  /** Why, in words, e.g. "this bot already sent 50 of its 100 calls a minute". */
  why: string;
  /** True for a chat read refused to keep the watch's share; false for an action past its own quota. */
  reservedForWatch: boolean;
}

/** A call this process did not send, to stay within the documented quota (nothing reached Microsoft). */
export class QuotaReservedError extends DefenderApiError {
  /** When to try again (epoch ms). */
  readonly retryAt: number;
  private readonly readable: string;

  constructor(init: QuotaReservedInit) {
    const seconds = Math.max(1, Math.ceil((init.retryAt - init.now) / 1000));
    super({ kind: 'quota', api: init.api, method: 'GET', path: init.operation, retryAfterSeconds: seconds });
    this.retryAt = init.retryAt;
    this.message = `${init.operation} not sent to ${init.api}: ${init.why}; retry in ${seconds} s`;
    this.readable = init.reservedForWatch
      ? `${API_LABEL[init.api]} calls are kept for the scheduled digests and card actions right now ` +
        `(${init.why}); try again ${inTime(seconds)}.`
      : `${API_LABEL[init.api]} refuses more of these for now (${init.why}); try again ${inTime(seconds)}.`;
  }

  override readableMessage(): string {
    return this.readable;
  }
}

/** "in 35 seconds", "in 3 minutes". */
export function inTime(seconds: number): string {
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minutes`;
}

/** Why a chat read was refused, in words: "50 of its calls this minute are used, 50 may serve chat". */
export function chatShareSpent(allowance: Extract<Allowance, { ok: false }>): string {
  const window = allowance.quota.windowMs >= 3_600_000 ? 'this hour' : 'this minute';
  return `${allowance.used} of its calls ${window} are used, ${allowance.chatCeiling} may serve chat`;
}
