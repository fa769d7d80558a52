/**
 * List rows several cards share: a device with its buttons, an incident with its triage buttons, tables of machine
 * actions and of investigations waiting in the Action center.
 */
import { deviceRowActions } from './deviceActions';
import { incidentState } from './incidentState';
import {
  column,
  columnSet,
  container,
  subtleText,
  table,
  textBlock,
  type CardElement,
  type Container,
  type Table,
  type TextColor,
} from './elements';
import { ACTION_CENTER_EXPIRY_DAYS, addDays, formatAge, formatNumber, formatTimeLeft, plural } from './format';
import { badge, listRow } from './sections';
import { machineActionLabel, riskColor, severityColor, severityLabel, statusColor, statusLabel } from './styles';
import { escapeOr, escapeText } from './text';
import type {
  CardContext,
  DeviceView,
  IncidentView,
  InvestigationView,
  MachineActionView,
  RecommendationView,
} from './views';

/** Most alert titles a device row lists. */
const DEVICE_ALERT_TITLES = 3;

/** A device name, escaped, or a placeholder. */
export function deviceName(name: string): string {
  return escapeOr(name, '(unnamed device)', 100);
}

/** "Windows11 22H2 · Active · 3 active alerts · isolated". */
export function deviceSummary(device: DeviceView): string {
  return [
    escapeText([device.osPlatform, device.osVersion].filter(Boolean).join(' '), 60) || 'unknown OS',
    statusLabel(device.healthStatus || 'unknown'),
    plural(device.activeAlertCount, 'active alert'),
    ...(device.isolated ? ['**isolated**'] : []),
  ].join(' · ');
}

/** A device: name and risk, summary, top alert titles, and its compact buttons. */
export function deviceRow(ctx: CardContext, device: DeviceView): Container {
  return container(
    [
      columnSet([
        column([textBlock(`**${deviceName(device.name)}**`)], 'stretch'),
        column([badge(`Risk: ${escapeOr(device.riskScore, 'unknown', 20)}`, riskColor(device.riskScore))], 'auto'),
      ]),
      subtleText(deviceSummary(device)),
      ...device.topAlertTitles
        .slice(0, DEVICE_ALERT_TITLES)
        .map((title) => subtleText(`• ${escapeText(title, 120)}`, { spacing: 'None' })),
      ...deviceRowActions(ctx, device),
    ],
    { separator: true, spacing: 'Medium' },
  );
}

/**
 * An incident: severity badge, title, and its state (status · verdict · age · owner · alerts, then `Assign to me` or
 * `Take over`, `Resolve…` and `Open in Defender`), which triage replaces in place (see `incidentState.ts`).
 */
export function incidentRow(ctx: CardContext, incident: IncidentView, prefix = ''): CardElement {
  const title = textBlock(`${prefix}${escapeOr(incident.title, '(untitled incident)', 150)}`);
  return listRow([title, incidentState(ctx, incident)], {
    badge: badge(severityLabel(incident.severity).toUpperCase(), severityColor(incident.severity)),
  });
}

/** A table of machine actions: type, device (optional), status, requester, age. */
export function machineActionsTable(ctx: CardContext, actions: MachineActionView[], withDevice = true): Table {
  return table(
    ['Action', ...(withDevice ? ['Device'] : []), 'Status', 'Requested by', 'Age'],
    actions.map((a) => [
      machineActionLabel(a.type, a.scope),
      ...(withDevice ? [deviceName(a.deviceName)] : []),
      textBlock(statusLabel(a.status), { color: statusColor(a.status) }),
      escapeOr(a.requestor, 'unknown', 60),
      formatAge(a.createdAt, ctx.now),
    ]),
    withDevice ? [3, 3, 2, 3, 2] : [3, 2, 3, 2],
  );
}

/** When an investigation's pending actions expire in the Action center: 7 days after they started waiting. */
export function actionCenterExpiry(investigation: InvestigationView): Date | undefined {
  return addDays(investigation.pendingSince ?? investigation.startedAt, ACTION_CENTER_EXPIRY_DAYS);
}

/** Red once expired, amber in its last day. */
function expiryColor(expiry: Date | undefined, now: Date): TextColor {
  if (!expiry) return 'Default';
  const left = expiry.getTime() - now.getTime();
  return left <= 0 ? 'Attention' : left < 24 * 3_600_000 ? 'Warning' : 'Default';
}

/** Soonest Action-center expiry first. */
export function bySoonestExpiry(a: InvestigationView, b: InvestigationView): number {
  return (actionCenterExpiry(a)?.getTime() ?? 0) - (actionCenterExpiry(b)?.getTime() ?? 0);
}

/** A table of investigations waiting in the Action center: device, id, age, time left before the 7-day expiry. */
export function pendingInvestigationsTable(ctx: CardContext, investigations: InvestigationView[]): Table {
  return table(
    ['Device', 'Investigation', 'Waiting', 'Time left'],
    investigations.map((i) => {
      const expiry = actionCenterExpiry(i);
      return [
        deviceName(i.deviceName),
        escapeText(i.id, 40),
        formatAge(i.pendingSince ?? i.startedAt, ctx.now),
        textBlock(formatTimeLeft(expiry, ctx.now), { color: expiryColor(expiry, ctx.now) }),
      ];
    }),
    [3, 2, 2, 2],
  );
}

/** A recommendation's name with its category and warning flags underneath. */
function recommendationCell(recommendation: RecommendationView): CardElement[] {
  const flags = [
    escapeText(recommendation.category, 40),
    ...(recommendation.publicExploit ? ['public exploit'] : []),
    ...(recommendation.activeAlert ? ['active alert'] : []),
  ].filter(Boolean);
  return [textBlock(escapeOr(recommendation.name, '(unnamed recommendation)', 150)), subtleText(flags.join(' · '))];
}

/** "12 of 40", or what is known of it. */
function exposedDevices(recommendation: RecommendationView): string {
  const exposed = recommendation.exposedMachines;
  if (exposed === undefined) return 'unknown';
  return recommendation.totalMachines === undefined
    ? exposed.toLocaleString('en-US')
    : `${exposed.toLocaleString('en-US')} of ${recommendation.totalMachines.toLocaleString('en-US')}`;
}

/** "exposure −4.2 · score +8" from the impacts Defender reports. */
function impact(recommendation: RecommendationView): string {
  const { exposureImpact, configScoreImpact } = recommendation;
  const parts = [
    ...(exposureImpact !== undefined ? [`exposure −${formatNumber(exposureImpact, 2)}`] : []),
    ...(configScoreImpact !== undefined ? [`score +${formatNumber(configScoreImpact, 2)}`] : []),
  ];
  return parts.length > 0 ? parts.join(' · ') : 'unknown';
}

/** A table of recommendations: with their impact (weekly) or their linked threats (monthly). */
export function recommendationsTable(recommendations: RecommendationView[], focus: 'impact' | 'threats'): Table {
  return table(
    ['Recommendation', focus === 'impact' ? 'Impact' : 'Threats', 'Exposed devices'],
    recommendations.map((r) => [
      recommendationCell(r),
      focus === 'impact' ? impact(r) : r.associatedThreats.toLocaleString('en-US'),
      exposedDevices(r),
    ]),
    [5, 3, 2],
  );
}
