/**
 * Card builders: pure functions from view data (`views.ts`) to Adaptive Card 1.5 JSON, no I/O.
 */
export { actionStatusCard } from './actionStatus';
export { approvalCard } from './approval';
export { auditCard } from './audit';
export { chooseDeviceCard, noDeviceMatchCard } from './chooseDevice';
export { deviceCard } from './deviceCard';
export { BUTTON_TITLES } from './deviceActions';
export { devicesCard } from './devices';
export { dailyDigestCard } from './digestDaily';
export { monthlyDigestCard } from './digestMonthly';
export { weeklyDigestCard } from './digestWeekly';
export type { AdaptiveCard } from './elements';
export { SIMULATED_LABEL } from './frame';
export { helpCard, hint } from './help';
export { incidentsCard } from './incidents';
export {
  hasIncidentRow,
  hasIncidentRows,
  incidentState,
  INCIDENT_CARD_BUDGET,
  isOpenIncident,
  replaceIncidentState,
  TRIAGE_TITLES,
  verdictLabel,
  withNotice,
} from './incidentState';
export { incidentCard, myIncidentsCard, resolveFormCard, RESOLVE_INPUTS, verdictChoices } from './incidentTriage';
export { assertCardSize, cardBytes, CardTooLargeError, MAX_CARD_BYTES } from './limits';
export { defenderLink, portalLink, type PortalPage } from './links';
export { noticeCard } from './notice';
export { pendingActionsCard } from './pendingActions';
export { secureScoreCard } from './secureScore';
export { escapeText } from './text';
export { validateCard } from './validate';
export * from './views';
export { welcomeCard } from './welcome';
