/**
 * Fires, claims and posts: one collection per fire whatever the number of conversations, each conversation posted
 * once across instances and restarts, watermarks that move only after a post that succeeded.
 */
import { FireCoordinator, MAX_FIRE_ATTEMPTS } from '../../../src/digest/coordinator';
import { runFire } from '../../../src/digest/fire';
import { postKey, postOnce } from '../../../src/digest/post';
import { fireKey, type Fire } from '../../../src/digest/schedule';
import { digestWindow } from '../../../src/digest/window';
import { ConversationGoneError } from '../../../src/messenger';
import type { Services } from '../../../src/services';
import { createLogger } from '../../../src/log';
import { memoryStores, quietTenant, recordingMessenger, testClock, testServices, type TestClock } from './fixtures';

const DAILY = '0 8 * * *';
const SLOT = new Date('2025-06-02T08:00:00.000Z');
const FIRE: Fire = { kind: 'daily', cron: DAILY, slot: SLOT, local: '2025-06-02T08:00:00' };
const CREATED = '2025-06-01T00:00:00.000Z';

async function subscribeMany(services: Services, count: number, watermark?: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `19:channel${i}@thread.tacv2`;
    await services.stores.subscriptions.subscribe(id, 'daily', undefined, new Date(CREATED));
    if (watermark) {
      await services.stores.subscriptions.markPosted(id, 'daily', {
        watermark,
        slot: '2025-06-01T08:00:00.000Z',
        at: watermark,
      });
    }
  }
}

const fireOptions = { reason: 'scheduled' as const, leaseMs: 30_000, stopping: () => false };

describe('one collection per fire', () => {
  test('a fire of 1,000 conversations with the same watermark makes the Defender requests of a fire of one', async () => {
    const one = testServices({ defender: quietTenant(), env: { DIGEST_DAILY_CRON: DAILY } });
    await subscribeMany(one, 1, '2025-06-01T08:00:00.000Z');
    await runFire(one, FIRE, fireOptions);

    const many = testServices({ defender: quietTenant(), env: { DIGEST_DAILY_CRON: DAILY } });
    await subscribeMany(many, 1000, '2025-06-01T08:00:00.000Z');
    const result = await runFire(many, FIRE, fireOptions);

    expect(result).toMatchObject({ outcome: 'done', due: 1000, posts: { posted: 1000 } });
    expect((many.defender as unknown as { calls: string[] }).calls.sort()).toEqual(
      (one.defender as unknown as { calls: string[] }).calls.sort(),
    );
    expect((many.messenger as ReturnType<typeof recordingMessenger>).posts).toHaveLength(1000);
  });

  test('a second run of a finished fire posts nothing: every subscription already covers the slot', async () => {
    const services = testServices({ defender: quietTenant(), env: { DIGEST_DAILY_CRON: DAILY } });
    await subscribeMany(services, 3);
    await runFire(services, FIRE, fireOptions);
    const again = await runFire(services, FIRE, fireOptions);
    expect(again).toMatchObject({ outcome: 'done', due: 0 });
    expect((services.messenger as ReturnType<typeof recordingMessenger>).posts).toHaveLength(3);
  });

  test('a subscription created after the slot waits for the next fire', async () => {
    const services = testServices({ defender: quietTenant(), env: { DIGEST_DAILY_CRON: DAILY } });
    await services.stores.subscriptions.subscribe(
      '19:late@thread.tacv2',
      'daily',
      undefined,
      new Date('2025-06-02T08:00:01Z'),
    );
    expect(await runFire(services, FIRE, fireOptions)).toMatchObject({ due: 0 });
  });
});

