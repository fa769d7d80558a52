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
