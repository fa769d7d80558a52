/**
 * Issue 10 acceptance: "A paging test at 25,000 devices and 12,000 alerts with no Defender `nextLink`: every list
 * complete (counts equal)." The simulated tenant over loopback, as it behaves by default (docs/service-behaviour.md):
 * Defender lists answer `$top` without a next link, Graph refuses `$skip` above 500 and `$expand=alerts` with a
 * `$filter` over 500 incidents. Every list the product reads is read with the product's client and compared, id by id,
 * with the simulator's own records. (1,000 incidents and 12,000 machine actions: lists of more than one page each,
 * without making the test longer than it needs to be.)
 */
import { DefenderClient } from '../../../src/defender/client';
import type { PageStream } from '../../../src/defender/api';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { avInfoRows, hasAvInfo } from '../../../src/simulator/render';

jest.setTimeout(120_000);

let sim: RunningSimulator;
let client: DefenderClient;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 10,
    devices: 25_000,
    alerts: 12_000,
    incidents: 1_000,
    actions: 12_000,
    alertIntervalMinutes: 0,
  });
  client = new DefenderClient({
    graphEndpoint: sim.url,
    defenderEndpoint: sim.url,
    graphScope: 'https://graph.microsoft.com/.default',
    defenderScope: 'https://api.securitycenter.microsoft.com/.default',
    retry: { maxRetries: 0 },
  });
});
afterAll(() => sim?.close());

/** Ids of a whole stream, checking that none comes twice. */
async function idsOf<T>(pages: PageStream<T>, key: (item: T) => string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages) for (const item of page) ids.push(key(item));
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

/** The requests the simulator received since `since` for `path` (its log is written when each answer is done). */
async function requestsTo(path: string, since: number) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  return sim.tenant
    .requestLog()
    .filter((e) => e.seq > since && new URL(e.path, 'http://x').pathname === path)
    .map((e) => new URL(e.path, 'http://x').searchParams);
}

const lastSeq = () => sim.tenant.requestLog().at(-1)?.seq ?? 0;
const sorted = (ids: Iterable<string>) => [...ids].sort();

test('the simulator answers Defender lists without a next link, and the tenant is as large as asked', async () => {
  const page = await (await fetch(`${sim.url}/api/machines?$top=10000&$select=id`)).json();
  expect(page.value).toHaveLength(10_000);
  expect(page['@odata.nextLink']).toBeUndefined();
  expect(sim.tenant.data.devices).toHaveLength(25_000);
  expect(sim.tenant.data.alerts).toHaveLength(12_000);
});

test('devices: 25,000, every one once, read with $top and $skip in three pages', async () => {
  const since = lastSeq();
  const ids = await idsOf(client.streamMachines(), (m) => m.id);
  expect(ids).toHaveLength(25_000);
  expect(sorted(ids)).toEqual(sorted(sim.tenant.data.devices.map((d) => d.id)));
  expect((await requestsTo('/api/machines', since)).map((q) => q.get('$skip'))).toEqual([null, '10000', '20000']);
});

test('Defender alerts, machine actions and investigations: each list complete', async () => {
  const data = sim.tenant.data;
  const alerts = await idsOf(client.streamAlerts(), (a) => a.id);
  expect(sorted(alerts)).toEqual(sorted(data.alerts.filter((a) => a.device).map((a) => a.id)));
  const actions = await idsOf(client.streamMachineActions(), (a) => a.id);
  expect(actions.length).toBeGreaterThan(10_000);
  expect(sorted(actions)).toEqual(sorted(data.actions.map((a) => a.id)));
  const investigations = (await client.listInvestigations()).map((i) => i.id);
  expect(sorted(investigations)).toEqual(sorted(data.investigations.map((i) => String(i.id))));
});

test('antivirus health: every row of the report, several for some devices', async () => {
  const rows: string[] = [];
  for await (const page of client.streamDeviceAvInfo()) for (const row of page) rows.push(row.machineId);
  const expected = avInfoRows(sim.tenant.data.devices.filter(hasAvInfo), sim.tenant.context()).map((r) => r.device.id);
  expect(rows.length).toBeGreaterThan(10_000);
  expect(sorted(rows)).toEqual(sorted(expected));
  expect(new Set(rows).size).toBeLessThan(rows.length);
});

test('Graph alerts_v2: 12,000, every one once, through next links ($skip is refused past 500)', async () => {
  const since = lastSeq();
  const ids = await idsOf(client.streamAlertsV2(), (a) => a.id);
  expect(ids).toHaveLength(12_000);
  expect(sorted(ids)).toEqual(sorted(sim.tenant.data.alerts.map((a) => a.id)));
  const requests = await requestsTo('/v1.0/security/alerts_v2', since);
  expect(requests.filter((q) => q.has('$skiptoken'))).toHaveLength(11);
  expect(requests).toHaveLength(12); // pages of 1,000 lie past the $skip limit: no request is wasted on one
});

test('Graph incidents: every one once, $skip pages up to 500 and next links beyond', async () => {
  const since = lastSeq();
  const ids = await idsOf(client.streamIncidents(), (incident) => incident.id);
  expect(ids).toHaveLength(1_000);
  expect(sorted(ids)).toEqual(sorted(sim.tenant.data.incidents.map((i) => String(i.id))));
  const requests = await requestsTo('/v1.0/security/incidents', since);
  expect(requests.filter((q) => q.has('$skip')).map((q) => Number(q.get('$skip')))).toEqual(
    Array.from({ length: 10 }, (_, i) => 50 * (i + 1)),
  );
  expect(requests.filter((q) => q.has('$skiptoken'))).toHaveLength(9);
  expect(requests).toHaveLength(20);
});

test('incidents with their alerts: each with all its alerts, though $expand=alerts with a $filter answers 500', async () => {
  // A day of incidents, and the size above which $expand fails set below it (as on a large tenant).
  sim.tenant.setBehaviour({ expandFilterLimit: 20 });
  const day = new Date(sim.tenant.now() - 86_400_000);
  const since = lastSeq();
  const alertCount = new Map<string, number>();
  await idsOf(client.streamIncidents({ updatedSince: day, expandAlerts: true }), (incident) => {
    alertCount.set(incident.id, incident.alerts?.length ?? -1);
    return incident.id;
  });
  const expected = sim.tenant.data.incidents.filter((i) =>
    [i.updated, ...i.alerts.map((a) => a.lastUpdate)].some((t) => t >= day.getTime()),
  );
  expect(expected.length).toBeGreaterThan(20);
  expect(sorted(alertCount.keys())).toEqual(sorted(expected.map((i) => String(i.id))));
  for (const incident of expected) expect(alertCount.get(String(incident.id))).toBe(incident.alerts.length);
  const incidentRequests = await requestsTo('/v1.0/security/incidents', since);
  expect(incidentRequests[0].get('$expand')).toBe('alerts'); // answered 500
  expect(incidentRequests.slice(1).every((q) => !q.has('$expand'))).toBe(true);
});