describe('watermarks move only after a post that succeeded', () => {
  test('a failed post leaves the watermark and slot where they were, and the fire is left for a retry', async () => {
    const messenger = recordingMessenger();
    messenger.fail = () => new Error('Teams answered 500');
    const services = testServices({ defender: quietTenant(), messenger, env: { DIGEST_DAILY_CRON: DAILY } });
    await subscribeMany(services, 1, '2025-06-01T08:00:00.000Z');
    const result = await runFire(services, FIRE, fireOptions);
    expect(result).toMatchObject({ outcome: 'retry', posts: { failed: 1 } });
    const subscription = await services.stores.subscriptions.get('19:channel0@thread.tacv2', 'daily');
    expect(subscription).toMatchObject({ watermark: '2025-06-01T08:00:00.000Z', lastSlot: '2025-06-01T08:00:00.000Z' });
    expect(subscription?.seen).toBeUndefined();

    // Teams is back: the retry posts the same window (nothing missed) and moves the watermark.
    messenger.fail = undefined;
    expect(await runFire(services, FIRE, fireOptions)).toMatchObject({ outcome: 'done', posts: { posted: 1 } });
    const after = await services.stores.subscriptions.get('19:channel0@thread.tacv2', 'daily');
    expect(after?.lastSlot).toBe(SLOT.toISOString());
    expect(after?.lastActivityId).toBe('activity-1');
  });

  test('the bot removed from a conversation (403/404): its subscriptions are removed', async () => {
    const messenger = recordingMessenger();
    messenger.fail = (id) => new ConversationGoneError(id, 403);
    const services = testServices({ defender: quietTenant(), messenger, env: { DIGEST_DAILY_CRON: DAILY } });
    await subscribeMany(services, 1);
    await services.stores.subscriptions.subscribe('19:channel0@thread.tacv2', 'weekly', undefined, new Date(CREATED));
    expect(await runFire(services, FIRE, fireOptions)).toMatchObject({ outcome: 'done', posts: { gone: 1 } });
    expect(await services.stores.subscriptions.forConversation('19:channel0@thread.tacv2')).toEqual([]);
  });

  test('an instance that died after posting but before moving the watermark: the next one only moves it', async () => {
    const stores = memoryStores();
    const clock = testClock('2025-06-02T08:00:05.000Z');
    const messenger = recordingMessenger();
    const services = testServices({ defender: quietTenant(), stores, messenger, clock, instanceId: 'b' });
    await subscribeMany(services, 1);
    const subscription = (await stores.subscriptions.get('19:channel0@thread.tacv2', 'daily'))!;
    // Instance "a" posted (Teams answered with activity "a-1") and died before markPosted.
    const seen = { incidents: { sighting: 'a-sighting' }, alerts: { sighting: 'a-sighting' } };
    await stores.fires.claim(postKey(subscription), 'a', 30_000, new Date('2025-06-02T08:00:01Z'), {
      phase: 'posted',
      activityId: 'a-1',
      until: '2025-06-02T08:00:00.500Z',
      seen,
    });
    const digest = { window: digestWindow('daily', undefined, clock.now()), card: { type: 'AdaptiveCard' } as never };
    expect(await postOnce(services, subscription, FIRE, digest, 30_000)).toBe('held');
    clock.advance(60_000); // "a"'s lease ran out
    expect(await postOnce(services, subscription, FIRE, digest, 30_000)).toBe('posted');
    expect(messenger.posts).toHaveLength(0);
    // What "a" posted is recorded: its window's end and what it reported, not this later collection's.
    expect(await stores.subscriptions.get('19:channel0@thread.tacv2', 'daily')).toMatchObject({
      lastSlot: SLOT.toISOString(),
      lastActivityId: 'a-1',
      watermark: '2025-06-02T08:00:00.500Z',
      seen,
    });
    expect(await postOnce(services, subscription, FIRE, digest, 30_000)).toBe('alreadyPosted');
  });

  test('two fires of one window at once (a catch-up and the scheduled one after a restart): one post', async () => {
    const clock = testClock('2025-06-02T08:00:00.003Z');
    const services = testServices({ defender: quietTenant(), clock, env: { DIGEST_DAILY_CRON: DAILY } });
    await subscribeMany(services, 1, '2025-05-31T08:00:00.000Z');
    const missed: Fire = { ...FIRE, slot: new Date('2025-06-01T08:00:00.000Z'), local: '2025-06-01T08:00:00' };
    const results = await Promise.all([runFire(services, missed, fireOptions), runFire(services, FIRE, fireOptions)]);
    expect((services.messenger as ReturnType<typeof recordingMessenger>).posts).toHaveLength(1);
    expect(results.map((r) => r.posts.posted ?? 0).sort()).toEqual([0, 1]);
    // The one left over is settled once the other finished: its slot is covered by the digest that was posted.
    const again = await runFire(services, FIRE, fireOptions);
    expect(again).toMatchObject({ outcome: 'done', due: 0 });
  });
});

