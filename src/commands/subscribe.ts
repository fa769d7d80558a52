/**
 * `subscribe` / `unsubscribe daily|weekly|monthly [at HH:MM]`: changes this conversation's digests.
 */
import { noticeCard } from '../cards';
import { describeCron, nextRuns, subscriptionCron } from '../digest/schedule';
import { cardContext, type Services } from '../services';
import type { DigestKind } from '../store/subscriptions';
import type { CommandRequest, Reply } from './types';

/** Something that must learn about subscription changes (the scheduler). */
export interface SubscriptionListener {
  subscriptionsChanged(): Promise<void> | void;
}

/** Subscribes this conversation to a digest, or changes its time. */
export async function subscribe(
  services: Services,
  request: CommandRequest,
  kind: DigestKind,
  at: string | undefined,
  listener: SubscriptionListener,
): Promise<Reply> {
  await services.stores.conversations.save(request.conversation);
  const subscription = await services.stores.subscriptions.subscribe(request.conversation.id, kind, at, services.now());
  await listener.subscriptionsChanged();
  const cron = subscriptionCron(services.config, subscription);
  const timeZone = services.config.digest.timezone;
  const next = nextRuns(cron, timeZone, 1)[0];
  const text =
    `This conversation gets the ${kind} digest ${describeCron(cron)} (${timeZone})` +
    (next ? `; the next one comes ${next.toISOString().replace('T', ' ').slice(0, 16)} UTC.` : '.');
  // Asked to post where people of other organisations would read it: said now, not only when a digest is withheld.
  const verdict = await services.members.digestVerdict(request.conversation).catch(() => undefined);
  const withheld = verdict && !verdict.post ? ` But ${lowerFirst(verdict.reason)}` : '';
  return {
    cards: [
      noticeCard(cardContext(services), {
        tone: withheld ? 'warning' : 'success',
        title: `Subscribed: ${kind} digest`,
        text: text + withheld,
      }),
    ],
  };
}

/** Unsubscribes this conversation from a digest. */
export async function unsubscribe(
  services: Services,
  request: CommandRequest,
  kind: DigestKind,
  listener: SubscriptionListener,
): Promise<Reply> {
  const existed = await services.stores.subscriptions.unsubscribe(request.conversation.id, kind);
  await listener.subscriptionsChanged();
  const text = existed
    ? `This conversation no longer gets the ${kind} digest. "subscribe ${kind}" brings it back.`
    : `This conversation was not subscribed to the ${kind} digest.`;
  return { cards: [noticeCard(cardContext(services), { tone: 'info', title: `Unsubscribed: ${kind} digest`, text })] };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
