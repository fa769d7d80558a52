/**
 * Digest windows: the first period, one window per watermark, and which incidents a window lists as new or updated.
 */
import {
  digestWindow,
  firstPeriodStart,
  groupByWatermark,
  incidentChange,
  widestWindow,
  windowDays,
  type DigestWindow,
} from '../../../src/digest/window';
import type { Subscription } from '../../../src/store/subscriptions';

const UNTIL = new Date('2025-03-31T08:00:00.000Z');

function subscription(conversationId: string, watermark?: string): Subscription {
  return { conversationId, kind: 'daily', createdAt: '2025-01-01T00:00:00.000Z', ...(watermark ? { watermark } : {}) };
}

const at = (iso: string) => Date.parse(iso);
const window = (since: string, until: string): DigestWindow => ({
  since: new Date(since),
  until: new Date(until),
  first: false,
});

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

describe('new versus updated incidents', () => {
  const w = window('2025-03-30T08:00:00.000Z', '2025-03-31T08:00:00.000Z');

  test('created in the window: new, even if also updated since', () => {
    expect(incidentChange({ createdAt: at('2025-03-30T09:00:00Z'), updatedAt: at('2025-03-31T07:00:00Z') }, w)).toBe(
      'new',
    );
  });

  test('created before the window and changed in it: updated', () => {
    expect(incidentChange({ createdAt: at('2025-03-01T09:00:00Z'), updatedAt: at('2025-03-30T10:00:00Z') }, w)).toBe(
      'updated',
    );
  });

  test('created before and changed after the window closed (during the collection): updated, and again next time', () => {
    expect(incidentChange({ createdAt: at('2025-03-01T09:00:00Z'), updatedAt: at('2025-03-31T08:00:01Z') }, w)).toBe(
      'updated',
    );
  });

  test('unchanged since before the window: not listed', () => {
    expect(
      incidentChange({ createdAt: at('2025-03-01T09:00:00Z'), updatedAt: at('2025-03-29T10:00:00Z') }, w),
    ).toBeUndefined();
  });

  test('created after the window closed: not listed now, new in the next digest', () => {
    const late = { createdAt: at('2025-03-31T08:00:00Z'), updatedAt: at('2025-03-31T08:00:00Z') };
    expect(incidentChange(late, w)).toBeUndefined();
    expect(incidentChange(late, window('2025-03-31T08:00:00.000Z', '2025-04-01T08:00:00.000Z'))).toBe('new');
  });

  test('over consecutive windows every incident is listed as new exactly once, whatever its updates', () => {
    const edges = Array.from({ length: 11 }, (_, i) => Date.UTC(2025, 2, 1) + i * 86_400_000 + (i % 3) * 7_000);
    const windows = edges
      .slice(1)
      .map((until, i) => ({ since: new Date(edges[i]), until: new Date(until), first: false }));
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const span = edges.at(-1)! - edges[0];
    for (let n = 0; n < 500; n++) {
      const createdAt = edges[0] + Math.floor(random() * span);
      const updatedAt = createdAt + Math.floor(random() * 3 * 86_400_000);
      const news = windows.filter((win) => incidentChange({ createdAt, updatedAt }, win) === 'new');
      expect(news).toHaveLength(1);
    }
  });
});
