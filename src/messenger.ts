/**
 * How the rest of the product posts and updates cards in a conversation, without knowing about Teams.
 */
import type { AdaptiveCard } from './cards';

/** Posts cards into stored conversations and updates posted ones. Implemented by the Teams glue in `bot/`. */
export interface Messenger {
  /** Posts a card as a new message (a new post in a channel); returns the new activity id. */
  post(conversationId: string, card: AdaptiveCard): Promise<string | undefined>;
  /** Replaces a posted card for everyone in the conversation. */
  update(conversationId: string, activityId: string, card: AdaptiveCard): Promise<void>;
}

/** A send that Teams refused for good (the bot was removed, the conversation is gone). */
export class ConversationGoneError extends Error {
  constructor(
    readonly conversationId: string,
    readonly status: number,
  ) {
    super(
      `Teams refused to post into ${conversationId} (HTTP ${status}): the bot was removed or the conversation is gone`,
    );
    this.name = 'ConversationGoneError';
  }
}
