/**
 * The copies of posted cards that triage changes later: a card with incident rows is kept when it is sent and
 * whenever a click replaces it; a click that replaces it with a card without incident rows (a scan's status card)
 * drops the copy, so a stale click never brings the old card back.
 */
import {
  hasIncidentRow,
  hasIncidentRows,
  incidentState,
  replaceIncidentState,
  type AdaptiveCard,
  type IncidentView,
} from '../cards';
import { cardContext, type Services } from '../services';

/** Keeps the copy of a card that was just sent (`sent`) or that replaced the card at `activityId` (`replaced`). */
export async function rememberCard(
  services: Services,
  conversationId: string,
  activityId: string,
  card: AdaptiveCard,
  how: 'sent' | 'replaced',
): Promise<void> {
  if (hasIncidentRows(card)) await services.stores.cards.save(conversationId, activityId, card, services.now());
  else if (how === 'replaced') await services.stores.cards.forget(conversationId, activityId);
}

/** The card a change is shown on, or why it cannot be: no copy kept, no row of the incident, or no room. */
export type Refreshed = { card: AdaptiveCard } | { missing: 'not kept' | 'no row' | 'too large' };

/** The card at `activityId` as posted, with the row of `incident` showing its state now (for everyone). */
export async function refreshedCard(
  services: Services,
  conversationId: string,
  activityId: string | undefined,
  incident: IncidentView,
): Promise<Refreshed> {
  const copy = activityId ? await services.stores.cards.get(conversationId, activityId) : undefined;
  if (!copy) return { missing: 'not kept' };
  if (!hasIncidentRow(copy.card, incident.id)) return { missing: 'no row' };
  const card = replaceIncidentState(copy.card, incident.id, incidentState(cardContext(services), incident));
  return card ? { card } : { missing: 'too large' };
}

/** The card at `activityId` as kept, unchanged; `undefined` when no copy is kept. */
export async function keptCard(
  services: Services,
  conversationId: string,
  activityId: string | undefined,
): Promise<AdaptiveCard | undefined> {
  return activityId ? (await services.stores.cards.get(conversationId, activityId))?.card : undefined;
}
