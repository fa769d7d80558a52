/**
 * Tells the product about each card the bot sends — a reply, a proactive post — with the activity id Teams gave it,
 * the only place that id appears. Triage keeps the cards with incident rows, to change one row later.
 */
import type { Middleware, TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../cards';
import type { Logger } from '../log';
import { baseConversationId } from './activity';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Called with the conversation (its base id), the new activity's id and its card. */
export type CardSent = (conversationId: string, activityId: string, card: AdaptiveCard) => Promise<void>;

/** Adapter middleware that reports every activity carrying exactly one Adaptive Card once it is sent. */
export class SentCards implements Middleware {
  constructor(
    private readonly sent: CardSent,
    private readonly log: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (ctx, activities, send) => {
      const responses = await send();
      for (const [i, activity] of activities.entries()) {
        const id = responses?.[i]?.id;
        const cards = (activity.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD);
        if (!id || cards.length !== 1) continue;
        const conversationId = baseConversationId(activity.conversation?.id ?? ctx.activity.conversation.id);
        // A card that cannot be kept still went out: its rows just cannot change for everyone later.
        await this.sent(conversationId, id, cards[0].content as AdaptiveCard).catch((err: unknown) =>
          this.log.warn({ err, activityId: id }, 'could not keep a copy of a sent card'),
        );
      }
      return responses;
    });
    await next();
  }
}
