/**
 * One collection of Defender data for a digest fire: every section in parallel, each with the fewest calls its API
 * allows (server-side filters, the largest pages, never a call per device), large lists streamed page by page and
 * reduced on the way to what the cards need. One collection serves every window of the fire: it reads from the
 * earliest `since` and each window keeps its own part.
 */
import type { DigestKind } from '../cards';
import type { RequestStats } from '../defender/middleware';
import type { Services } from '../services';
import { collectDaily } from './daily';
import { collectMonthly } from './monthly';
import type { CollectSource, DigestView, ViewOf } from './sources';
import { collectWeekly } from './weekly';
import { widestWindow, type DigestWindow } from './window';

export type { DigestView } from './sources';

/** The data of one fire, for every window of it. */
export interface DigestCollection {
  kind: DigestKind;
  /** Defender and Graph requests the collection made (retries included). */
  requests: RequestStats & { total: number };
  /** The digest of one window (a window of the fire, or any narrower one inside the collected range). */
  view(window: DigestWindow, options?: { onDemand?: boolean }): DigestView;
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
  };
  const before = services.defender.stats();
  const started = Date.now();
  const viewOf: ViewOf =
    kind === 'daily'
      ? await collectDaily(source, widest)
      : kind === 'weekly'
        ? await collectWeekly(source)
        : await collectMonthly(source, widest);
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
    view: (window, options = {}) =>
      viewOf(window, {
        since: window.since.toISOString(),
        until: window.until.toISOString(),
        ...(window.first ? { first: true } : {}),
        ...(options.onDemand ? { onDemand: true } : {}),
      }),
  };
}
