/**
 * When and how long to wait before sending to Teams again: shared by replies (`ReplyRetry`) and proactive posts
 * (`ProactiveMessenger`).
 */

/** Statuses Teams answers when a send may succeed if tried again later. */
export const RETRIABLE_TEAMS_STATUSES: ReadonlySet<number> = new Set([412, 429, 502, 504]);

/** The HTTP status of a failed connector call, if it has one. */
export function teamsStatusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.statusCode ?? e?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The wait before attempt `attempt + 1`: `Retry-After` when Teams gave one, else doubling backoff with jitter. */
export function teamsRetryDelayMs(error: unknown, attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } })?.response?.headers;
  const retryAfter = Number(typeof headers?.get === 'function' ? headers.get('retry-after') : undefined);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, maxDelayMs);
  return Math.min(baseDelayMs * 2 ** (attempt - 1) + Math.random() * baseDelayMs, maxDelayMs);
}
