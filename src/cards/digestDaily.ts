/**
 * The daily digest: incidents created or updated since the last daily digest (new told apart from updated),
 * new alerts by source, devices with active threats with their buttons — or "all quiet".
 */
import { countBy } from './aggregate';
import { donutChart, type ChartColor, type DonutSlice } from './charts';
import { allQuietCard, digestHeader } from './digestParts';
import { byThreat } from './devices';
import {
  column,
  columnSet,
  fact,
  factSet,
  textBlock,
  type AdaptiveCard,
  type CardElement,
  type Column,
} from './elements';
import { toDate } from './format';
import { adaptiveCard } from './frame';
import { severityCounts } from './incidents';
import { INCIDENT_CARD_BUDGET } from './incidentState';
import { DEFAULT_MAX_ROWS, fitCard } from './limits';
import { portalLink } from './links';
import { deviceRow, incidentRow } from './rows';
import { listBody, mapPartial, mapSection, noneLine, portalButtonRow, sectionOf } from './sections';
import { SEVERITY_ORDER, severityLabel, severityRank } from './styles';
import { escapeText } from './text';
import {
  isEmptyList,
  type CardContext,
  type DailyDigestView,
  type DeviceView,
  type DigestIncidentView,
  type SeverityLevel,
} from './views';

/** Most incidents the daily digest lists. */
export const DAILY_INCIDENT_ROWS = 10;
/** Most devices the daily digest lists (each with buttons). */
export const DAILY_DEVICE_ROWS = 8;
/** Most sources per alert-source list. */
export const DAILY_SOURCE_ROWS = 8;

const SEVERITY_CHART_COLORS: Record<SeverityLevel, ChartColor> = {
  high: 'attention',
  medium: 'warning',
  low: 'categoricalBlue',
  informational: 'neutral',
  unknown: 'neutral',
};

const SOURCE_NAMES: Record<string, string> = {
  microsoftDefenderForEndpoint: 'Defender for Endpoint',
  microsoftDefenderForOffice365: 'Defender for Office 365',
  microsoftDefenderForIdentity: 'Defender for Identity',
  microsoftDefenderForCloudApps: 'Defender for Cloud Apps',
  microsoftDefenderForCloud: 'Defender for Cloud',
  microsoft365Defender: 'Microsoft Defender XDR',
  azureAdIdentityProtection: 'Entra ID Protection',
  microsoftDataLossPrevention: 'Data loss prevention',
  automatedInvestigation: 'Automated investigation',
  customDetection: 'Custom detection',
  antivirus: 'Antivirus',
  smartScreen: 'SmartScreen',
};

/** A Graph service or detection source in words: "microsoftDefenderForEndpoint" → "Defender for Endpoint". */
export function sourceLabel(source: string): string {
  if (!source) return 'Unknown';
  const known = SOURCE_NAMES[source];
  if (known) return known;
  const words = source.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  return escapeText(words.charAt(0).toUpperCase() + words.slice(1), 60);
}

/** True when there is nothing to report: every section loaded and empty. */
export function isQuietDay(view: DailyDigestView): boolean {
  return isEmptyList(view.incidents) && isEmptyList(view.newAlerts) && isEmptyList(view.threatenedDevices);
}

function mostSevereThenLatest(a: DigestIncidentView, b: DigestIncidentView): number {
  const time = (i: DigestIncidentView) => toDate(i.updatedAt ?? i.createdAt)?.getTime() ?? 0;
  return severityRank(a.severity) - severityRank(b.severity) || time(b) - time(a);
}

/** Incidents sorted once, with their counts. */
interface IncidentSummary {
  sorted: DigestIncidentView[];
  created: number;
  severities: string;
  slices: DonutSlice[];
}

function summarizeIncidents(incidents: DigestIncidentView[]): IncidentSummary {
  const counts = new Map(countBy(incidents, (i) => i.severity));
  return {
    sorted: [...incidents].sort(mostSevereThenLatest),
    created: incidents.filter((i) => i.change === 'new').length,
    severities: severityCounts(incidents),
    slices: SEVERITY_ORDER.filter((s) => counts.has(s)).map((s) => ({
      legend: severityLabel(s),
      value: counts.get(s) ?? 0,
      color: SEVERITY_CHART_COLORS[s],
    })),
  };
}

