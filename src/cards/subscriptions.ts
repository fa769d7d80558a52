/**
 * How the welcome and help cards describe a conversation's digest subscriptions.
 */
import { fact, factSet, type FactSet } from './elements';
import { formatTime } from './format';
import { escapeText } from './text';
import type { DigestKind, SubscriptionView } from './views';

/** Digest kinds in the order cards list them. */
export const DIGEST_KINDS: readonly DigestKind[] = ['daily', 'weekly', 'monthly'];

const DIGEST_NAMES: Record<DigestKind, string> = {
  daily: 'Daily digest',
  weekly: 'Weekly digest',
  monthly: 'Monthly digest',
};

/** "Daily digest", "Weekly digest", "Monthly digest". */
export function digestName(kind: DigestKind): string {
  return DIGEST_NAMES[kind];
}

/** One subscription in words: schedule, cron and time zone, next run — or "not subscribed". */
export function describeSubscription(subscription: SubscriptionView | undefined): string {
  if (!subscription?.subscribed) return 'not subscribed';
  const cron = `${escapeText(subscription.cron, 60)}, ${escapeText(subscription.timeZone, 60)}`;
  const schedule = subscription.schedule ? `${escapeText(subscription.schedule, 80)} (${cron})` : cron;
  const { nextRun, timeZone } = subscription;
  const next = nextRun ? ` · next: ${formatTime(nextRun, { timeZone })}` : '';
  return `${schedule}${next}`;
}

/** A FactSet with one line per digest kind. */
export function subscriptionFacts(subscriptions: readonly SubscriptionView[]): FactSet {
  return factSet(
    DIGEST_KINDS.map((kind) =>
      fact(digestName(kind), describeSubscription(subscriptions.find((s) => s.kind === kind))),
    ),
  );
}