describe('fire claims across instances', () => {
  function coordinators(clock: TestClock) {
    const stores = memoryStores();
    const make = (owner: string) =>
      new FireCoordinator({
        claims: stores.fires,
        owner,
        leaseMs: 30_000,
        now: () => clock.now(),
        log: createLogger({ level: 'silent' }),
      });
    return { stores, a: make('a'), b: make('b') };
  }
  const key = fireKey(FIRE);
  const claimData = { attempts: 1, fire: { kind: 'daily', cron: DAILY, slot: SLOT.toISOString(), local: FIRE.local } };

  test('two instances at the same slot: one runs it, and once finished it never runs again', async () => {
    const clock = testClock();
    const { a, b } = coordinators(clock);
    const [ranA, ranB] = await Promise.all([a.shouldRun(FIRE), b.shouldRun(FIRE)]);
    expect([ranA, ranB].filter(Boolean)).toHaveLength(1);
    const winner = ranA ? a : b;
    winner.settle(key, 'done');
    await winner.onComplete(key);
    clock.advance(3_600_000);
    expect(await a.shouldRun(FIRE)).toBe(false);
    expect(await b.shouldRun(FIRE)).toBe(false);
  });

  test('the same instance does not run a fire twice at once (the cron task and the sweep)', async () => {
    const { a } = coordinators(testClock());
    const [first, second] = await Promise.all([a.shouldRun(FIRE), a.shouldRun(FIRE)]);
    expect([first, second]).toEqual([true, false]);
  });

  test('a fire left by a dead instance is taken over once its lease ran out', async () => {
    const clock = testClock();
    const { stores, b } = coordinators(clock);
    // An instance took the fire and died: its claim is never renewed nor finished.
    await stores.fires.claim(key, 'dead', 30_000, clock.now(), claimData);
    expect(await b.shouldRun(FIRE)).toBe(false);
    clock.advance(31_000);
    expect(await b.shouldRun(FIRE)).toBe(true);
    b.settle(key, 'done');
    await b.onComplete(key);
    expect(await stores.fires.get(key)).toMatchObject({ owner: 'b', data: { attempts: 2, fire: claimData.fire } });
    expect((await stores.fires.get(key))?.doneAt).toBeDefined();
  });

  test(`a fire that keeps failing is given up after ${MAX_FIRE_ATTEMPTS} attempts`, async () => {
    const clock = testClock();
    const { a } = coordinators(clock);
    for (let attempt = 1; attempt <= MAX_FIRE_ATTEMPTS; attempt++) {
      expect(await a.shouldRun(FIRE)).toBe(true);
      a.settle(key, 'retry');
      await a.onComplete(key);
    }
    expect(await a.shouldRun(FIRE)).toBe(false);
  });

  test('stopping gives the held claims up, so another instance takes the fire at once', async () => {
    const clock = testClock();
    const { a, b } = coordinators(clock);
    expect(await a.shouldRun(FIRE)).toBe(true);
    await a.releaseAll();
    expect(await b.shouldRun(FIRE)).toBe(true);
    expect(await a.shouldRun(FIRE)).toBe(false);
  });
});
