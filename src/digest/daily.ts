/**
 * The daily digest's data: incidents created or updated in the window (new told apart from updated), alerts created
 * in it by source, devices with active threats, and the scores (which also takes the day's score snapshots).
 */
import type { AlertView, DigestIncidentView, IncidentView } from '../cards';
import type { DefenderApi } from '../defender/api';
import { isoDate } from '../defender/odata';
import { toIncidentView } from '../views/incidents';
import { loadScores } from '../views/scores';
import { listSection, section } from '../views/sections';
import { deviceThreats } from './deviceThreats';
import { mapSection, type CollectSource, type ViewOf } from './sources';
import { Timeline } from './timeline';
import { incidentChange, timeOf, type DigestWindow, type IncidentTimes } from './window';

/** An incident read for the daily digest, with the times that decide whether it is new or updated. */
interface CollectedIncident extends IncidentTimes {
  view: IncidentView;
}

/**
 * Incidents created or updated since `window.since` (one filtered list, pages of 50), without those created after
 * the window closed: they are new in the next digest.
 */
async function incidentsOf(defender: DefenderApi, window: DigestWindow): Promise<CollectedIncident[]> {
  const kept: CollectedIncident[] = [];
  const until = window.until.getTime();
  for await (const page of defender.streamIncidents({ updatedSince: window.since, expandAlerts: true })) {
    for (const incident of page) {
      const createdAt = timeOf(incident.createdDateTime);
      if (!(createdAt < until)) continue;
      const updatedAt = timeOf(incident.lastUpdateDateTime, createdAt);
      kept.push({ view: toIncidentView(incident), createdAt, updatedAt });
    }
  }
  return kept;
}

/** The incidents of one window, told apart as new or updated. */
export function incidentsInWindow(incidents: readonly CollectedIncident[], window: DigestWindow): DigestIncidentView[] {
  const out: DigestIncidentView[] = [];
  for (const incident of incidents) {
    const change = incidentChange(incident, window);
    if (change) out.push({ ...incident.view, change });
  }
  return out;
}

/**
 * Alerts created in the window (one list filtered on both ends, pages of 1,000). The daily card counts them by
 * service and detection source, so each is kept as its time and a value shared by alerts of the same sources.
 */
async function newAlertsOf(defender: DefenderApi, window: DigestWindow): Promise<Timeline<AlertView>> {
  const timeline = new Timeline<AlertView>();
  const filter = `createdDateTime lt ${isoDate(window.until)}`;
  for await (const page of defender.streamAlertsV2({ createdSince: window.since, filter })) {
    for (const alert of page) {
      const key = `${alert.serviceSource}|${alert.detectionSource}|${alert.severity}`;
      timeline.add(timeOf(alert.createdDateTime, window.since.getTime()), key, () => ({
        id: key,
        title: '',
        severity: alert.severity,
        serviceSource: alert.serviceSource,
        detectionSource: alert.detectionSource,
        createdAt: '',
      }));
    }
  }
  return timeline;
}

/** Collects the daily digest from `widest.since`: four sections in parallel. */
export async function collectDaily(source: CollectSource, widest: DigestWindow): Promise<ViewOf> {
  const { defender, snapshots, log, now } = source;
  const [incidents, alerts, devices, scores] = await Promise.all([
    section('incidents', incidentsOf(defender, widest), log),
    section('newAlerts', newAlertsOf(defender, widest), log),
    listSection('threatenedDevices', deviceThreats(defender), log),
    // Also the daily snapshot of the exposure score and Secure Score for Devices (their APIs keep no history).
    loadScores(defender, snapshots, now, log),
  ]);
  return (window, period) => ({
    kind: 'daily',
    view: {
      period,
      incidents: mapSection(incidents, (list) => incidentsInWindow(list, window)),
      newAlerts: mapSection(alerts, (timeline) => timeline.within(window)),
      threatenedDevices: devices,
      scores,
    },
  });
}
