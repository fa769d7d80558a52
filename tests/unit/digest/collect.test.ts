/**
 * Collections: the all-quiet digests of a quiet tenant, a failing section, and one collection serving several
 * windows with the requests of one.
 */
import { validateCard } from '../../../src/cards';
import { collectDigest } from '../../../src/digest/collect';
import { digestCard } from '../../../src/digest/compose';
import { digestWindow, type DigestWindow } from '../../../src/digest/window';
import type { Incident } from '../../../src/defender/models';
import { cardContext } from '../../../src/services';
import { PagingError } from '../../../src/defender/errors';
import { cardText } from '../../helpers/recordingConnector';
import { quietTenant, testServices } from './fixtures';

const UNTIL = new Date('2025-06-02T08:00:00.000Z');

function incident(id: string, created: string, updated: string): Incident {
  return {
    id,
    displayName: `Incident ${id}`,
    description: '',
    createdDateTime: created,
    lastUpdateDateTime: updated,
    severity: 'high',
    status: 'active',
    incidentWebUrl: undefined,
    assignedTo: undefined,
    classification: undefined,
    determination: undefined,
    alerts: [],
  };
}

describe('with nothing new, the digest still comes: short, all quiet, with the scores', () => {
  test.each(['daily', 'weekly', 'monthly'] as const)('the %s digest of a quiet tenant', async (kind) => {
    const services = testServices({ defender: quietTenant() });
    const window = digestWindow(kind, undefined, UNTIL);
    const collection = await collectDigest(services, kind, [window], { reason: 'scheduled' });
    const card = digestCard(cardContext(services), collection.view(window));
    const text = cardText(card);
    if (kind !== 'weekly') {
      expect(text).toMatch(/All quiet since/);
      expect(text).toContain('Secure Score');
      expect(text).toContain('60 / 120');
      expect(text).toMatch(/Exposure score[\s\S]*31\.5/);
    } else {
      // A week always has its scores, and the Secure Score moved 7 points in the simulated history.
      expect(text).toMatch(/7-day change\s+\+7/);
    }
    expect(validateCard(card)).toEqual([]);
    expect(JSON.stringify(card).length).toBeLessThan(kind === 'weekly' ? 20_000 : 6_000);
  });
});

test('a section whose API fails says it is unavailable and the rest of the digest is there', async () => {
  const defender = quietTenant({
    listRecommendations: async () => {
      throw new Error('boom');
    },
  });
  const services = testServices({ defender });
  const window = digestWindow('weekly', undefined, UNTIL);
  const view = (await collectDigest(services, 'weekly', [window], { reason: 'scheduled' })).view(window);
  const text = cardText(digestCard(cardContext(services), view));
  expect(text).toMatch(/Top recommendations by impact\s+Section unavailable/);
  expect(text).toMatch(/Microsoft Secure Score/);
  expect(text).toMatch(/Exposure score/);
});

test('one collection serves several windows: each lists its own incidents, for the requests of one window', async () => {
  const pages = [
    [
      incident('1', '2025-06-02T07:00:00Z', '2025-06-02T07:00:00Z'),
      incident('2', '2025-05-31T10:00:00Z', '2025-06-02T06:00:00Z'),
      incident('3', '2025-05-31T10:00:00Z', '2025-06-01T01:00:00Z'),
      incident('4', '2025-06-02T08:00:01Z', '2025-06-02T08:00:01Z'),
    ],
  ];
  const collectFor = async (windows: DigestWindow[]) => {
    const defender = quietTenant({ streamIncidents: () => pages });
    const services = testServices({ defender });
    const collection = await collectDigest(services, 'daily', windows, { reason: 'scheduled' });
    return { collection, calls: defender.calls };
  };
  const recent = digestWindow('daily', '2025-06-01T08:00:00.000Z', UNTIL);
  const older = digestWindow('daily', '2025-05-31T00:00:00.000Z', UNTIL);
  const one = await collectFor([recent]);
  const two = await collectFor([recent, older]);
  expect(two.calls.sort()).toEqual(one.calls.sort());
  expect(two.collection.requests.total).toBe(one.collection.requests.total);

  const listed = (window: DigestWindow) => {
    const incidents = two.collection.view(window).view as { incidents: { id: string; change: string }[] };
    return incidents.incidents.map((i) => `${i.id}:${i.change}`);
  };
  // Incident 4 was created while the collection ran: it is listed now, and the collection's sighting keeps the
  // next digest from listing it again.
  expect(listed(recent)).toEqual(['1:new', '2:updated', '4:new']);
  expect(listed(older)).toEqual(['1:new', '2:new', '3:new', '4:new']);
  expect(two.collection.sighting?.incidents?.get('4')).toBe(Date.parse('2025-06-02T08:00:01Z'));
});

test('the antivirus health report counts each device once, by its newest row, however many rows it has', async () => {
  const row = (machineId: string, lastSeenTime: string, upToDate: boolean) => ({
    machineId,
    computerDnsName: `${machineId}.contoso.local`,
    avIsSignatureUpToDate: upToDate,
    quickScanResult: 'Completed',
    fullScanResult: 'Completed',
    lastSeenTime,
  });
  const defender = quietTenant({
    streamDeviceAvInfo: () => [
      [row('pc-1', '2025-06-01T00:00:00Z', true), row('pc-1', '2025-05-29T00:00:00Z', false)],
      [
        row('pc-2', '2025-05-28T00:00:00Z', true),
        row('pc-2', '2025-06-01T00:00:00Z', false),
        row('pc-3', '2025-06-01T00:00:00Z', true),
      ],
    ],
  });
  const services = testServices({ defender });
  const window = digestWindow('monthly', undefined, UNTIL);
  const view = (await collectDigest(services, 'monthly', [window], { reason: 'scheduled' })).view(window);
  if (view.kind !== 'monthly' || !Array.isArray(view.view.antivirusHealth)) throw new Error('no antivirus section');
  const health = view.view.antivirusHealth;
  expect(health).toHaveLength(3);
  expect(health.filter((d) => d.signatureUpToDate === false).map((d) => d.deviceId)).toEqual(['pc-2']);
  expect(cardText(digestCard(cardContext(services), view))).toMatch(/Devices reporting\s+3\s+Outdated signatures\s+1/);
});

test('devices with threats read only in part are listed as an incomplete list, never as a shorter one', async () => {
  const machine = (n: number) => ({
    id: String(n).padStart(40, '0'),
    computerDnsName: `pc-${n}.contoso.local`,
    osPlatform: 'Windows11',
    healthStatus: 'Active',
    riskScore: 'High',
    machineTags: [],
  });
  const failing = new PagingError({ api: 'defender', method: 'GET', path: '/api/machines', reason: 'loop', pages: 2 });
  const defender = quietTenant({
    streamMachines: () =>
      (async function* () {
        yield [machine(1), machine(2)];
        throw failing;
      })(),
  });
  const services = testServices({ defender });
  const window = digestWindow('daily', undefined, UNTIL);
  const view = (await collectDigest(services, 'daily', [window], { reason: 'scheduled' })).view(window);
  const text = cardText(digestCard(cardContext(services), view));
  expect(text).toMatch(/Devices with active threats \(2\+\)/);
  expect(text).toContain('Incomplete list: Defender for Endpoint could not list devices');
  expect(text).toMatch(/pc-1\.\u2060contoso/);
  expect(text).toMatch(/could be read\.\n/);
  expect(text).not.toMatch(/All quiet/);
});
