/**
 * Digest windows: the first period, one window per watermark, and which incidents a window lists as new or updated.
 */
import {
  alertBaseline,
  alertIsNew,
  digestWindow,
  firstPeriodStart,
  groupByWatermark,
  incidentBaseline,
  incidentChange,
  seenAfter,
  sightingOf,
  widestWindow,
  windowDays,
} from '../../../src/digest/window';
import type { Subscription } from '../../../src/store/subscriptions';

const UNTIL = new Date('2025-03-31T08:00:00.000Z');

function subscription(conversationId: string, watermark?: string): Subscription {
  return { conversationId, kind: 'daily', createdAt: '2025-01-01T00:00:00.000Z', ...(watermark ? { watermark } : {}) };
}

const at = (iso: string) => Date.parse(iso);

describe('the first digest covers the last period', () => {
  test('24 hours for the daily digest, 7 days for the weekly one', () => {
    expect(firstPeriodStart('daily', UNTIL).toISOString()).toBe('2025-03-30T08:00:00.000Z');
    expect(firstPeriodStart('weekly', UNTIL).toISOString()).toBe('2025-03-24T08:00:00.000Z');
  });

  test('one calendar month for the monthly one, the day kept within the shorter month', () => {
    expect(firstPeriodStart('monthly', UNTIL).toISOString()).toBe('2025-02-28T08:00:00.000Z');
    expect(firstPeriodStart('monthly', new Date('2024-03-31T09:00:00Z')).toISOString()).toBe(
      '2024-02-29T09:00:00.000Z',
    );
    expect(firstPeriodStart('monthly', new Date('2025-01-15T09:00:00Z')).toISOString()).toBe(
      '2024-12-15T09:00:00.000Z',
    );
  });

  test('a subscription without a watermark gets the first-period window, marked first', () => {
    expect(digestWindow('weekly', undefined, UNTIL)).toEqual({
      since: new Date('2025-03-24T08:00:00.000Z'),
      until: UNTIL,
      first: true,
    });
  });
});

describe('later digests cover everything since the watermark', () => {
  test('the window starts at the watermark, however old', () => {
    const watermark = '2025-03-20T08:00:00.000Z';
    expect(digestWindow('daily', watermark, UNTIL)).toEqual({ since: new Date(watermark), until: UNTIL, first: false });
  });

  test('a watermark at or after the end (a clock behind the last post) gives an empty window, never a negative one', () => {
    const w = digestWindow('daily', '2025-03-31T08:00:05.000Z', UNTIL);
    expect(w.since).toEqual(UNTIL);
    expect(w.first).toBe(false);
  });
});

describe('subscriptions of one fire are grouped by watermark', () => {
  test('1,000 conversations with the same watermark make one group, so one card', () => {
    const subs = Array.from({ length: 1000 }, (_, i) =>
      subscription(`19:c${i}@thread.tacv2`, '2025-03-30T08:00:00.000Z'),
    );
    const groups = groupByWatermark('daily', subs, UNTIL);
    expect(groups).toHaveLength(1);
    expect(groups[0].subscriptions).toHaveLength(1000);
  });

  test('different watermarks make one group each, oldest first, and first digests group together', () => {
    const groups = groupByWatermark(
      'daily',
      [
        subscription('a', '2025-03-30T08:00:00.000Z'),
        subscription('b'),
        subscription('c', '2025-03-28T08:00:00.000Z'),
        subscription('d'),
        subscription('e', '2025-03-30T08:00:00.000Z'),
      ],
      UNTIL,
    );
    expect(
      groups.map((g) => [g.window.since.toISOString(), g.window.first, g.subscriptions.map((s) => s.conversationId)]),
    ).toEqual([
      ['2025-03-28T08:00:00.000Z', false, ['c']],
      ['2025-03-30T08:00:00.000Z', false, ['a', 'e']],
      ['2025-03-30T08:00:00.000Z', true, ['b', 'd']],
    ]);
    expect(widestWindow(groups.map((g) => g.window)).since.toISOString()).toBe('2025-03-28T08:00:00.000Z');
  });

  test('a month-long window spans 31 days of Secure Score history', () => {
    expect(windowDays(digestWindow('monthly', undefined, UNTIL))).toBe(31);
  });
});

