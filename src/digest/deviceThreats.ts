/**
 * Devices with active threats for the daily digest, in memory that does not grow with the fleet: the card lists the
 * riskiest few and counts the rest, so only those few are kept as rows.
 */
import type { DeviceView } from '../cards';
import { byThreat } from '../cards/devices';
import { DAILY_DEVICE_ROWS } from '../cards/digestDaily';
import type { DefenderApi } from '../defender/api';
import { ACTIVE_ALERTS_FILTER, isolatedDeviceIds, toDeviceView, type AlertSummary } from '../views/devices';

/**
 * The entry that stands for every threatened device beyond the listed ones: counted by the card ("and N more"),
 * never shown, because it sorts after any real one (no alert, no known risk score) and the card lists at most
 * `DAILY_DEVICE_ROWS` rows.
 */
export const COUNTED_DEVICE: DeviceView = Object.freeze({
  id: '',
  name: '',
  osPlatform: '',
  riskScore: '',
  healthStatus: '',
  activeAlertCount: 0,
  topAlertTitles: [],
  isolated: false,
}) as DeviceView;

const SEVERITY_RANK: Record<string, number> = { high: 4, medium: 3, low: 2, informational: 1 };
/** Alert titles kept per device (the row shows three). */
const TITLES_PER_DEVICE = 5;

interface DeviceAlerts {
  count: number;
  top: AlertSummary[];
}

/**
 * Devices with active (not resolved) alerts or a high risk score, riskiest first: the first `rows` as full rows,
 * every other one as `COUNTED_DEVICE`. Three list reads (active alerts, devices, isolation actions), streamed page
 * by page; per device only a count and a few interned alert titles are held.
 */
export async function deviceThreats(defender: DefenderApi, rows = DAILY_DEVICE_ROWS): Promise<DeviceView[]> {
  const isolatedRead = isolatedDeviceIds(defender);
  isolatedRead.catch(() => undefined); // awaited below; a failure must not go unhandled while alerts stream
  const strings = new Map<string, string>();
  const intern = (s: string) => strings.get(s) ?? (strings.set(s, s), s);
  const alertsByDevice = new Map<string, DeviceAlerts>();
  for await (const page of defender.streamAlerts({ filter: ACTIVE_ALERTS_FILTER })) {
    for (const alert of page) {
      if (!alert.machineId) continue;
      const entry = alertsByDevice.get(alert.machineId) ?? { count: 0, top: [] };
      entry.count++;
      entry.top = mostSevere(entry.top, { title: intern(alert.title), severity: intern(alert.severity) });
      alertsByDevice.set(alert.machineId, entry);
    }
  }
  const isolated = await isolatedRead;
  const top: DeviceView[] = [];
  let total = 0;
  for await (const page of defender.streamMachines()) {
    for (const machine of page) {
      const alerts = alertsByDevice.get(machine.id);
      if (!alerts && machine.riskScore !== 'High') continue;
      total++;
      const view = {
        ...toDeviceView(machine, alerts?.top ?? [], isolated.has(machine.id)),
        activeAlertCount: alerts?.count ?? 0,
      };
      if (top.length < rows || byThreat(view, top[top.length - 1]) < 0) {
        top.push(view);
        top.sort(byThreat);
        if (top.length > rows) top.pop();
      }
    }
  }
  return [...top, ...new Array<DeviceView>(total - top.length).fill(COUNTED_DEVICE)];
}

function mostSevere(top: AlertSummary[], alert: AlertSummary): AlertSummary[] {
  if (top.length >= TITLES_PER_DEVICE && rank(alert) <= rank(top[top.length - 1])) return top;
  return [...top, alert].sort((a, b) => rank(b) - rank(a)).slice(0, TITLES_PER_DEVICE);
}

function rank(alert: AlertSummary): number {
  return SEVERITY_RANK[alert.severity.toLowerCase()] ?? 0;
}
