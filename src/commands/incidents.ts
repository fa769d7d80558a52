/**
 * `show incidents [high|medium|low]`: open incidents, newest first.
 */
import { incidentsCard, isUnavailable, noticeCard } from '../cards';
import { cardContext, type Services } from '../services';
import { toIncidentView } from '../views/incidents';
import { section } from '../views/sections';
import type { Reply } from './types';

/** Most incidents read for the list (the card shows fewer and says how many more there are). */
const MAX_INCIDENTS = 200;

/** Builds the open incidents card; when Defender cannot be read, a card that says so and why. */
export async function incidents(services: Services, severity?: 'high' | 'medium' | 'low'): Promise<Reply> {
  const list = await section(
    'incidents',
    services.defender.listIncidents({ openOnly: true, severity, expandAlerts: true, limit: MAX_INCIDENTS }),
    services.log,
  );
  const ctx = cardContext(services);
  if (isUnavailable(list)) {
    const title = `Open incidents — ${severity ? `${severity} severity` : 'all severities'}`;
    return { cards: [noticeCard(ctx, { tone: 'warning', title, text: `Section unavailable: ${list.unavailable}` })] };
  }
  const views = list.map(toIncidentView).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { cards: [incidentsCard(ctx, { filter: severity, incidents: views, total: views.length })] };
}
