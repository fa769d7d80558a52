/**
 * Devices that need attention: active alerts grouped by device, and high risk scores, with their isolation state.
 */
import type { DeviceView, SeverityLevel } from '../cards';
import type { DefenderApi } from '../defender/api';
import type { Machine, MdeAlert } from '../defender/models';
import { or, quote } from '../defender/odata';

const SEVERITY_RANK: Record<string, number> = { high: 4, medium: 3, low: 2, informational: 1 };

/** Active (not resolved) MDE alerts, as the device sections need them. */
export const ACTIVE_ALERTS_FILTER = "status ne 'Resolved'";

/** Maps a machine and its active alerts into a card row. */
export function toDeviceView(machine: Machine, alerts: readonly MdeAlert[], isolated: boolean): DeviceView {
  const sorted = [...alerts].sort(
    (a, b) => (SEVERITY_RANK[b.severity.toLowerCase()] ?? 0) - (SEVERITY_RANK[a.severity.toLowerCase()] ?? 0),
  );
  const highest = sorted[0]?.severity.toLowerCase();
  return {
    id: machine.id,
    name: machine.computerDnsName || machine.id,
    osPlatform: machine.osPlatform,
    osVersion: machine.version,
    riskScore: machine.riskScore || 'None',
    exposureLevel: machine.exposureLevel,
    healthStatus: machine.healthStatus,
    activeAlertCount: alerts.length,
    topAlertTitles: [...new Set(sorted.map((a) => a.title))].slice(0, 3),
    highestAlertSeverity: highest && highest in SEVERITY_RANK ? (highest as SeverityLevel) : undefined,
    isolated,
    lastSeen: machine.lastSeen,
    lastIpAddress: machine.lastIpAddress,
  };
}

/**
 * Ids of isolated devices: those whose latest succeeded isolation action is `Isolate` (the machine resource has no
 * isolation field). One list call.
 */
export async function isolatedDeviceIds(defender: DefenderApi): Promise<Set<string>> {
  const actions = await defender.listMachineActions({
    filter: `(${or(`type eq ${quote('Isolate')}`, `type eq ${quote('Unisolate')}`)}) and status eq ${quote('Succeeded')}`,
  });
  const latest = new Map<string, { type: string; at: string }>();
  for (const a of actions) {
    const seen = latest.get(a.machineId);
    if (!seen || seen.at < a.creationDateTimeUtc) latest.set(a.machineId, { type: a.type, at: a.creationDateTimeUtc });
  }
  return new Set([...latest].filter(([, a]) => a.type === 'Isolate').map(([id]) => id));
}

/**
 * Devices with active alerts or a high risk score (the cards order them). Alerts, then machines, are streamed page
 * by page keeping only the devices that matter, so memory does not grow with the size of the fleet.
 */
export async function threatenedDevices(defender: DefenderApi): Promise<DeviceView[]> {
  const isolatedPromise = isolatedDeviceIds(defender);
  const alertsByDevice = new Map<string, { count: number; top: MdeAlert[] }>();
  for await (const page of defender.streamAlerts({ filter: ACTIVE_ALERTS_FILTER })) {
    for (const alert of page) {
      if (!alert.machineId) continue;
      const entry = alertsByDevice.get(alert.machineId) ?? { count: 0, top: [] };
      entry.count++;
      entry.top = keepMostSevere(entry.top, alert, 5);
      alertsByDevice.set(alert.machineId, entry);
    }
  }
  const kept: Machine[] = [];
  for await (const page of defender.streamMachines({})) {
    for (const machine of page) if (machine.riskScore === 'High' || alertsByDevice.has(machine.id)) kept.push(machine);
  }
  const isolated = await isolatedPromise;
  return kept
    .map((m) => {
      const alerts = alertsByDevice.get(m.id);
      return { ...toDeviceView(m, alerts?.top ?? [], isolated.has(m.id)), activeAlertCount: alerts?.count ?? 0 };
    });
}

function keepMostSevere(top: MdeAlert[], alert: MdeAlert, max: number): MdeAlert[] {
  const next = [...top, alert].sort(
    (a, b) => (SEVERITY_RANK[b.severity.toLowerCase()] ?? 0) - (SEVERITY_RANK[a.severity.toLowerCase()] ?? 0),
  );
  return next.slice(0, max);
}
