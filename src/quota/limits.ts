/**
 * The documented API quotas Watchstander keeps to, in one place, each with its source, and the share of them kept
 * for the watch (scheduled digests, card clicks and the trackers that follow the actions they start).
 *
 * The quotas are per application (per app and tenant for Graph): several instances of the bot share them, while
 * each process counts only the calls it sent itself (see the README's "Security model").
 */
import type { ApiName } from '../defender/api';

/** A quota: at most `max` calls in any window of `windowMs`. */
export interface Quota {
  max: number;
  windowMs: number;
  /** Where the figure is documented. */
  source: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Per-API quotas, counted on every HTTP attempt this process sends (retries included).
 *
 * Defender for Endpoint: "100 calls per minute and 1500 calls per hour" on each method the bot uses, e.g.
 * https://learn.microsoft.com/defender-endpoint/api/get-machines (Limitations). Microsoft Graph security: 150 requests
 * per minute per app per tenant, https://learn.microsoft.com/graph/throttling-limits
 * (documented for secureScores and alerts; no figure is given for incidents and alerts_v2, so the bot applies the
 * same bound to all its Graph security calls rather than assume more).
 */
export const API_QUOTAS: Readonly<Record<ApiName, readonly Quota[]>> = {
  defender: [
    { max: 100, windowMs: MINUTE, source: 'https://learn.microsoft.com/defender-endpoint/api/get-machines' },
    { max: 1500, windowMs: HOUR, source: 'https://learn.microsoft.com/defender-endpoint/api/get-machines' },
  ],
  graph: [
    {
      max: 150,
      windowMs: MINUTE,
      source: 'https://learn.microsoft.com/graph/throttling-limits',
    },
  ],
};

/**
 * `POST /api/machines/{id}/startInvestigation`: "50 calls per hour",
 * https://learn.microsoft.com/defender-endpoint/api/initiate-autoir-investigation (Limitations). Counted per call.
 */
export const START_INVESTIGATION_QUOTA: Quota = {
  max: 50,
  windowMs: HOUR,
  source: 'https://learn.microsoft.com/defender-endpoint/api/initiate-autoir-investigation',
};

/**
 * The share of every quota chat reads may use; the rest is kept for the watch. A chat read is refused when the
 * calls of the window (watch and chat) already reach this share, so the watch always has the remainder.
 */
export const CHAT_SHARE = 0.5;

/**
 * How long a read's result may be reused to answer the same chat read again (seconds). Scheduled digests, clicks
 * and trackers never reuse a result: they only share a read that is still in flight.
 */
export const FRESHNESS_SECONDS = 30;

/** Items a reused list may hold; a longer list is answered but not kept (it would hold memory). */
export const REUSE_MAX_ITEMS = 5000;
