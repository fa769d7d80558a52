/**
 * Lost answers (docs/service-behaviour.md §14): a Defender POST whose answer is lost after it was sent may have
 * started the action. The bot asks Defender before telling anyone: a found action is followed on the card; when
 * Defender shows nothing, the card says the action is not confirmed — never that Defender refused it.
 */
import { CardRouter } from '../../../src/actions';
import { LOOKUP_DELAYS_MS } from '../../../src/actions/lostAnswer';
import { ActionTracker } from '../../../src/actions/tracker';
import { DefenderNetworkError } from '../../../src/defender/errors';
import { ANN, BOB, CONVERSATION, DEVICE_ID, fakeServices, statusFact, textOf } from './fakeServices';

jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });

/** Moves the fake timers and the services clock together. */
async function advance(env: ReturnType<typeof fakeServices>, ms: number): Promise<void> {
  for (let step = 0; step < ms; step += 250) {
    env.clock.now = new Date(env.clock.now.getTime() + 250);
    await jest.advanceTimersByTimeAsync(250);
  }
}

const reset = () =>
  new DefenderNetworkError({ api: 'defender', method: 'POST', path: '/x', kind: 'network', causeCode: 'ECONNRESET' });
const timeout = () =>
  new DefenderNetworkError({ api: 'defender', method: 'POST', path: '/x', kind: 'timeout', timeoutMs: 30_000 });

async function setUp() {
  const env = fakeServices();
  const tracker = new ActionTracker(env.services);
  await tracker.start();
  const router = new CardRouter(env.services, tracker);
  const click = (verb: string, data: unknown, user = ANN, cardActivityId = 'card-1') =>
    router.handle({ verb, data, user, conversation: CONVERSATION, cardActivityId });
  return { env, tracker, click };
}

describe('a Defender POST whose answer is lost', () => {
  it('a scan whose connection was reset after it started shows the scan Defender has, and is followed', async () => {
    const { env, tracker, click } = await setUp();
    env.defender.loseAnswer = reset();
    const answer = await click('scan', { deviceId: DEVICE_ID, scanType: 'Quick' });
    expect(answer.kind).toBe('replaceForAll');
    expect(statusFact((answer as { card: unknown }).card)).toBe('Pending');
    expect(env.defender.posts).toHaveLength(1);
    expect(env.defender.lookups).toBe(1);

    env.defender.actionStatus = 'Succeeded';
    await advance(env, 3000);
    expect(statusFact(env.updates.at(-1)?.card)).toBe('Succeeded');
    const audit = await env.stores.audit.recent(10);
    expect(audit.find((e) => e.outcome === 'requested')?.detail).toMatch(
      /answer was lost; found in the device's action list/,
    );
    expect(audit.some((e) => e.outcome === 'failed' || e.outcome === 'unconfirmed')).toBe(false);
    await tracker.stop();
  });

  it('an investigation whose answer never came shows the investigation Defender has', async () => {
    const { env, tracker, click } = await setUp();
    env.defender.loseAnswer = timeout();
    const answer = await click('investigate', { deviceId: DEVICE_ID });
    expect(statusFact((answer as { card: unknown }).card)).toBe('Running');
    expect(textOf((answer as { card: unknown }).card)).not.toMatch(/refused|not confirmed/i);
    await tracker.stop();
  });

  it('an action that shows in the lists only after a while is still found, and the card follows it', async () => {
    const { env, tracker, click } = await setUp();
    env.defender.loseAnswer = reset();
    env.defender.showsFromLookup = 3;
    const pending = click('scan', { deviceId: DEVICE_ID, scanType: 'Full' });
    await advance(env, 4000);
    // Slower than the invoke budget: the click said "requested", the card shows the scan once it was found.
    expect(statusFact(((await pending) as { card: unknown }).card)).toBe('Requested — waiting for Defender');
    await advance(env, LOOKUP_DELAYS_MS[2] + 2000);
    expect(env.defender.lookups).toBe(3);
    expect(env.updates.map((u) => statusFact(u.card))).toContain('Pending');
    expect(env.defender.posts).toHaveLength(1);
    await tracker.stop();
  });

  it('when Defender shows no such action, the card says "not confirmed", never "refused", and a new click may try again', async () => {
    const { env, tracker, click } = await setUp();
    env.defender.loseAnswer = reset();
    env.defender.showsFromLookup = 99;
    const pending = click('scan', { deviceId: DEVICE_ID, scanType: 'Quick' });
    await advance(env, LOOKUP_DELAYS_MS.reduce((a, b) => a + b, 0) + 3000);
    await pending;
    expect(env.defender.lookups).toBe(LOOKUP_DELAYS_MS.length);
    const shown = textOf(env.updates.at(-1)?.card);
    expect(shown).toContain('Antivirus scan (Quick) on pc-01.contoso.local is not confirmed');
    expect(shown).toContain("Defender's answer to the quick antivirus scan was lost");
    expect(shown).not.toMatch(/refused/i);
    const audit = await env.stores.audit.recent(10);
    expect(audit.map((e) => e.outcome)).toContain('unconfirmed');
    // Not followed any more, and the intent is free: the person can check the portal and try again.
    expect(await env.stores.trackers.active()).toHaveLength(0);
    env.defender.loseAnswer = undefined;
    await click('scan', { deviceId: DEVICE_ID, scanType: 'Quick' }, ANN, 'card-2');
    expect(env.defender.posts).toHaveLength(2);
    await tracker.stop();
  });

  it('an approved isolation whose answer was lost shows the isolation Defender has on the request card', async () => {
    const { env, tracker, click } = await setUp();
    const requested = await click('requestIsolation', { deviceId: DEVICE_ID, isolationType: 'Full' });
    const requestId = JSON.stringify(requested).match(/"requestId":"([a-z0-9]+)"/)![1];
    env.defender.loseAnswer = reset();
    const approved = await click('approve', { requestId }, BOB);
    const text = textOf((approved as { card: unknown }).card);
    expect(text).toMatch(/Approved by Bob Approver/);
    expect(text).toMatch(/Action status\s+Pending/);
    expect(text).not.toMatch(/Failed|refused|not confirmed/i);
    expect(env.defender.posts.map((p) => p.call)).toEqual(['isolate']);
    expect((await env.stores.requests.get(requestId))?.machineActionId).toBe(env.defender.started[0].id);
    await tracker.stop();
  });

  it('a POST that never reached Defender (connection refused) is not looked up: nothing can have started', async () => {
    const { env, tracker, click } = await setUp();
    env.defender.refuse = new DefenderNetworkError({
      api: 'defender',
      method: 'POST',
      path: '/x',
      kind: 'network',
      causeCode: 'ECONNREFUSED',
    });
    const answer = await click('scan', { deviceId: DEVICE_ID, scanType: 'Quick' });
    expect(env.defender.lookups).toBe(0);
    expect(textOf((answer as { card: unknown }).card)).toMatch(/was not started[\s\S]*connection was refused/);
    await tracker.stop();
  });
});
