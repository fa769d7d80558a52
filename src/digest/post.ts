/**
 * Posting one subscription's digest exactly once, across restarts, instances and fires.
 *
 * The post is claimed per window start (`post|<conversation>|<kind>|<subscribed at>|<watermark>`) before it is
 * sent, and the claim is completed only after the subscription's watermark moved: a crash before the post lets
 * another instance (or the next start) post it, a finished post is never sent again, and two fires that would post
 * the same window (a catch-up and the scheduled one, started together after a restart) post it once. The claim
 * also records "posted" as soon as Teams answered: an instance that dies between the post and the watermark leaves
 * enough behind for the next one to only move the watermark. The one window left is a crash during the send
 * itself, which can post twice (never zero times).
 */
import type { AdaptiveCard } from '../cards';
import { ConversationGoneError } from '../messenger';
import type { Services } from '../services';
import { coveredThrough, type SeenState, type Subscription } from '../store/subscriptions';
import type { Fire } from './schedule';
import type { DigestWindow } from './window';

/** What became of one subscription's post. */
export type PostOutcome =
  /** Posted now, watermark moved. */
  | 'posted'
  /** Already posted for this window or slot (by this or another instance), or a later digest covers the slot. */
  | 'alreadyPosted'
  /** Another instance is posting it right now. */
  | 'held'
  /** The subscription changed since the fire read it (unsubscribed, or its watermark moved): not posted. */
  | 'stale'
  /** Teams says the bot is gone from the conversation: its subscriptions were removed. */
  | 'gone'
  /**
   * Not posted on purpose: the conversation has members of another organisation and `ALLOW_EXTERNAL_MEMBERS` is off.
   * The slot is done, the watermark stays: the next digest posted there covers this period too.
   */
  | 'withheld'
  /** The post or the store failed; the watermark did not move, so the next digest lists the same items again. */
  | 'failed';

/**
 * What the post claim records. Once posted, also the window's end and what it reported: an instance that finishes
 * a post another one made records what that post showed, not what a later collection saw.
 */
interface PostClaimData {
  phase: 'posting' | 'posted';
  activityId?: string;
  until?: string;
  seen?: SeenState;
}

/** The claim key of one subscription's post of the window that starts at its watermark. */
export function postKey(
  subscription: Pick<Subscription, 'conversationId' | 'kind' | 'createdAt' | 'watermark'>,
): string {
  const { conversationId, kind, createdAt, watermark } = subscription;
  return `post|${conversationId}|${kind}|${createdAt}|${watermark ?? 'first'}`;
}

/** One digest of a fire, ready to post to the subscriptions of its window. */
export interface ReadyDigest {
  window: DigestWindow;
  card: AdaptiveCard;
  /** What the subscriptions report after posting it (daily digests: their late-arrival baseline). */
  seen?: SeenState;
  /** What it lists, for the log (`fire.ts` `contentsOf`). */
  contents?: Record<string, string>;
}

/**
 * Posts the digest to the subscription's conversation unless its window was already posted, then moves its
 * watermark to the end of the window. `subscription` is the version the fire grouped; a changed watermark means the
 * window is no longer right, and the post is left to a later fire (or is no longer due).
 */
