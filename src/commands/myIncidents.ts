/**
 * `show my incidents`: the open incidents (active, in progress, awaiting action) assigned to the person asking, by
 * the user principal name Teams gives for them.
 */
import { isUnavailable, myIncidentsCard, noticeCard } from '../cards';
import { whoIsAsking } from '../actions/triage';
import { cardContext, type Services } from '../services';
import { toIncidentView } from '../views/incidents';
import { section } from '../views/sections';
import type { CommandRequest, Reply } from './types';

/** Most incidents read for the list (the card shows fewer and says how many more there are). */
const MAX_MY_INCIDENTS = 200;

/** The card of the asker's open incidents; a notice when Teams cannot say who asks or Defender cannot be read. */
export async function myIncidents(services: Services, request: CommandRequest): Promise<Reply> {
  const ctx = () => cardContext(services);
  const asking = await whoIsAsking({
    user: request.user,
    conversationId: request.conversation.id,
    principalName: request.principalName,
  });
  if ('problem' in asking) {
    const text = `Teams could not say who you are (${asking.problem}), so I cannot tell which incidents are yours.`;
    return { cards: [noticeCard(ctx(), { tone: 'warning', title: 'Your open incidents', text })] };
  }
  const list = await section(
    'myIncidents',
    services.defender.listIncidentsAssignedTo(asking.upn, { limit: MAX_MY_INCIDENTS }),
    services.log,
  );
  if (isUnavailable(list)) {
    const text = `Section unavailable: ${list.unavailable}`;
    return { cards: [noticeCard(ctx(), { tone: 'warning', title: 'Your open incidents', text })] };
  }
  return { cards: [myIncidentsCard(ctx(), { owner: asking.upn, incidents: list.map(toIncidentView) })] };
}
