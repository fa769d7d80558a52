/**
 * Proactive posting, in-place card updates and roster reads through the Bot Framework connector, within the Teams
 * rate limits.
 */
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type ConversationReference } from 'botbuilder';
import type { AdaptiveCard } from '../cards';
import type { Logger } from '../log';
import { ConversationGoneError, type Messenger } from '../messenger';
import type { Roster, RosterMember } from '../members';
import type { ConversationRecord, Conversations } from '../store/conversations';
import { readRoster } from './roster';
import { SlidingWindowLimiter } from './rateLimiter';
import { RETRIABLE_TEAMS_STATUSES, teamsRetryDelayMs, teamsStatusOf } from './teamsRetry';

/**
 * Teams limits ("Optimize your bot with rate limiting", docs/service-behaviour.md §11): per bot per conversation
 * 7 sends per second, 8 per 2 s, 60 per 30 s and 1,800 per hour, all at once; 50 per second per app per tenant.
 */
export const TEAMS_LIMITS = {
  perConversation: [
    { max: 7, windowMs: 1000 },
    { max: 8, windowMs: 2000 },
    { max: 60, windowMs: 30_000 },
    { max: 1800, windowMs: 3_600_000 },
  ],
  perTenant: { max: 50, windowMs: 1000 },
};

/** Options of the proactive messenger. */
export interface ProactiveOptions {
  /** Attempts of one send on 412/429/502/504. */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt, with jitter. */
  baseDelayMs?: number;
}

/** Posts and updates cards in stored conversations, and reads their members. */
export class ProactiveMessenger implements Messenger, Roster {
  private readonly perConversation = new SlidingWindowLimiter(TEAMS_LIMITS.perConversation);
  private readonly perTenant = new SlidingWindowLimiter(TEAMS_LIMITS.perTenant);

  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    private readonly conversations: Conversations,
    private readonly log: Logger,
    private readonly options: ProactiveOptions = {},
  ) {}

  async post(conversationId: string, card: AdaptiveCard): Promise<string | undefined> {
    let id: string | undefined;
    await this.send(conversationId, 'post', async (reference) => {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        // A proactive send is otherwise a reply to the continuation activity (POST …/activities/{id}); a channel
        // post must start its own thread.
        context.onSendActivities(async (_context, activities, next) => {
          for (const activity of activities) delete activity.replyToId;
          return next();
        });
        const response = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
        id = response?.id;
      });
    });
    return id;
  }

  async update(conversationId: string, activityId: string, card: AdaptiveCard): Promise<void> {
    await this.send(conversationId, 'update', async (reference) => {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
        activity.id = activityId;
        await context.updateActivity(activity);
      });
    });
  }

  /**
   * The members of a conversation, read from Teams within the same limits and retries as sends (a roster read counts
   * toward the app's requests per tenant like a send does).
   */
  async members(conversation: ConversationRecord): Promise<RosterMember[]> {
    let members: RosterMember[] = [];
    await this.withinLimits(conversation, 'roster read', async (reference) => {
      members = await readRoster(this.adapter, this.botAppId, reference);
    });
    return members;
  }

  private async send(
    conversationId: string,
    what: string,
    attempt: (reference: Partial<ConversationReference>) => Promise<void>,
  ): Promise<void> {
    const conversation = await this.conversations.get(conversationId);
    if (!conversation) throw new ConversationGoneError(conversationId, 404);
    await this.withinLimits(conversation, what, attempt);
  }

  private async withinLimits(
    conversation: ConversationRecord,
    what: string,
    attempt: (reference: Partial<ConversationReference>) => Promise<void>,
  ): Promise<void> {
    const conversationId = conversation.id;
    const reference = conversation.reference as Partial<ConversationReference>;
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let n = 1; ; n++) {
      const tenantSend = await this.perTenant.acquire(conversation.tenantId ?? 'tenant');
      const conversationSend = await this.perConversation.acquire(conversationId);
      try {
        await attempt(reference);
        return;
      } catch (error) {
        // Ended now: a wait for Retry-After must not hold a place in the windows.
        tenantSend();
        conversationSend();
        const status = teamsStatusOf(error);
        if (status === 403 || status === 404) throw new ConversationGoneError(conversationId, status);
        if (status === undefined || !RETRIABLE_TEAMS_STATUSES.has(status) || n >= maxAttempts) throw error;
        const delay = teamsRetryDelayMs(error, n, this.options.baseDelayMs ?? 500, 60_000);
        this.log.warn(
          { conversationId, status, attempt: n, delayMs: delay },
          `Teams ${what} throttled or failed; retrying`,
        );
        await new Promise((r) => setTimeout(r, delay));
      } finally {
        tenantSend();
        conversationSend();
      }
    }
  }
}
