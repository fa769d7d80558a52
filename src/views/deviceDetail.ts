/**
 * One device by name or id, with what its card shows: active alerts, isolation state, recent machine actions.
 */
import type { DeviceDetailView } from '../cards';
import type { DefenderApi } from '../defender/api';
import type { Machine } from '../defender/models';
import { quote } from '../defender/odata';
import { toMachineActionView } from './actions';
import { toDeviceView } from './devices';

/** Most devices a name search reads. */
export const NAME_SEARCH_LIMIT = 50;
/** Most recent machine actions a device card lists. */
const RECENT_ACTIONS = 10;

/** What a name matched: one device, several to choose from, or none. */
export type NameMatch = { kind: 'one'; device: Machine } | { kind: 'several'; devices: Machine[] } | { kind: 'none' };

/**
 * Picks the devices a typed name means among `candidates` (devices whose DNS name starts with it): an exact
 * match of the whole DNS name or of its host part (before the first dot), case-insensitive, wins; otherwise every
 * prefix match counts, and one is the device.
 */
export function matchDeviceName(query: string, candidates: readonly Machine[]): NameMatch {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const named = candidates.filter((m) => m.computerDnsName);
  const exact = named.filter((m) => {
    const name = m.computerDnsName.toLowerCase();
    return name === q || name.split('.')[0] === q;
  });
  const prefix = named.filter((m) => m.computerDnsName.toLowerCase().startsWith(q));
  const matches = exact.length > 0 ? exact : prefix;
  if (matches.length === 0) return { kind: 'none' };
  if (matches.length === 1) return { kind: 'one', device: matches[0] };
  return { kind: 'several', devices: matches };
}

/** Finds devices by DNS name (one `$filter=startswith(computerDnsName, …)` call). */
export async function findDevicesByName(
  defender: Pick<DefenderApi, 'listMachines'>,
  query: string,
): Promise<NameMatch> {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const candidates = await defender.listMachines({
    filter: `startswith(computerDnsName,${quote(q)})`,
    limit: NAME_SEARCH_LIMIT,
  });
  return matchDeviceName(q, candidates);
}

/** Loads what a device card shows (two calls in parallel: the device's alerts and its machine actions). */
export async function loadDeviceDetail(
  defender: Pick<DefenderApi, 'listMachineAlerts' | 'listMachineActions'>,
  machine: Machine,
  preferFullScan: boolean,
): Promise<DeviceDetailView> {
  const [alerts, actions] = await Promise.all([
    defender.listMachineAlerts(machine.id),
    defender.listMachineActions({ filter: `machineId eq ${quote(machine.id)}` }),
  ]);
  const active = alerts.filter((a) => a.status.toLowerCase() !== 'resolved');
  const newestFirst = [...actions].sort((a, b) => (a.creationDateTimeUtc < b.creationDateTimeUtc ? 1 : -1));
  const lastContainment = newestFirst.find(
    (a) => (a.type === 'Isolate' || a.type === 'Unisolate') && a.status === 'Succeeded',
  );
  return {
    device: toDeviceView(machine, active, lastContainment?.type === 'Isolate'),
    recentActions: newestFirst.slice(0, RECENT_ACTIONS).map(toMachineActionView),
    preferFullScan,
  };
}