export async function postOnce(
  services: Services,
  subscription: Subscription,
  fire: Fire,
  digest: ReadyDigest,
  leaseMs: number,
): Promise<PostOutcome> {
  const { stores, messenger, instanceId: owner } = services;
  const { window, card } = digest;
  const slot = fire.slot.toISOString();
  const log = services.log.child({ digest: fire.kind, conversationId: subscription.conversationId, slot });
  const current = await stores.subscriptions.get(subscription.conversationId, subscription.kind);
  if (!current) return 'stale';
  if ((coveredThrough(current) ?? '') >= slot) return 'alreadyPosted';
  if (current.watermark !== subscription.watermark || current.createdAt !== subscription.createdAt) return 'stale';

  const key = postKey(subscription);
  const previous = await stores.fires.get<PostClaimData>(key);
  if (previous?.doneAt) return 'alreadyPosted';
  const claim = await stores.fires.claim<PostClaimData>(key, owner, leaseMs, services.now(), { phase: 'posting' });
  if (!claim.won) return 'held';

  let posted: PostClaimData | undefined = previous?.data?.phase === 'posted' ? previous.data : undefined;
  try {
    if (posted) {
      log.warn({ activityId: posted.activityId }, 'digest was posted by an instance that stopped before recording it');
    } else {
      const withheld = await withholdForAudience(services, subscription, window, slot);
      if (withheld) {
        // The window is not posted: its claim is given back, so the digest that does post it can take it.
        await stores.fires.release(key, owner);
        log.info({ reason: withheld }, `${fire.kind} digest withheld`);
        return 'withheld';
      }
      const activityId = await messenger.post(subscription.conversationId, card);
      posted = {
        phase: 'posted',
        activityId,
        until: window.until.toISOString(),
        ...(digest.seen && { seen: digest.seen }),
      };
      await stores.fires.claim<PostClaimData>(key, owner, leaseMs, services.now(), posted);
    }
    const seen = posted.until ? posted.seen : digest.seen;
    await stores.subscriptions.markPosted(subscription.conversationId, subscription.kind, {
      watermark: posted.until ?? window.until.toISOString(),
      ...(seen ? { seen } : {}),
      slot,
      activityId: posted.activityId,
      at: services.now().toISOString(),
    });
    await stores.fires.complete(key, owner, services.now());
    const since = window.since.toISOString();
    const until = window.until.toISOString();
    log.info(
      { activityId: posted.activityId, since, until, ...countsOf(digest.contents) },
      `${fire.kind} digest posted`,
    );
    if (digest.contents) log.debug({ since, ...digest.contents }, `${fire.kind} digest contents`);
    return 'posted';
  } catch (error) {
    if (error instanceof ConversationGoneError) {
      await stores.subscriptions.removeConversation(subscription.conversationId);
      await stores.fires.complete(key, owner, services.now());
      log.warn(
        { status: error.status },
        'the bot is no longer in the conversation: its digest subscriptions were removed',
      );
      return 'gone';
    }
    log.error({ err: error }, `${fire.kind} digest not posted; the next one lists the same items`);
    await settleFailedClaim(services, key, posted).catch((err: unknown) =>
      log.warn({ err }, 'could not give up the post claim; it frees itself when its lease runs out'),
    );
    return 'failed';
  }
}

/** The sizes of a digest's lists, for the info log line. */
function countsOf(contents: Record<string, string> | undefined): Record<string, unknown> {
  if (!contents) return {};
  const counts: Record<string, number | string> = {};
  for (const [name, value] of Object.entries(contents)) {
    counts[name] = value === 'unavailable' ? value : value === '' ? 0 : value.split(' ').length;
  }
  return { listed: counts };
}

/** After a failure: a post that reached Teams stays recorded (expired, so it is finished later without a repost). */
async function settleFailedClaim(services: Services, key: string, posted?: PostClaimData): Promise<void> {
  const { fires } = services.stores;
  if (posted) await fires.claim(key, services.instanceId, 0, services.now(), posted);
  else await fires.release(key, services.instanceId);
}

/**
 * When the conversation has members of another organisation (and `ALLOW_EXTERNAL_MEMBERS` is off): records the slot
 * as withheld without moving the watermark past this window's start, audits it, and returns why. Undefined when the
 * digest may be posted.
 */
async function withholdForAudience(
  services: Services,
  subscription: Subscription,
  window: DigestWindow,
  slot: string,
): Promise<string | undefined> {
  const { stores } = services;
  const conversation = await stores.conversations.get(subscription.conversationId);
  if (!conversation) return undefined;
  const verdict = await services.members.digestVerdict(conversation);
  if (verdict.post) return undefined;
  const at = services.now().toISOString();
  // A first digest withheld still fixes where the next one starts: its period is not lost either.
  const since = window.since.toISOString();
  await stores.subscriptions.markWithheld(subscription.conversationId, subscription.kind, { slot, at, since });
  await stores.audit.record({
    at,
    userId: 'system',
    userName: 'Watchstander',
    action: `digest ${subscription.kind}`,
    outcome: 'withheld',
    detail: `${verdict.reason} Nothing is lost: the next digest posted here covers this period.`.slice(0, 500),
    conversationId: subscription.conversationId,
  });
  return verdict.reason;
}
