/**
 * `show pending actions`: everything waiting on a person or a device, in three sections that render even when
 * another one's API failed.
 */
import { requestRow } from './approval';
import { cardTitle, subtleText, type AdaptiveCard } from './elements';
import { toDate } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { portalLink } from './links';
import { bySoonestExpiry, machineActionsTable, pendingInvestigationsTable } from './rows';
import { listBody, mapPartial, mapSection, OPEN_ACTION_CENTER, portalButtonRow, sectionOf } from './sections';
import type { CardContext, PendingActionsView } from './views';

/** Most rows each section shows when the card has room. */
export const PENDING_ROWS = 15;

function oldestFirst<T>(items: readonly T[], at: (item: T) => string): T[] {
  return [...items].sort((a, b) => (toDate(at(a))?.getTime() ?? 0) - (toDate(at(b))?.getTime() ?? 0));
}

/** The `show pending actions` card. */
export function pendingActionsCard(ctx: CardContext, view: PendingActionsView): AdaptiveCard {
  // Sort once; the fitting loop below only renders.
  const requests = mapSection(view.remediationRequests, (list) => oldestFirst(list, (r) => r.requestedAt));
  const investigations = mapPartial(view.pendingInvestigations, (list) => [...list].sort(bySoonestExpiry));
  const actions = mapPartial(view.machineActions, (list) => oldestFirst(list, (a) => a.createdAt));
  return fitCard((maxRows) => {
    const rows = Math.min(maxRows, PENDING_ROWS);
    return adaptiveCard(ctx, [
      cardTitle('Pending actions'),
      sectionOf(
        'Remediation requests awaiting approval',
        requests,
        (list) => listBody(list, { maxRows: rows, renderRows: (shown) => shown.map((r) => requestRow(ctx, r)) }),
        (list) => list.length,
      ),
      sectionOf(
        'Automated investigations pending approval',
        investigations,
        (list) => [
          ...listBody(list, { maxRows: rows, renderRows: (shown) => [pendingInvestigationsTable(ctx, shown)] }),
          subtleText(
            'Microsoft offers no API to approve these: approve or reject them in the Action center before they expire.',
          ),
          portalButtonRow(ctx, { page: 'actionCenterPending' }, OPEN_ACTION_CENTER),
        ],
        (list) => list.length,
      ),
      sectionOf(
        'Machine actions pending or in progress',
        actions,
        (list) =>
          listBody(list, {
            maxRows: rows,
            renderRows: (shown) => [machineActionsTable(ctx, shown)],
            moreUrl: portalLink(ctx, { page: 'actionCenterHistory' }),
          }),
        (list) => list.length,
      ),
    ]);
  });
}
