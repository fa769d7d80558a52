/**
 * `show incidents [high|medium|low]`: open incidents (active, in progress, awaiting action), newest first. A merged
 * incident (`redirected`) is never listed, even if the API returns one: the incident it points to is.
 */
import { incidentsCard, isUnavailable, noticeCard } from '../cards';
import { isOpenIncident } from '../defender/models';
import { cardContext, type Services } from '../services';
import { toIncidentView } from '../views/incidents';
import { listSection, readList } from '../views/sections';
import type { Reply } from './types';

/** Most incidents read for the list (the card shows fewer and says how many more there are). */
const MAX_INCIDENTS = 200;

/** Builds the open incidents card; when Defender cannot be read, a card that says so and why. */
export async function incidents(services: Services, severity?: 'high' | 'medium' | 'low'): Promise<Reply> {
  const list = await listSection(
    'incidents',
    readList(services.defender.streamIncidents({ openOnly: true, severity, expandAlerts: true, limit: MAX_INCIDENTS })),
    services.log,
  );
  const ctx = cardContext(services);
  if (isUnavailable(list)) {
    const title = `Open incidents — ${severity ? `${severity} severity` : 'all severities'}`;
    return { cards: [noticeCard(ctx, { tone: 'warning', title, text: `Section unavailable: ${list.unavailable}` })] };
  }
  const [read, incomplete] = 'incomplete' in list ? [list.partial, list.incomplete] : [list, undefined];
  const views = read
    .filter(isOpenIncident)
    .map(toIncidentView)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const view = { filter: severity, incidents: views, total: views.length, ...(incomplete ? { incomplete } : {}) };
  return { cards: [incidentsCard(ctx, view)] };
}