function incidentsBody(ctx: CardContext, summary: IncidentSummary, maxRows: number): CardElement[] {
  if (summary.sorted.length === 0) return [noneLine()];
  return [
    textBlock(
      `**${summary.created} new** · **${summary.sorted.length - summary.created} updated** · ${summary.severities}`,
    ),
    donutChart('Incidents by severity', summary.slices),
    ...listBody(summary.sorted, {
      maxRows: Math.min(maxRows, DAILY_INCIDENT_ROWS),
      moreUrl: portalLink(ctx, { page: 'incidents' }),
      renderRows: (shown) =>
        shown.map((i) => incidentRow(ctx, i, i.change === 'new' ? '**New** · ' : '**Updated** · ')),
    }),
  ];
}

/** Alert counts by service source and by detection source. */
interface AlertSources {
  total: number;
  byService: [string, number][];
  byDetection: [string, number][];
}

function sourceColumn(title: string, counts: [string, number][], maxRows: number): Column {
  return column([
    textBlock(title, { weight: 'Bolder', size: 'Small' }),
    ...listBody(counts, {
      maxRows: Math.min(maxRows, DAILY_SOURCE_ROWS),
      renderRows: (shown) => [factSet(shown.map(([source, count]) => fact(sourceLabel(source), String(count))))],
    }),
  ]);
}

function alertsBody(ctx: CardContext, sources: AlertSources, maxRows: number): CardElement[] {
  if (sources.total === 0) return [noneLine()];
  return [
    columnSet([
      sourceColumn('By service source', sources.byService, maxRows),
      sourceColumn('By detection source', sources.byDetection, maxRows),
    ]),
    portalButtonRow(ctx, { page: 'alerts' }),
  ];
}

function devicesBody(ctx: CardContext, sorted: DeviceView[], maxRows: number): CardElement[] {
  return listBody(sorted, {
    maxRows: Math.min(maxRows, DAILY_DEVICE_ROWS),
    moreUrl: portalLink(ctx, { page: 'devices' }),
    renderRows: (shown) => shown.map((d) => deviceRow(ctx, d)),
  });
}

/** The daily digest card, or the all-quiet card. */
export function dailyDigestCard(ctx: CardContext, view: DailyDigestView): AdaptiveCard {
  if (isQuietDay(view)) {
    return allQuietCard(
      ctx,
      'daily',
      view.period,
      'No incident created or updated, no new alert, no device with active threats.',
      view.scores,
    );
  }
  // Sort and count once; the fitting loop below only renders.
  const incidents = mapPartial(view.incidents, summarizeIncidents);
  const alerts = mapSection(
    view.newAlerts,
    (list): AlertSources => ({
      total: list.length,
      byService: countBy(list, (a) => a.serviceSource),
      byDetection: countBy(list, (a) => a.detectionSource),
    }),
  );
  const devices = mapPartial(view.threatenedDevices, (list) => [...list].sort(byThreat));
  return fitCard(
    (maxRows) =>
      adaptiveCard(ctx, [
        ...digestHeader(ctx, 'daily', view.period),
        sectionOf(
          'Incidents created or updated',
          incidents,
          (summary) => incidentsBody(ctx, summary, maxRows),
          (summary) => summary.sorted.length,
        ),
        sectionOf(
          'New alerts',
          alerts,
          (sources) => alertsBody(ctx, sources, maxRows),
          (sources) => sources.total,
        ),
        sectionOf(
          'Devices with active threats',
          devices,
          (list) => devicesBody(ctx, list, maxRows),
          (list) => list.length,
        ),
      ]),
    DEFAULT_MAX_ROWS,
    // Its incident rows change in place after triage: keep room for that.
    INCIDENT_CARD_BUDGET,
  );
}
