/**
 * Devices that need attention: active alerts grouped by device, and high risk scores, with their isolation state.
 */
import type { DeviceView, SeverityLevel } from '../cards';
import { byThreat } from '../cards/devices';
import type { DefenderApi } from '../defender/api';
import { supportsSelectiveIsolation } from '../defender/isolation';
import type { Machine, MdeAlert } from '../defender/models';
import { or, quote } from '../defender/odata';
import { readableError as readableFailure, readPages } from './sections';

const SEVERITY_RANK: Record<string, number> = { high: 4, medium: 3, low: 2, informational: 1 };

/** Active (not resolved) MDE alerts, as the device sections need them. */
export const ACTIVE_ALERTS_FILTER = "status ne 'Resolved'";

/** What a device row needs of an alert. */
export type AlertSummary = Pick<MdeAlert, 'title' | 'severity'>;

/** Maps a machine and its active alerts into a card row. */
export function toDeviceView(machine: Machine, alerts: readonly AlertSummary[], isolated: boolean): DeviceView {
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
    selectiveIsolation: supportsSelectiveIsolation(machine),
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

/** Devices Defender rates at some risk: a device's risk is the worst of its active alerts, so this holds them all. */
export const AT_RISK_FILTER = "riskScore ne 'None'";

/** What is kept of one device's active alerts: the count, the few most severe, and the name the alert gives. */
interface DeviceAlerts {
  count: number;
  top: AlertSummary[];
  name?: string;
}

/** Devices that need attention: the riskiest `maxRows` as card rows, and how many there are in all. */
export interface ThreatenedDevices {
  devices: DeviceView[];
  total: number;
  /** Set when Defender's alert or device list could not be read whole: why (the rows are what was read). */
  incomplete?: string;
  /** The failure that cut a list short, for the log. */
  failure?: unknown;
}

/**
 * Devices with active alerts or a high risk score, riskiest first. The active alerts are read first (with the
 * isolation actions alongside), then the devices at risk (a server-side filter: never the whole fleet) are streamed
 * page by page keeping only the riskiest `maxRows` rows and a count, so memory holds one page and the rows the card
 * shows — not the fleet. `show devices` and the daily digest share this one reading.
 *
 * A list cut short after some pages (the alerts, or the devices at risk) still gives the devices it named, marked
 * incomplete; a list that fails before its first page fails the whole reading.
 */
export async function threatenedDevices(defender: DefenderApi, maxRows = Infinity): Promise<ThreatenedDevices> {
  const isolatedRead = isolatedDeviceIds(defender);
  isolatedRead.catch(() => undefined); // awaited below; must not go unhandled if the alerts fail first
  const { byDevice: alertsByDevice, ...alertsRead } = await activeAlertsByDevice(defender);
  const isolated = await isolatedRead;
  const top = new TopRows(maxRows);
  const listed = new Set<string>();
  let machinesRead: Awaited<ReturnType<typeof readPages>>;
  try {
    machinesRead = await readPages(defender.streamMachines({ filter: AT_RISK_FILTER }), (page) => {
      for (const machine of page) {
        const alerts = alertsByDevice.get(machine.id);
        if (machine.riskScore !== 'High' && !alerts) continue;
        listed.add(machine.id);
        top.offer(withAlerts(toDeviceView(machine, [], false), alerts, isolated.has(machine.id)));
      }
    });
  } catch (failure) {
    // No device page at all: the devices the alerts name are still worth listing, as an incomplete list.
    if (alertsByDevice.size === 0) throw failure;
    machinesRead = { incomplete: readableFailure(failure), failure };
  }
  // An alert newer than the device's risk rating: the device is listed from what its alerts say.
  for (const [id, alerts] of alertsByDevice) {
    if (!listed.has(id)) top.offer(withAlerts(deviceFromAlerts(id, alerts), alerts, isolated.has(id)));
  }
  const cut = alertsRead.incomplete !== undefined ? alertsRead : machinesRead;
  return { devices: top.rows(), total: top.total, ...cut };
}

/** The riskiest `max` rows seen so far, and how many were offered. */
class TopRows {
  private readonly kept: DeviceView[] = [];
  total = 0;

  constructor(private readonly max: number) {}

  offer(row: DeviceView): void {
    this.total++;
    if (this.kept.length >= this.max && byThreat(row, this.kept[this.kept.length - 1]) >= 0) return;
    let low = 0;
    let high = this.kept.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (byThreat(this.kept[mid], row) <= 0) low = mid + 1;
      else high = mid;
    }
    this.kept.splice(low, 0, row);
    if (this.kept.length > this.max) this.kept.pop();
  }

  rows(): DeviceView[] {
    return [...this.kept];
  }
}

async function activeAlertsByDevice(
  defender: DefenderApi,
): Promise<{ byDevice: Map<string, DeviceAlerts>; incomplete?: string; failure?: unknown }> {
  const byDevice = new Map<string, DeviceAlerts>();
  const strings = new Map<string, string>();
  const intern = (text: string) => strings.get(text) ?? (strings.set(text, text), text);
  const read = await readPages(defender.streamAlerts({ filter: ACTIVE_ALERTS_FILTER }), (page) => {
    for (const alert of page) {
      if (!alert.machineId) continue;
      const entry = byDevice.get(alert.machineId) ?? { count: 0, top: [] };
      entry.count++;
      entry.top = keepMostSevere(entry.top, { title: intern(alert.title), severity: intern(alert.severity) }, 5);
      entry.name ??= alert.computerDnsName || undefined;
      byDevice.set(alert.machineId, entry);
    }
  });
  return { byDevice, ...read };
}

function withAlerts(device: DeviceView, alerts: DeviceAlerts | undefined, isolated: boolean): DeviceView {
  if (!alerts) return { ...device, isolated };
  const { topAlertTitles, highestAlertSeverity } = toDeviceView(
    { id: device.id, computerDnsName: device.name, osPlatform: '', healthStatus: '', riskScore: '', machineTags: [] },
    alerts.top,
    isolated,
  );
  return { ...device, topAlertTitles, highestAlertSeverity, activeAlertCount: alerts.count, isolated };
}

function deviceFromAlerts(id: string, alerts: DeviceAlerts): DeviceView {
  return toDeviceView(
    { id, computerDnsName: alerts.name ?? id, osPlatform: '', healthStatus: '', riskScore: '', machineTags: [] },
    [],
    false,
  );
}

function keepMostSevere(top: AlertSummary[], alert: AlertSummary, max: number): AlertSummary[] {
  if (top.length >= max && severityRank(alert) <= severityRank(top[top.length - 1])) return top;
  return [...top, alert].sort((a, b) => severityRank(b) - severityRank(a)).slice(0, max);
}

function severityRank(alert: AlertSummary): number {
  return SEVERITY_RANK[alert.severity.toLowerCase()] ?? 0;
}
