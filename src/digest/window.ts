/**
 * What a digest covers and what it lists: its window (since → until), one window per watermark and baseline among
 * the subscriptions of a fire, and which incidents and alerts a digest lists as new or updated — the pure rules
 * behind "nothing missed, nothing listed twice".
 *
 * A window is [since, until): `since` is the subscription's watermark (or, for its first digest, one period before
 * `until`), `until` is when the collection started and becomes the next watermark once the digest is posted.
 *
 * Incidents and alerts are not judged by their creation time alone: Microsoft's APIs show them minutes to hours
 * after `createdDateTime` (defender-api.md §11.1). A digest compares what it sees now with what the collection of
 * the subscription's previous digest saw (its `Sighting`): an item that collection could have seen (created within
 * the late-arrival window before it) but did not is new now, whenever it was created; an item it saw is listed again
 * only when its `lastUpdateDateTime` moved. Before any such sighting (a first digest, or a digest whose incident list
 * could not be read), everything created since a time is new and everything changed since then is updated.
 */
import type { Sighting } from '../store/sightings';
import type { DigestKind, SeenRef, SeenState, Subscription } from '../store/subscriptions';

/** The period a digest covers. */
export interface DigestWindow {
  since: Date;
  until: Date;
  /** No digest was posted for the subscription yet: the window is the last full period. */
  first: boolean;
  /** What the subscription's posted digests reported of late-arriving items; absent before the first one. */
  seen?: SeenState;
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
export function digestWindow(
  kind: DigestKind,
  watermark: string | undefined,
  until: Date,
  seen?: SeenState,
): DigestWindow {
  const since = watermark ? new Date(watermark) : undefined;
  const reported = seen ? { seen } : {};
  if (since && !Number.isNaN(since.getTime()) && since < until) return { since, until, first: false, ...reported };
  if (since && !Number.isNaN(since.getTime())) return { since: until, until, first: false, ...reported };
  return { since: firstPeriodStart(kind, until), until, first: true };
}

/** Subscriptions of one fire that share a window and a baseline. */
export interface WindowGroup {
  window: DigestWindow;
  subscriptions: Subscription[];
}

/**
 * Groups the subscriptions of a fire by window (watermark and what they reported), oldest window first. A fire of
 * 1,000 conversations posted together has one group; the collection is done once for all groups.
 */
export function groupByWatermark(kind: DigestKind, subscriptions: readonly Subscription[], until: Date): WindowGroup[] {
  const groups = new Map<string, WindowGroup>();
  for (const subscription of subscriptions) {
    const window = digestWindow(kind, subscription.watermark, until, subscription.seen);
    const key = `${window.since.toISOString()}|${window.first}|${JSON.stringify(window.seen ?? {})}`;
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

// ---- late arrivals ----------------------------------------------------------------------------------------------

/** What a digest compares an incident list with: a sighting, or "everything since" (epoch ms). */
export type IncidentBaseline = { since: number } | { floor: number; seen: ReadonlyMap<string, number> };
/** What a digest compares an alert list with. */
export type AlertBaseline = { since: number } | { floor: number; seen: ReadonlySet<string> };

/** An incident as a digest judges it. Times are epoch ms. */
export interface ObservedIncident {
  id: string;
  createdAt: number;
  /** `lastUpdateDateTime` (the creation time when the API gives none). */
  updatedAt: number;
  /** `status: redirected`: merged into another incident, which is listed instead. */
  redirected: boolean;
}

/** An alert as a digest counts it. */
export interface ObservedAlert {
  id: string;
  createdAt: number;
}

/** The sightings a fire's windows refer to, by id (those that could not be read are absent). */
export type SightingsById = ReadonlyMap<string, Sighting>;

/**
 * The incident baseline of a window: the sighting its subscription's last digest came from, or "since" (the
 * window's start for a first digest, the stored time after a digest that could not read the list).
 */
export function incidentBaseline(window: DigestWindow, sightings: SightingsById): IncidentBaseline {
  const ref = window.seen?.incidents;
  const sighting = ref && 'sighting' in ref ? sightings.get(ref.sighting)?.incidents : undefined;
  if (ref && 'sighting' in ref && sighting) return { floor: sightings.get(ref.sighting)!.floor, seen: sighting };
  return { since: sinceOf(ref, window) };
}

/** The alert baseline of a window (as `incidentBaseline`). */
export function alertBaseline(window: DigestWindow, sightings: SightingsById): AlertBaseline {
  const ref = window.seen?.alerts;
  const sighting = ref && 'sighting' in ref ? sightings.get(ref.sighting)?.alerts : undefined;
  if (ref && 'sighting' in ref && sighting) return { floor: sightings.get(ref.sighting)!.floor, seen: sighting };
  return { since: sinceOf(ref, window) };
}

function sinceOf(ref: SeenRef | undefined, window: DigestWindow): number {
  // A sighting that is gone (pruned, or lost) leaves the window's own start: nothing is listed twice, and only
  // what arrived later than the late-arrival window could be missed.
  return ref && 'since' in ref ? Date.parse(ref.since) : window.since.getTime();
}

/** The earliest time a read must cover for a baseline (creation or change at or after it). */
export function baselineFloor(baseline: IncidentBaseline | AlertBaseline): number {
  return 'since' in baseline ? baseline.since : baseline.floor;
}

/**
 * Whether an incident belongs in a digest, and how. Against a sighting: `new` when that collection could have seen
 * it (created at or after its floor) and did not; `updated` when it saw it and its `lastUpdateDateTime` moved since,
 * or when it is older and changed at or after the floor. Against "since": `new` when created since, `updated` when
 * created before and changed since. A redirected (merged) incident is never listed: the incident it was merged into
 * is, as updated.
 */
export function incidentChange(incident: ObservedIncident, baseline: IncidentBaseline): 'new' | 'updated' | undefined {
  if (incident.redirected) return undefined;
  const updatedAt = Math.max(incident.updatedAt, incident.createdAt);
  if ('since' in baseline) {
    if (incident.createdAt >= baseline.since) return 'new';
    return updatedAt >= baseline.since ? 'updated' : undefined;
  }
  const seenAt = baseline.seen.get(incident.id);
  if (seenAt === undefined) {
    if (incident.createdAt >= baseline.floor) return 'new';
    return updatedAt >= baseline.floor ? 'updated' : undefined;
  }
  return updatedAt > seenAt ? 'updated' : undefined;
}

/** Whether an alert is counted as new in a digest (the same rule as incidents, without updates). */
export function alertIsNew(alert: ObservedAlert, baseline: AlertBaseline): boolean {
  if ('since' in baseline) return alert.createdAt >= baseline.since;
  return alert.createdAt >= baseline.floor && !baseline.seen.has(alert.id);
}

/**
 * What a collection that started at `until` saw of the items that may still arrive late: those created or changed
 * within `lateMs` before it. `undefined` lists were not read whole and are left out (their digests keep comparing
 * with the previous sighting).
 */
export function sightingOf(
  id: string,
  until: Date,
  lateMs: number,
  incidents: readonly ObservedIncident[] | undefined,
  alerts: readonly ObservedAlert[] | undefined,
): Sighting {
  const floor = until.getTime() - lateMs;
  return {
    id,
    until: until.getTime(),
    floor,
    ...(incidents && {
      incidents: new Map(
        incidents
          .filter((i) => Math.max(i.createdAt, i.updatedAt) >= floor)
          .map((i) => [i.id, Math.max(i.createdAt, i.updatedAt)] as const),
      ),
    }),
    ...(alerts && { alerts: new Set(alerts.filter((a) => a.createdAt >= floor).map((a) => a.id)) }),
  };
}

/** What a subscription reports after a digest posted from a collection with `sighting` (parts read whole). */
export function seenAfter(
  window: DigestWindow,
  sighting: Pick<Sighting, 'id' | 'incidents' | 'alerts'> | undefined,
): SeenState {
  const keep = (part: 'incidents' | 'alerts'): SeenRef =>
    sighting?.[part] ? { sighting: sighting.id } : (window.seen?.[part] ?? { since: window.since.toISOString() });
  return { incidents: keep('incidents'), alerts: keep('alerts') };
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
