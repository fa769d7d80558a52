/**
 * One fire of a digest schedule: the subscriptions due at that slot, one collection for all of them, one card per
 * window, and an exactly-once post to each conversation.
 */
import { cardContext, type Services } from '../services';
import { coveredThrough, type Subscription } from '../store/subscriptions';
import { collectDigest } from './collect';
import { digestCard } from './compose';
import { postOnce, type PostOutcome } from './post';
import { subscriptionCron, type Fire } from './schedule';
import type { DigestView } from './sources';
import { groupByWatermark, seenAfter } from './window';

/** Conversations posted to at once; the messenger keeps within the Teams rate limits on its own. */
export const POST_CONCURRENCY = 25;

/** How a fire ended: `done` (every due subscription settled) or `retry` (some are left for a later run). */
export interface FireResult {
  outcome: 'done' | 'retry';
  due: number;
  posts: Partial<Record<PostOutcome | 'stopped', number>>;
}

/** Options of `runFire`. */
export interface FireOptions {
  reason: 'scheduled' | 'catch-up';
  /** Lease of the post claims. */
  leaseMs: number;
  /** True once the process is shutting down: no new post starts. */
  stopping(): boolean;
}

/**
 * The subscriptions a fire posts to: of its kind and cron, created by the slot, and whose last digest does not
 * cover the slot yet (a digest covers every slot up to the end of its window, so a catch-up digest posted just
 * after a slot also stands for that slot).
 */
export function dueSubscriptions(
  services: Services,
  fire: Fire,
  subscriptions: readonly Subscription[],
): Subscription[] {
  const slot = fire.slot.toISOString();
  return subscriptions.filter(
    (s) =>
      s.kind === fire.kind &&
      subscriptionCron(services.config, s) === fire.cron &&
      (coveredThrough(s) ?? '') < slot &&
      s.createdAt <= slot,
  );
}

/** Runs one fire (its claim is already held by this instance). */
export async function runFire(services: Services, fire: Fire, options: FireOptions): Promise<FireResult> {
  const log = services.log.child({ digest: fire.kind, slot: fire.slot.toISOString(), reason: options.reason });
  if (options.stopping()) return { outcome: 'retry', due: 0, posts: {} };
  const due = dueSubscriptions(services, fire, await services.stores.subscriptions.list());
  const result: FireResult = { outcome: 'done', due: due.length, posts: {} };
  if (due.length === 0) return result;
  const count = (outcome: PostOutcome | 'stopped', n = 1) => (result.posts[outcome] = (result.posts[outcome] ?? 0) + n);

  const groups = groupByWatermark(fire.kind, due, services.now());
  const collection = await collectDigest(
    services,
    fire.kind,
    groups.map((g) => g.window),
    { reason: options.reason, slot: fire.slot.toISOString(), subscriptions: due.length },
  );
  for (const group of groups) {
    let card;
    let view: DigestView;
    try {
      view = collection.view(group.window);
      card = digestCard(cardContext(services), view);
    } catch (error) {
      log.error({ err: error, since: group.window.since.toISOString() }, 'could not build the digest card');
      count('failed', group.subscriptions.length);
      continue;
    }
    const digest = {
      window: group.window,
      card,
      seen: fire.kind === 'daily' ? seenAfter(group.window, collection.sighting) : undefined,
      contents: contentsOf(view),
    };
    await forEachLimited(group.subscriptions, POST_CONCURRENCY, async (subscription) => {
      if (options.stopping()) return void count('stopped');
      try {
        count(await postOnce(services, subscription, fire, digest, options.leaseMs));
      } catch (error) {
        log.error({ err: error, conversationId: subscription.conversationId }, 'digest post failed');
        count('failed');
      }
    });
  }
  const unsettled =
    (result.posts.failed ?? 0) + (result.posts.held ?? 0) + (result.posts.stale ?? 0) + (result.posts.stopped ?? 0);
  result.outcome = unsettled > 0 ? 'retry' : 'done';
  log.info(
    { due: result.due, posts: result.posts, requests: collection.requests },
    `${fire.kind} digest fire finished`,
  );
  return result;
}

/**
 * What a digest reports, for the log: the incidents listed as new and as updated (`id@lastUpdateDateTime`) and the
 * new alerts counted (ids), each list one space-separated text (a log line keeps at most 100 array items, and one
 * search for an id finds the digest that reported it); `undefined` for a digest without those lists.
 */
export function contentsOf(digest: DigestView): Record<string, string> | undefined {
  if (digest.kind !== 'daily') return undefined;
  const { incidents, newAlerts } = digest.view;
  const listed = (change: 'new' | 'updated') =>
    Array.isArray(incidents)
      ? incidents
          .filter((i) => i.change === change)
          .map((i) => `${i.id}@${i.updatedAt ?? i.createdAt}`)
          .join(' ')
      : 'unavailable';
  return {
    newIncidents: listed('new'),
    updatedIncidents: listed('updated'),
    newAlerts: Array.isArray(newAlerts) ? newAlerts.map((a) => a.id).join(' ') : 'unavailable',
  };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
