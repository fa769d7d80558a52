/**
 * The daily digest's data: incidents new or updated since the subscription's last digest (late arrivals included),
 * alerts new since then by source, devices with active threats, and the scores (which also takes the day's score
 * snapshots).
 */
import type { AlertView, DigestIncidentView, IncidentView } from '../cards';
import type { DefenderApi } from '../defender/api';
import { toIncidentView } from '../views/incidents';
import { loadScores } from '../views/scores';
import { listSection, section } from '../views/sections';
import { deviceThreats } from './deviceThreats';
import { mapSection, type Collected, type CollectSource } from './sources';
import {
  alertBaseline,
  alertIsNew,
  baselineFloor,
  incidentBaseline,
  incidentChange,
  timeOf,
  type DigestWindow,
  type ObservedAlert,
  type ObservedIncident,
} from './window';

/** An incident read for the daily digest, with what decides whether it is new or updated. */
interface CollectedIncident extends ObservedIncident {
  view: IncidentView;
}

/** An alert read for the daily digest: the card counts alerts by sources, so all but the id is shared by key. */
interface CollectedAlert extends ObservedAlert {
  value: AlertView;
}

/**
 * Every incident changed at or after `from` (one filtered list, pages of 50): the late-arrival rules need what is
 * visible now, however long ago it was created.
 */
async function incidentsOf(defender: DefenderApi, from: number): Promise<CollectedIncident[]> {
  const kept = new Map<string, CollectedIncident>();
  for await (const page of defender.streamIncidents({ updatedSince: new Date(from), expandAlerts: true })) {
    for (const incident of page) {
      const createdAt = timeOf(incident.createdDateTime);
      if (Number.isNaN(createdAt)) continue;
      const updatedAt = timeOf(incident.lastUpdateDateTime, createdAt);
      const redirected = incident.status === 'redirected';
      // A list that shifts while it is paged may repeat an item; the last reading wins.
      kept.set(incident.id, { id: incident.id, createdAt, updatedAt, redirected, view: toIncidentView(incident) });
    }
  }
  return [...kept.values()];
}

/** Every alert created at or after `from` (one filtered list, pages of 1,000), as its id, time and sources. */
async function alertsOf(defender: DefenderApi, from: number): Promise<CollectedAlert[]> {
  const shared = new Map<string, AlertView>();
  const kept = new Map<string, CollectedAlert>();
  for await (const page of defender.streamAlertsV2({ createdSince: new Date(from) })) {
    for (const alert of page) {
      const createdAt = timeOf(alert.createdDateTime);
      if (Number.isNaN(createdAt)) continue;
      const key = `${alert.serviceSource}|${alert.detectionSource}|${alert.severity}`;
      let value = shared.get(key);
      if (!value) {
        value = {
          id: key,
          title: '',
          severity: alert.severity,
          serviceSource: alert.serviceSource,
          detectionSource: alert.detectionSource,
          createdAt: '',
        };
        shared.set(key, value);
      }
      kept.set(alert.id, { id: alert.id, createdAt, value });
    }
  }
  return [...kept.values()];
}

/** The incidents of one window, told apart as new or updated (redirected ones never listed). */
export function incidentsInWindow(
  incidents: readonly CollectedIncident[],
  baseline: ReturnType<typeof incidentBaseline>,
): DigestIncidentView[] {
  const out: DigestIncidentView[] = [];
  for (const incident of incidents) {
    const change = incidentChange(incident, baseline);
    if (change) out.push({ ...incident.view, change });
  }
  return out;
}

/** Collects the daily digest for every window of a fire: four sections in parallel. */
export async function collectDaily(source: CollectSource, windows: readonly DigestWindow[]): Promise<Collected> {
  const { defender, snapshots, log, now, sightings } = source;
  const incidentFloor = Math.min(...windows.map((w) => baselineFloor(incidentBaseline(w, sightings))));
  const alertFloor = Math.min(...windows.map((w) => baselineFloor(alertBaseline(w, sightings))));
  const [incidents, alerts, devices, scores] = await Promise.all([
    section('incidents', incidentsOf(defender, incidentFloor), log),
    section('newAlerts', alertsOf(defender, alertFloor), log),
    listSection('threatenedDevices', deviceThreats(defender), log),
    // Also the daily snapshot of the exposure score and Secure Score for Devices (their APIs keep no history).
    loadScores(defender, snapshots, now, log),
  ]);
  return {
    observed: {
      incidents: Array.isArray(incidents) ? incidents : undefined,
      alerts: Array.isArray(alerts) ? alerts : undefined,
    },
    viewOf: (window, period) => ({
      kind: 'daily',
      view: {
        period,
        incidents: mapSection(incidents, (list) => incidentsInWindow(list, incidentBaseline(window, sightings))),
        newAlerts: mapSection(alerts, (list) => {
          const baseline = alertBaseline(window, sightings);
          return list.filter((alert) => alertIsNew(alert, baseline)).map((alert) => ({ ...alert.value, id: alert.id }));
        }),
        threatenedDevices: devices,
        scores,
      },
    }),
  };
}
