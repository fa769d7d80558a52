/**
 * One collection of Defender data for a digest fire: every section in parallel, each with the fewest calls its API
 * allows (server-side filters, the largest pages, never a call per device), large lists streamed page by page and
 * reduced on the way to what the cards need. One collection serves every window of the fire: it reads from the
 * earliest `since` (or the earliest late-arrival floor) and each window keeps its own part.
 *
 * A scheduled daily collection also stores its sighting (what it saw of incidents and alerts that may still arrive
 * late), which the next digest of every subscription posted from it compares with.
 */
import { randomUUID } from 'node:crypto';
import type { DigestKind } from '../cards';
import type { RequestStats } from '../defender/middleware';
import type { Services } from '../services';
import type { Sighting } from '../store/sightings';
import { collectDaily } from './daily';
import { collectMonthly } from './monthly';
import type { Collected, CollectSource, DigestView } from './sources';
import { collectWeekly } from './weekly';
import { sightingOf, widestWindow, type DigestWindow } from './window';

export type { DigestView } from './sources';

/** The data of one fire, for every window of it. */
export interface DigestCollection {
  kind: DigestKind;
  /** Defender and Graph requests the collection made (retries included). */
  requests: RequestStats & { total: number };
  /** The digest of one window (a window of the fire, or any narrower one inside the collected range). */
  view(window: DigestWindow, options?: { onDemand?: boolean }): DigestView;
  /** The stored sighting of a scheduled daily collection (a part is absent when that list was not read whole). */
  sighting?: Pick<Sighting, 'id' | 'incidents' | 'alerts'>;
}

/** Why a collection runs, for the log. */
export interface CollectReason {
  reason: 'scheduled' | 'catch-up' | 'command';
  slot?: string;
  subscriptions?: number;
}

const locks = new WeakMap<Services, Promise<unknown>>();

/**
 * Collects the data of a digest for the given windows (all ending at the same `until`) and logs the number of
 * Defender requests it took. Collections of one process run one at a time: their request counts stay exact and
 * the API quotas (100 calls a minute) are not shared by two large digests at once.
 */
export async function collectDigest(
  services: Services,
  kind: DigestKind,
  windows: readonly DigestWindow[],
  why: CollectReason,
): Promise<DigestCollection> {
  const previous = locks.get(services) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => collectNow(services, kind, windows, why));
  locks.set(services, run);
  return run;
}

async function collectNow(
  services: Services,
  kind: DigestKind,
  windows: readonly DigestWindow[],
  why: CollectReason,
): Promise<DigestCollection> {
  const widest = widestWindow(windows);
  const log = services.log.child({ digest: kind });
  const source: CollectSource = {
    defender: services.defender,
    snapshots: services.stores.snapshots,
    log,
    now: services.now(),
    sightings: kind === 'daily' ? await readSightings(services, windows) : new Map(),
  };
  const before = services.defender.stats();
  const started = Date.now();
  const collected: Collected =
    kind === 'daily'
      ? await collectDaily(source, windows)
      : kind === 'weekly'
        ? await collectWeekly(source)
        : await collectMonthly(source, widest);
  const sighting =
    kind === 'daily' && why.reason !== 'command' ? await saveSighting(services, widest.until, collected) : undefined;
  const after = services.defender.stats();
  const requests = {
    graph: after.graph - before.graph,
    defender: after.defender - before.defender,
    total: after.graph - before.graph + (after.defender - before.defender),
  };
  log.info(
    {
      ...why,
      windows: windows.length,
      since: widest.since.toISOString(),
      until: widest.until.toISOString(),
      requests,
      durationMs: Date.now() - started,
    },
    `${kind} digest collected with ${requests.total} Defender requests`,
  );
  return {
    kind,
    requests,
    ...(sighting ? { sighting } : {}),
    view: (window, options = {}) =>
      collected.viewOf(window, {
        since: window.since.toISOString(),
        until: window.until.toISOString(),
        ...(window.first ? { first: true } : {}),
        ...(options.onDemand ? { onDemand: true } : {}),
      }),
  };
}

/** The sightings the windows refer to; one that cannot be read is left out (its windows fall back, logged). */
async function readSightings(services: Services, windows: readonly DigestWindow[]): Promise<Map<string, Sighting>> {
  const ids = new Set<string>();
  for (const w of windows) {
    for (const ref of [w.seen?.incidents, w.seen?.alerts]) if (ref && 'sighting' in ref) ids.add(ref.sighting);
  }
  const found = new Map<string, Sighting>();
  for (const id of ids) {
    const sighting = await services.stores.sightings.get(id).catch((err: unknown) => {
      services.log.warn({ err, sighting: id }, 'could not read a digest sighting');
      return undefined;
    });
    if (sighting) found.set(id, sighting);
    else services.log.warn({ sighting: id }, 'digest sighting missing: its subscriptions compare from their watermark');
  }
  return found;
}

/**
 * Stores what a scheduled daily collection saw. A store that refuses fails the collection (and the fire is retried):
 * a digest that could not remember what it listed would list it again.
 */
async function saveSighting(
  services: Services,
  until: Date,
  collected: Collected,
): Promise<Pick<Sighting, 'id' | 'incidents' | 'alerts'> | undefined> {
  const { incidents, alerts } = collected.observed ?? {};
  if (!incidents && !alerts) return undefined;
  const id = `daily-${until.toISOString()}-${randomUUID().slice(0, 8)}`;
  const lateMs = services.config.digest.lateArrivalHours * 3_600_000;
  const sighting = sightingOf(id, until, lateMs, incidents, alerts);
  await services.stores.sightings.save(sighting);
  return sighting;
}
