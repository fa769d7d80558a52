/**
 * What a card click receives and answers, independent of Teams.
 */
import type { AdaptiveCard } from '../cards';
import type { ConversationRecord } from '../store/conversations';
import type { Person } from '../store/requests';

/** An `Action.Execute` click as it arrived: verb and data are untrusted until parsed. */
export interface Click {
  verb: unknown;
  data: unknown;
  user: Person;
  conversation: ConversationRecord;
  /** The activity id of the clicked card, to update it in place later. */
  cardActivityId?: string;
}

/**
 * The answer to a click: a card that replaces the clicked one for everyone, a card only the clicker sees
 * (a refusal changes nothing for the others), or an invalid request (HTTP 400, nothing changes).
 */
export type ClickOutcome =
  | { kind: 'replaceForAll'; card: AdaptiveCard }
  | { kind: 'clickerOnly'; card: AdaptiveCard }
  | { kind: 'invalid'; message: string };
