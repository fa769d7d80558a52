/**
 * The baseline of P3: a daily digest collected the way per-device playbooks do it — list the devices, then ask each
 * device for its alerts (`GET /api/machines/{id}/alerts`) — with the same `DefenderClient`. Everything else is as
 * the product reads it, so the difference is only the per-device loop.
 */
import type { DefenderApi } from '../../src/defender/api';
import type { MdeAlert } from '../../src/defender/models';
import type { DigestWindow } from '../../src/digest/window';

/** Per-device calls in flight at once (a playbook "for each" with a few parallel branches). */
export const NAIVE_CONCURRENCY = 10;

/** What the naive collection found, to check it saw the same tenant. */
export interface NaiveDigest {
  incidents: number;
  newAlerts: number;
  threatenedDevices: number;
}

/** Collects the daily digest's data with one alerts call per device. */
export async function naiveDailyDigest(defender: DefenderApi, window: DigestWindow): Promise<NaiveDigest> {
  const [incidents, newAlerts, threatened] = await Promise.all([
    defender.listIncidents({ updatedSince: window.since, expandAlerts: true }),
    defender.listAlertsV2({ createdSince: window.since, filter: `createdDateTime lt ${window.until.toISOString()}` }),
    threatenedByDevice(defender),
    defender.listMachineActions({
      filter: "(type eq 'Isolate' or type eq 'Unisolate') and status eq 'Succeeded'",
    }),
    defender.listSecureScores(8),
    defender.getExposureScore(),
    defender.getConfigurationScore(),
  ]);
  return { incidents: incidents.length, newAlerts: newAlerts.length, threatenedDevices: threatened };
}

async function threatenedByDevice(defender: DefenderApi): Promise<number> {
  const machines = await defender.listMachines();
  let threatened = 0;
  await forEachLimited(machines, NAIVE_CONCURRENCY, async (machine) => {
    const alerts: MdeAlert[] = await defender.listMachineAlerts(machine.id);
    if (machine.riskScore === 'High' || alerts.some((a) => a.status !== 'Resolved')) threatened++;
  });
  return threatened;
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
