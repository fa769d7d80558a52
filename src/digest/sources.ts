/**
 * What the three digest collectors share: where they read from, what they return (the digest of any window of
 * the fire), and the digest data tagged with its kind.
 */
import type { DailyDigestView, DigestPeriod, MonthlyDigestView, Section, WeeklyDigestView } from '../cards';
import { isUnavailable } from '../cards';
import type { DefenderApi } from '../defender/api';
import type { Logger } from '../log';
import type { ScoreSnapshots } from '../store/snapshots';
import type { DigestWindow, ObservedAlert, ObservedIncident, SightingsById } from './window';

/** A digest's data for one window, tagged with its kind. */
export type DigestView =
  | { kind: 'daily'; view: DailyDigestView }
  | { kind: 'weekly'; view: WeeklyDigestView }
  | { kind: 'monthly'; view: MonthlyDigestView };

/** What a collector reads from. */
export interface CollectSource {
  defender: DefenderApi;
  snapshots: ScoreSnapshots;
  log: Logger;
  /** When the collection started (the score snapshots are taken at this time). */
  now: Date;
  /** The sightings the fire's windows refer to (what earlier digests saw of late-arriving items). */
  sightings: SightingsById;
}

/** A finished collection: the digest of any window inside the collected range. */
export type ViewOf = (window: DigestWindow, period: DigestPeriod) => DigestView;

/** What a collector returns: the digest of each window, and the items that may still arrive late, as read. */
export interface Collected {
  viewOf: ViewOf;
  /** Incidents and alerts read (a list is absent when it could not be read whole). */
  observed?: { incidents?: readonly ObservedIncident[]; alerts?: readonly ObservedAlert[] };
}

/** Transforms a section's data, keeping an unavailable section as it is. */
export function mapSection<T, U>(data: Section<T>, transform: (data: T) => U): Section<U> {
  return isUnavailable(data) ? data : transform(data);
}
