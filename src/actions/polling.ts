/**
 * How often the status of a started action is checked: soon after a change, then less and less often.
 */

/** Longest wait between two checks while a status is still moving. */
export const MAX_POLL_SECONDS = 60;
/** Wait between two checks once a status has not changed for `SLOW_AFTER_MS` (an offline device, an approval). */
export const SLOW_POLL_SECONDS = 15 * 60;
/** After this long without a change, checks slow down to `SLOW_POLL_SECONDS`. */
export const SLOW_AFTER_MS = 60 * 60_000;
/** Defender times an action out after a week; the bot stops following it a day later. */
export const FOLLOW_FOR_MS = 8 * 24 * 60 * 60_000;

/**
 * Seconds until the next check: `first`, doubled after every check that saw no change (5, 10, 20, 40, 60 s with
 * `first` = 5), at most 60 s, and every 15 min once the status has not changed for an hour.
 */
export function nextCheckSeconds(first: number, checksSinceChange: number, unchangedForMs: number): number {
  if (unchangedForMs >= SLOW_AFTER_MS) return SLOW_POLL_SECONDS;
  const doubled = first * 2 ** Math.min(Math.max(0, checksSinceChange), 16);
  return Math.min(Math.max(first, doubled), Math.max(first, MAX_POLL_SECONDS));
}
