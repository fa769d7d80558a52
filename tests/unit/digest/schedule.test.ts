/**
 * Schedule helpers: subscription crons, fire keys (the same as node-cron's coordination keys), and the latest fire
 * time used to catch up a digest missed while down.
 */
import { createTask, type RunCoordinator } from 'node-cron';
import { loadConfig } from '../../../src/config';
import {
  describeCron,
  fireAt,
  fireKey,
  latestSlot,
  localTime,
  parseTimeOfDay,
  subscriptionCron,
  taskName,
} from '../../../src/digest/schedule';

/**
 * The latest match at or before `now` and after `since`, found by testing every second (every minute for a cron
 * without seconds, which only fires at second 0): slow, obviously right.
 */
function bruteForceLatest(cron: string, timeZone: string, since: Date, now: Date): Date | undefined {
  const task = createTask(cron, () => undefined, { timezone: timeZone });
  const step = cron.trim().split(/\s+/).length === 6 ? 1000 : 60_000;
  try {
    for (let t = Math.floor(now.getTime() / step) * step; t > since.getTime(); t -= step) {
      if (task.match(new Date(t))) return new Date(t);
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}

describe('latestSlot: the latest fire time, for catching up', () => {
  const cases: [string, string, string, number][] = [
    // cron, time zone, now, hours searched back by brute force
    ['*/10 * * * * *', 'UTC', '2025-06-01T12:00:07.400Z', 1],
    ['0 8 * * *', 'UTC', '2025-06-01T07:59:59.000Z', 30],
    ['0 8 * * *', 'UTC', '2025-06-01T08:00:00.000Z', 30],
    ['30 8 * * 1', 'Europe/Paris', '2025-06-04T10:00:00.000Z', 24 * 8],
    ['0 9 1 * *', 'America/New_York', '2025-06-15T00:00:00.000Z', 24 * 16],
    ['15,45 */6 * * *', 'Asia/Kolkata', '2025-06-01T00:00:00.000Z', 12],
    // The days around Paris' clock changes, away from the changed hour.
    ['0 8 * * *', 'Europe/Paris', '2025-03-30T07:00:00.000Z', 30],
    ['0 8 * * *', 'Europe/Paris', '2025-10-26T08:00:00.000Z', 30],
  ];

  test.each(cases)('%s in %s, at %s, matches a second-by-second search', (cron, timeZone, nowIso, hours) => {
    const now = new Date(nowIso);
    const since = new Date(now.getTime() - hours * 3_600_000);
    const slot = latestSlot(cron, timeZone, since, now);
    expect(slot?.slot.toISOString()).toBe(bruteForceLatest(cron, timeZone, since, now)?.toISOString());
    if (slot) expect(slot.local).toBe(localTime(slot.slot.getTime(), timeZone));
  });

  test('the night the clocks go back, 02:30 happens twice: one slot, due at its first occurrence', () => {
    // Paris, 26 October 2025: 02:30 CEST is 00:30Z, 02:30 CET is 01:30Z.
    for (const now of ['2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z', '2025-10-26T03:00:00Z']) {
      expect(latestSlot('30 2 * * *', 'Europe/Paris', new Date('2025-10-25T12:00:00Z'), new Date(now))).toEqual({
        slot: new Date('2025-10-26T00:30:00.000Z'),
        local: '2025-10-26T02:30:00',
      });
    }
    // node-cron fires the second occurrence: the same fire, so one claim for both.
    const tick = fireAt('daily', '30 2 * * *', new Date('2025-10-26T01:30:00Z'), 'Europe/Paris');
    expect(fireKey(tick)).toBe(fireKey({ kind: 'daily', cron: '30 2 * * *', local: '2025-10-26T02:30:00' }));
    // Once the first occurrence is covered, nothing is due until the next day.
    expect(
      latestSlot('30 2 * * *', 'Europe/Paris', new Date('2025-10-26T00:30:01Z'), new Date('2025-10-26T12:00:00Z')),
    ).toBeUndefined();
  });

  test('the night the clocks go forward, 02:30 does not exist: the slot is due when the clock jumps to 03:00', () => {
    // Paris, 30 March 2025: 02:00 CET (01:00Z) becomes 03:00 CEST. node-cron skips that day's 02:30.
    expect(
      bruteForceLatest(
        '30 2 * * *',
        'Europe/Paris',
        new Date('2025-03-29T12:00:00Z'),
        new Date('2025-03-30T12:00:00Z'),
      ),
    ).toBeUndefined();
    expect(
      latestSlot('30 2 * * *', 'Europe/Paris', new Date('2025-03-29T12:00:00Z'), new Date('2025-03-30T12:00:00Z')),
    ).toEqual({ slot: new Date('2025-03-30T01:00:00.000Z'), local: '2025-03-30T02:30:00' });
    expect(
      latestSlot('30 2 * * *', 'Europe/Paris', new Date('2025-03-29T12:00:00Z'), new Date('2025-03-30T00:59:59Z')),
    ).toBeUndefined();
  });

  test('nothing after `since`: undefined (the subscription already had that slot)', () => {
    const now = new Date('2025-06-01T09:00:00Z');
    expect(latestSlot('0 8 * * *', 'UTC', new Date('2025-06-01T08:00:00Z'), now)).toBeUndefined();
    expect(latestSlot('0 8 * * *', 'UTC', new Date('2025-06-01T07:59:59Z'), now)?.slot.toISOString()).toBe(
      '2025-06-01T08:00:00.000Z',
    );
  });

  test('a monthly cron on the last day of the month is found weeks back', () => {
    const slot = latestSlot('0 9 L * *', 'UTC', undefined, new Date('2025-03-20T00:00:00Z'));
    expect(slot?.slot.toISOString()).toBe('2025-02-28T09:00:00.000Z');
  });

  test('a down time of days is caught up by the latest slot only', () => {
    const slot = latestSlot('0 8 * * *', 'UTC', new Date('2025-05-01T08:00:00Z'), new Date('2025-06-01T10:00:00Z'));
    expect(slot?.slot.toISOString()).toBe('2025-06-01T08:00:00.000Z');
  });
});

describe('fire keys', () => {
  test('a fire is its schedule and wall-clock slot', () => {
    const fire = fireAt('weekly', '30 8 * * 1', new Date('2025-06-02T06:30:00.000Z'), 'Europe/Paris');
    expect(fire.local).toBe('2025-06-02T08:30:00');
    expect(fireKey(fire)).toBe('fire|weekly|30 8 * * 1@2025-06-02T08:30:00');
  });

  test('node-cron coordinates a distributed task on `<task name>:<slot ISO>` (the scheduler reads it back)', async () => {
    const keys: string[] = [];
    const coordinator: RunCoordinator = { shouldRun: (key) => (keys.push(key), false) };
    const cron = '* * * * * *';
    const task = createTask(cron, () => undefined, {
      name: taskName('daily', cron),
      distributed: true,
      runCoordinator: coordinator,
      timezone: 'UTC',
    });
    await task.start();
    await new Promise((r) => setTimeout(r, 1300));
    await task.destroy();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys[0]).toMatch(/^fire\|daily\|\* \* \* \* \* \*:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });
});

describe('subscription schedules', () => {
  const config = loadConfig({ DIGEST_DAILY_CRON: '*/10 * * * * *' });

  test('a subscription follows the default of its kind, or the same days at its own time', () => {
    expect(subscriptionCron(config, { kind: 'weekly' })).toBe('30 8 * * 1');
    expect(subscriptionCron(config, { kind: 'weekly', at: '07:05' })).toBe('5 7 * * 1');
    expect(subscriptionCron(config, { kind: 'monthly', at: '18:30' })).toBe('30 18 1 * *');
    expect(subscriptionCron(config, { kind: 'daily', at: '06:00' })).toBe('0 0 6 * * *');
  });

  test('times of day and crons in words', () => {
    expect(parseTimeOfDay('7:30')).toBe('07:30');
    expect(parseTimeOfDay('24:00')).toBeUndefined();
    expect(describeCron('30 8 * * 1')).toBe('every Monday at 08:30');
    expect(describeCron('0 9 1 * *')).toBe('on day 1 of every month at 09:00');
  });
});
