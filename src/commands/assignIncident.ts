/**
 * `assign <incident id> to me`: what the `Assign to me` button does, from the chat — operators only, the asker's own
 * user principal name from Teams, one change however often it is sent — answered with the incident's row.
 */
import { incidentCard, noticeCard } from '../cards';
import { assignIncident } from '../actions/triage';
import { refusalCard } from '../actions/statusCards';
import { cardContext, type Services } from '../services';
import type { CommandRequest, Reply } from './types';

/** Assigns the incident to the asker, unless someone else has it; the reply says what happened. */
export async function assignCommand(services: Services, request: CommandRequest, incidentId: string): Promise<Reply> {
  const start = await assignIncident(
    services,
    { user: request.user, conversationId: request.conversation.id, principalName: request.principalName },
    incidentId,
    'assign',
  );
  if (start.kind === 'refused') return { cards: [refusalCard(services, start.outcome.title, start.outcome.text)] };
  const outcome = await start.result;
  if (outcome.kind === 'refused') return { cards: [refusalCard(services, outcome.title, outcome.text)] };
  const ctx = cardContext(services);
  const card = outcome.incident
    ? incidentCard(ctx, { incident: outcome.incident, notice: outcome.notice })
    : noticeCard(ctx, { tone: outcome.notice.tone, title: `Incident ${incidentId}`, text: outcome.notice.text });
  return { cards: [card] };
}