describe('new versus updated incidents, before any sighting (a first digest): since the window started', () => {
  const since = { since: at('2025-03-30T08:00:00.000Z') };
  const incident = (createdAt: string, updatedAt: string, redirected = false) => ({
    id: 'x',
    createdAt: at(createdAt),
    updatedAt: at(updatedAt),
    redirected,
  });

  test('created in the period: new, even if also updated since', () => {
    expect(incidentChange(incident('2025-03-30T09:00:00Z', '2025-03-31T07:00:00Z'), since)).toBe('new');
  });

  test('created before and changed since: updated', () => {
    expect(incidentChange(incident('2025-03-01T09:00:00Z', '2025-03-30T10:00:00Z'), since)).toBe('updated');
  });

  test('unchanged since before the period: not listed', () => {
    expect(incidentChange(incident('2025-03-01T09:00:00Z', '2025-03-29T10:00:00Z'), since)).toBeUndefined();
  });

  test('merged into another incident (redirected): never listed, the other one is', () => {
    expect(incidentChange(incident('2025-03-30T09:00:00Z', '2025-03-30T09:00:00Z', true), since)).toBeUndefined();
  });
});

describe('against the sighting of the previous digest: late arrivals are new once, changes are updates once', () => {
  const L = 6 * 3_600_000;
  const previous = new Date('2025-03-30T08:00:00.000Z');
  const seenBefore = sightingOf(
    's1',
    previous,
    L,
    [
      { id: 'seen', createdAt: at('2025-03-30T05:00:00Z'), updatedAt: at('2025-03-30T06:00:00Z'), redirected: false },
      { id: 'old', createdAt: at('2025-03-01T05:00:00Z'), updatedAt: at('2025-03-01T06:00:00Z'), redirected: false },
    ],
    [{ id: 'a-seen', createdAt: at('2025-03-30T07:00:00Z') }],
  );
  const baseline = incidentBaseline(
    digestWindow('daily', previous.toISOString(), UNTIL, { incidents: { sighting: 's1' }, alerts: { sighting: 's1' } }),
    new Map([['s1', seenBefore]]),
  );

  test('the sighting keeps only what could still be late: changed within the late window before it', () => {
    expect([...seenBefore.incidents!.keys()]).toEqual(['seen']);
    expect(seenBefore.floor).toBe(at('2025-03-30T02:00:00Z'));
    expect(baseline).toEqual({ floor: seenBefore.floor, seen: seenBefore.incidents });
  });

  test('created at 07:59, first visible at 08:05 (after the previous digest read): new now', () => {
    const late = { id: 'late', createdAt: at('2025-03-30T07:59:00Z'), updatedAt: at('2025-03-30T07:59:00Z') };
    expect(incidentChange({ ...late, redirected: false }, baseline)).toBe('new');
  });

  test('seen by the previous digest and not changed since: not listed again; changed since: updated', () => {
    const seen = { id: 'seen', createdAt: at('2025-03-30T05:00:00Z'), redirected: false };
    expect(incidentChange({ ...seen, updatedAt: at('2025-03-30T06:00:00Z') }, baseline)).toBeUndefined();
    expect(incidentChange({ ...seen, updatedAt: at('2025-03-30T09:00:00Z') }, baseline)).toBe('updated');
  });

  test('an older incident changed after the floor (a late update): updated, never new', () => {
    const old = { id: 'old', createdAt: at('2025-03-01T05:00:00Z'), redirected: false };
    expect(incidentChange({ ...old, updatedAt: at('2025-03-30T03:00:00Z') }, baseline)).toBe('updated');
    expect(incidentChange({ ...old, updatedAt: at('2025-03-01T06:00:00Z') }, baseline)).toBeUndefined();
  });

  test('alerts: counted new when the previous digest could have seen them and did not', () => {
    const alerts = alertBaseline(
      digestWindow('daily', previous.toISOString(), UNTIL, { alerts: { sighting: 's1' } }),
      new Map([['s1', seenBefore]]),
    );
    expect(alertIsNew({ id: 'a-seen', createdAt: at('2025-03-30T07:00:00Z') }, alerts)).toBe(false);
    expect(alertIsNew({ id: 'a-late', createdAt: at('2025-03-30T07:00:00Z') }, alerts)).toBe(true);
    expect(alertIsNew({ id: 'a-old', createdAt: at('2025-03-29T07:00:00Z') }, alerts)).toBe(false);
  });

  test('a sighting that is gone leaves the window start as the baseline', () => {
    const window = digestWindow('daily', previous.toISOString(), UNTIL, { incidents: { sighting: 'pruned' } });
    expect(incidentBaseline(window, new Map())).toEqual({ since: previous.getTime() });
  });

  test('after a digest whose incident list could not be read, the next one keeps the old baseline', () => {
    const window = digestWindow('daily', previous.toISOString(), UNTIL, { incidents: { sighting: 's1' } });
    expect(seenAfter(window, { id: 's2', alerts: new Set() })).toEqual({
      incidents: { sighting: 's1' },
      alerts: { sighting: 's2' },
    });
    const first = digestWindow('daily', undefined, UNTIL);
    expect(seenAfter(first, undefined)).toEqual({
      incidents: { since: first.since.toISOString() },
      alerts: { since: first.since.toISOString() },
    });
  });

  test('over consecutive digests, with arrivals up to the late window and repeated updates, every incident is new exactly once and every change listed once', () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const HOUR = 3_600_000;
    const start = at('2025-03-01T08:00:00Z');
    // Digests at irregular times (a delayed fire, a restart), about a day apart.
    const digests = Array.from({ length: 30 }, (_, i) => start + (i + 1) * 24 * HOUR + Math.floor(random() * 3 * HOUR));
    interface Event {
      visible: number;
      updatedAt: number;
    }
    const items = Array.from({ length: 800 }, (_, n) => {
      const createdAt = start + Math.floor(random() * 29 * 24 * HOUR);
      const events: Event[] = [{ visible: createdAt + Math.floor(random() * L), updatedAt: createdAt }];
      for (let k = 0, t = createdAt; k < 3 && random() < 0.6; k++) {
        t += Math.floor(random() * 40 * HOUR);
        events.push({ visible: t + Math.floor(random() * L), updatedAt: t });
      }
      return { id: `i${n}`, createdAt, events };
    });
    const observe = (now: number) =>
      items.flatMap((item) => {
        const visible = item.events.filter((e) => e.visible <= now);
        if (visible.length === 0) return [];
        const updatedAt = Math.max(...visible.map((e) => e.updatedAt));
        return [{ id: item.id, createdAt: item.createdAt, updatedAt, redirected: false }];
      });
    const news = new Map<string, number>();
    const changes = new Map<string, number>();
    let window = digestWindow('daily', undefined, new Date(start));
    let sightings = new Map<string, ReturnType<typeof sightingOf>>();
    for (const [k, until] of digests.entries()) {
      window = digestWindow('daily', window.until.toISOString(), new Date(until), k === 0 ? undefined : window.seen);
      const observed = observe(until);
      const baseline = k === 0 ? { since: start } : incidentBaseline(window, sightings);
      for (const incident of observed) {
        const change = incidentChange(incident, baseline);
        if (change === 'new') news.set(incident.id, (news.get(incident.id) ?? 0) + 1);
        if (change) {
          const key = `${incident.id}@${incident.updatedAt}`;
          changes.set(key, (changes.get(key) ?? 0) + 1);
        }
      }
      const sighting = sightingOf(`s${k}`, new Date(until), L, observed, []);
      sightings = new Map([[sighting.id, sighting]]);
      window = { ...window, seen: seenAfter(window, sighting) };
    }
    const visibleByEnd = items.filter((i) => i.events[0].visible <= digests.at(-1)!);
    expect(visibleByEnd.length).toBeGreaterThan(700);
    for (const item of visibleByEnd) expect(news.get(item.id)).toBe(1);
    expect([...changes.values()].every((n) => n === 1)).toBe(true);
  });
});
