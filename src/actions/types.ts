/**
 * What a card click receives and answers, independent of Teams.
 */
import type { AdaptiveCard } from '../cards';
import type { ConversationRecord } from '../store/conversations';
import type { Person } from '../store/requests';

/**
 * The user principal name of the person behind a click or a message, as Teams knows them (the conversation member
 * lookup): asked only by what needs it, at most once. Rejects, with a message a person can read, when Teams cannot
 * say; never falls back to anything a card or a message carries.
 */
export type PrincipalLookup = () => Promise<string>;

/** An `Action.Execute` click as it arrived: verb and data are untrusted until parsed. */
export interface Click {
  verb: unknown;
  data: unknown;
  user: Person;
  conversation: ConversationRecord;
  /** The activity id of the clicked card, to update it in place later. */
  cardActivityId?: string;
  /** Who clicked, as Teams knows them; absent where Teams cannot be asked. */
  principalName?: PrincipalLookup;
}

/**
 * The answer to a click: a card that replaces the clicked one for everyone (the clicker may see it with a word for
 * them alone, `clickerCard`), a card only the clicker sees (a refusal changes nothing for the others), or an invalid
 * request (HTTP 400, nothing changes).
 */
export type ClickOutcome =
  | { kind: 'replaceForAll'; card: AdaptiveCard; clickerCard?: AdaptiveCard }
  | { kind: 'clickerOnly'; card: AdaptiveCard }
  | { kind: 'invalid'; message: string };
