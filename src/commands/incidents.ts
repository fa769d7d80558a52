/**
 * `show incidents [high|medium|low]`: open incidents, newest first.
 */
import { incidentsCard } from '../cards';
import { cardContext, type Services } from '../services';
import { toIncidentView } from '../views/incidents';
import type { Reply } from './types';

/** Most incidents read for the list (the card shows fewer and says how many more there are). */
const MAX_INCIDENTS = 200;

/** Builds the open incidents card. */
export async function incidents(services: Services, severity?: 'high' | 'medium' | 'low'): Promise<Reply> {
  const list = await services.defender.listIncidents({ openOnly: true, severity, expandAlerts: true, limit: MAX_INCIDENTS });
  const views = list
    .map(toIncidentView)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { cards: [incidentsCard(cardContext(services), { filter: severity, incidents: views, total: views.length })] };
}
