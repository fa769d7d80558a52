/**
 * The action tracker: follows a started action with backoff, updates its card at each status change, frees the
 * intent when it ends, and picks stored trackers up again after a restart.
 */
import { CardRouter } from '../../../src/actions';
import { START_GRACE_MS } from '../../../src/actions/intents';
import { ActionTracker, START_UNKNOWN } from '../../../src/actions/tracker';
import { ANN, CONVERSATION, DEVICE_ID, fakeServices, statusFact, textOf } from './fakeServices';

jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

/** Moves the fake timers and the services clock together. */
async function advance(env: ReturnType<typeof fakeServices>, ms: number): Promise<void> {
  for (let step = 0; step < ms; step += 250) {
    env.clock.now = new Date(env.clock.now.getTime() + 250);
    await jest.advanceTimersByTimeAsync(250);
  }
}

const SCAN = { deviceId: DEVICE_ID, scanType: 'Quick' };

describe('ActionTracker', () => {
  it('updates the card in place at each status change, and only then, until the action ends', async () => {
    const env = fakeServices();
    const tracker = new ActionTracker(env.services);
    await tracker.start();
    const router = new CardRouter(env.services, tracker);
    await router.handle({ verb: 'scan', data: SCAN, user: ANN, conversation: CONVERSATION, cardActivityId: 'card-1' });

    await advance(env, 3000); // several checks, still Pending: no update
    expect(env.updates).toHaveLength(0);
    env.defender.actionStatus = 'InProgress';
    await advance(env, 5000);
    env.defender.actionStatus = 'Succeeded';
    await advance(env, 5000);
    expect(env.updates.map((u) => u.activityId)).toEqual(['card-1', 'card-1']);
    expect(env.updates.map((u) => statusFact(u.card))).toEqual(['In progress', 'Succeeded']);

    const [stored] = await env.stores.trackers.active();
    expect(stored).toBeUndefined();
    // The intent is free again: a new click scans again.
    await router.handle({ verb: 'scan', data: SCAN, user: ANN, conversation: CONVERSATION, cardActivityId: 'card-2' });
    expect(env.defender.posts).toHaveLength(2);
    const results = (await env.stores.audit.recent(20)).map((e) => `${e.action}:${e.outcome}`);
    expect(results).toContain('runAntiVirusScan:succeeded');
    await tracker.stop();
  });

  it('a restarted tracker resumes stored trackers and brings their cards to the final state', async () => {
    const env = fakeServices();
    const first = new ActionTracker(env.services);
    await first.start();
    await new CardRouter(env.services, first).handle({
      verb: 'scan',
      data: SCAN,
      user: ANN,
      conversation: CONVERSATION,
      cardActivityId: 'card-1',
    });
    await first.stop();

    env.defender.actionStatus = 'Succeeded';
    await advance(env, 10_000);
    expect(env.updates).toHaveLength(0); // nobody follows while stopped

    const second = new ActionTracker(env.services);
    await second.start();
    await advance(env, 2000);
    expect(env.updates.map((u) => statusFact(u.card))).toEqual(['Succeeded']);
    await second.stop();
  });

  it('a tracker whose start Defender never answered (the bot stopped) is settled as unknown, not left running', async () => {
    const env = fakeServices();
    env.defender.postDelayMs = 60 * 60_000; // the call never comes back before the "restart"
    const first = new ActionTracker(env.services);
    const router = new CardRouter(env.services, first);
    const pending = router.handle({
      verb: 'investigate',
      data: { deviceId: DEVICE_ID },
      user: ANN,
      conversation: CONVERSATION,
      cardActivityId: 'card-1',
    });
    await advance(env, 3500);
    expect((await pending).kind).toBe('replaceForAll');
    // A crash: the first process is simply gone (a clean stop would wait for the call).

    const second = new ActionTracker(env.services);
    await second.start();
    await advance(env, START_GRACE_MS + 1000);
    expect(await env.stores.trackers.active()).toHaveLength(0);
    expect(textOf(env.updates.at(-1)?.card)).toContain(START_UNKNOWN.slice(0, 40));
    await second.stop();
  });

  it('after a restart, a start Defender never answered is looked up: a found scan is followed, not written off', async () => {
    const env = fakeServices();
    env.defender.postDelayMs = 60 * 60_000;
    const first = new ActionTracker(env.services);
    const pending = new CardRouter(env.services, first).handle({
      verb: 'scan',
      data: SCAN,
      user: ANN,
      conversation: CONVERSATION,
      cardActivityId: 'card-1',
    });
    await advance(env, 3500);
    await pending;
    // Defender did start it; only its answer is lost with the crashed process.
    const comment = env.defender.posts[0].comment;
    env.defender.started.push({
      kind: 'machineAction',
      id: '0000000f-1111-4222-8333-444444444444',
      type: 'RunAntiVirusScan',
      machineId: DEVICE_ID,
      comment,
      at: new Date().toISOString(),
    });
    env.defender.actionStatus = 'InProgress';

    const second = new ActionTracker(env.services);
    await second.start();
    await advance(env, START_GRACE_MS + 1000);
    expect(statusFact(env.updates.at(-1)?.card)).toBe('In progress');
    env.defender.actionStatus = 'Succeeded';
    await advance(env, 5000);
    expect(statusFact(env.updates.at(-1)?.card)).toBe('Succeeded');
    const results = (await env.stores.audit.recent(20)).map((e) => `${e.outcome}:${e.detail ?? ''}`);
    expect(results.some((r) => r.startsWith('requested:') && r.includes('found after the bot restarted'))).toBe(true);
    await second.stop();
  });
});
