/**
 * `show pending actions`: remediation requests awaiting approval, automated investigations waiting in the Action
 * center, and machine actions still pending or running.
 */
import { pendingActionsCard } from '../cards';
import { or, quote } from '../defender/odata';
import { cardContext, type Services } from '../services';
import { toInvestigationView, toMachineActionView, toRequestView } from '../views/actions';
import { listSection, readList, section } from '../views/sections';
import type { Reply } from './types';

/** Open machine actions (one list call, filtered by the service). */
export const OPEN_ACTIONS_FILTER = or(`status eq ${quote('Pending')}`, `status eq ${quote('InProgress')}`);
/** Investigations waiting for an approval in the Action center. */
export const PENDING_INVESTIGATIONS_FILTER = `state eq ${quote('PendingApproval')}`;

/** Builds the pending actions card. */
export async function pendingActions(services: Services): Promise<Reply> {
  const { defender, stores, log } = services;
  const [remediationRequests, pendingInvestigations, machineActions] = await Promise.all([
    section(
      'remediationRequests',
      stores.requests.pending().then((rs) => rs.map((r) => toRequestView(r))),
      log,
    ),
    section(
      'pendingInvestigations',
      defender.listInvestigations({ filter: PENDING_INVESTIGATIONS_FILTER }).then((xs) => xs.map(toInvestigationView)),
      log,
    ),
    listSection(
      'machineActions',
      readList(defender.streamMachineActions({ filter: OPEN_ACTIONS_FILTER })).then((read) => ({
        ...read,
        items: read.items.map(toMachineActionView),
      })),
      log,
    ),
  ]);
  return {
    cards: [pendingActionsCard(cardContext(services), { remediationRequests, pendingInvestigations, machineActions })],
  };
}
