/**
 * `show incidents [high|medium|low]`: open incidents, newest first, with severity, owner and triage buttons each.
 */
import { cardTitle, subtleText, type AdaptiveCard } from './elements';
import { adaptiveCard } from './frame';
import { toDate } from './format';
import { INCIDENT_CARD_BUDGET } from './incidentState';
import { DEFAULT_MAX_ROWS, fitCard } from './limits';
import { portalLink } from './links';
import { incidentRow } from './rows';
import { incompleteLine, listBody } from './sections';
import { SEVERITY_ORDER, severityLabel } from './styles';
import type { CardContext, IncidentView, IncidentsView, SeverityLevel } from './views';

/** Most incident rows a card shows when it has room. */
export const INCIDENT_ROWS = 25;

/** Newest first (by creation time). */
export function newestFirst(a: IncidentView, b: IncidentView): number {
  return (toDate(b.createdAt)?.getTime() ?? 0) - (toDate(a.createdAt)?.getTime() ?? 0);
}

/** "3 high · 5 medium · 1 low" over the severities present. */
export function severityCounts(incidents: readonly Pick<IncidentView, 'severity'>[]): string {
  const counts = new Map<SeverityLevel, number>();
  for (const i of incidents) counts.set(i.severity, (counts.get(i.severity) ?? 0) + 1);
  return SEVERITY_ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${severityLabel(s).toLowerCase()}`)
    .join(' · ');
}

/** The `show incidents` card; the heading says the filter. */
export function incidentsCard(ctx: CardContext, view: IncidentsView): AdaptiveCard {
  const incidents = [...view.incidents].sort(newestFirst);
  const total = view.total ?? incidents.length;
  const filter = view.filter ? `${severityLabel(view.filter).toLowerCase()} severity` : 'all severities';
  return fitCard(
    (maxRows) =>
      adaptiveCard(ctx, [
        cardTitle(`Open incidents — ${filter} (${total.toLocaleString('en-US')}${view.incomplete ? '+' : ''})`),
        ...(view.incomplete ? [incompleteLine(view.incomplete)] : []),
        ...(incidents.length > 0
          ? [subtleText(`Newest first · ${severityCounts(incidents)}`, { size: 'Default' })]
          : []),
        ...listBody(incidents, {
          maxRows: Math.min(maxRows, INCIDENT_ROWS),
          total,
          renderRows: (shown) => shown.map((i) => incidentRow(ctx, i)),
          moreUrl: portalLink(ctx, { page: 'incidents' }),
          emptyText: view.incomplete
            ? 'None could be read.'
            : view.filter
              ? `No open ${filter} incident.`
              : 'No open incident.',
        }),
      ]),
    DEFAULT_MAX_ROWS,
    INCIDENT_CARD_BUDGET,
  );
}
