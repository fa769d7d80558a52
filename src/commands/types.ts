/**
 * What a chat command receives and answers, independent of Teams.
 */
import type { PrincipalLookup } from '../actions/types';
import type { AdaptiveCard } from '../cards';
import type { ConversationRecord } from '../store/conversations';
import type { Person } from '../store/requests';

/** A message addressed to the bot, mention already removed. */
export interface CommandRequest {
  text: string;
  user: Person;
  conversation: ConversationRecord;
  /** Who asked, as Teams knows them; absent where Teams cannot be asked. */
  principalName?: PrincipalLookup;
}

/** The answer to a message: cards (and/or a short text) sent as a reply. */
export interface Reply {
  text?: string;
  cards: AdaptiveCard[];
}
