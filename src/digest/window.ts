/**
 * What a digest covers: its window (since → until), one window per distinct watermark among the subscriptions of a
 * fire, and which incidents and alerts fall in a window — the pure rules behind "nothing missed, nothing listed
 * twice as new".
 *
 * A window is [since, until): `since` is the subscription's watermark (or, for its first digest, one period before
 * `until`), `until` is when the collection started and becomes the next watermark once the digest is posted. So
 * consecutive windows of a subscription touch without overlapping, and every incident is "new" in exactly the
 * digest whose window holds its creation time.
 */
import type { DigestKind, Subscription } from '../store/subscriptions';

/** The period a digest covers. */
export interface DigestWindow {
  since: Date;
  until: Date;
  /** No digest was posted for the subscription yet: the window is the last full period. */
  first: boolean;
}

const DAY_MS = 86_400_000;

/** The start of the first digest's period: 24 hours, 7 days or one calendar month before `until`. */
export function firstPeriodStart(kind: DigestKind, until: Date): Date {
  if (kind === 'daily') return new Date(until.getTime() - DAY_MS);
  if (kind === 'weekly') return new Date(until.getTime() - 7 * DAY_MS);
  const d = new Date(until);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, daysInMonth));
  return d;
}

/** The window of a subscription's next digest: since its watermark, or the last period for a first digest. */
export function digestWindow(kind: DigestKind, watermark: string | undefined, until: Date): DigestWindow {
  const since = watermark ? new Date(watermark) : undefined;
  if (since && !Number.isNaN(since.getTime()) && since < until) return { since, until, first: false };
  if (since && !Number.isNaN(since.getTime())) return { since: until, until, first: false };
  return { since: firstPeriodStart(kind, until), until, first: true };
}

/** Subscriptions of one fire that share a window. */
export interface WindowGroup {
  window: DigestWindow;
  subscriptions: Subscription[];
}

/**
 * Groups the subscriptions of a fire by window (by watermark), oldest window first. A fire of 1,000 conversations
 * posted together has one group; the collection is done once for all groups.
 */
export function groupByWatermark(kind: DigestKind, subscriptions: readonly Subscription[], until: Date): WindowGroup[] {
  const groups = new Map<string, WindowGroup>();
  for (const subscription of subscriptions) {
    const window = digestWindow(kind, subscription.watermark, until);
    const key = `${window.since.toISOString()}|${window.first}`;
    const group = groups.get(key);
    if (group) group.subscriptions.push(subscription);
    else groups.set(key, { window, subscriptions: [subscription] });
  }
  return [...groups.values()].sort((a, b) => a.window.since.getTime() - b.window.since.getTime());
}

/** The earliest `since` of several windows of one fire: the one collection covers them all. */
export function widestWindow(windows: readonly DigestWindow[]): DigestWindow {
  if (windows.length === 0) throw new Error('a digest collection needs at least one window');
  return windows.reduce((widest, w) => (w.since < widest.since ? w : widest));
}

/** True when `at` (epoch ms) falls in the window. */
export function inWindow(at: number, window: DigestWindow): boolean {
  return at >= window.since.getTime() && at < window.until.getTime();
}

/** An incident's times, as the digest judges it. */
export interface IncidentTimes {
  /** Epoch ms of `createdDateTime`. */
  createdAt: number;
  /** Epoch ms of `lastUpdateDateTime` (the creation time when the API gives none). */
  updatedAt: number;
}

/**
 * Whether an incident belongs in a window's digest, and how: `new` when it was created in the window, `updated`
 * when it was created before and changed since; `undefined` when it is not in this digest (unchanged since the
 * window started, or created after the window closed — it is new in the next one).
 */
export function incidentChange(incident: IncidentTimes, window: DigestWindow): 'new' | 'updated' | undefined {
  const since = window.since.getTime();
  if (incident.createdAt >= window.until.getTime()) return undefined;
  if (incident.createdAt >= since) return 'new';
  return Math.max(incident.updatedAt, incident.createdAt) >= since ? 'updated' : undefined;
}

/** Epoch ms of an ISO date; `fallback` when missing or invalid. */
export function timeOf(iso: string | undefined | null, fallback = Number.NaN): number {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? fallback : ms;
}

/** Whole days a window spans, rounded up (at least 1). */
export function windowDays(window: DigestWindow): number {
  return Math.max(1, Math.ceil((window.until.getTime() - window.since.getTime()) / DAY_MS));
}
