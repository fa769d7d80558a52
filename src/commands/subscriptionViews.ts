/**
 * A conversation's subscriptions as the welcome and help cards show them.
 */
import type { SubscriptionView } from '../cards';
import { describeCron, nextRuns, subscriptionCron } from '../digest/schedule';
import type { Services } from '../services';
import { DIGEST_KINDS } from '../store/subscriptions';

/** The three digests, subscribed or not, with schedule and next run. */
export async function subscriptionViews(services: Services, conversationId: string): Promise<SubscriptionView[]> {
  const subscriptions = await services.stores.subscriptions.forConversation(conversationId);
  const timeZone = services.config.digest.timezone;
  return DIGEST_KINDS.map((kind) => {
    const subscription = subscriptions.find((s) => s.kind === kind);
    const cron = subscriptionCron(services.config, subscription ?? { kind });
    return {
      kind,
      subscribed: !!subscription,
      cron,
      schedule: describeCron(cron),
      timeZone,
      nextRun: subscription ? nextRuns(cron, timeZone, 1)[0]?.toISOString() : undefined,
    };
  });
}
