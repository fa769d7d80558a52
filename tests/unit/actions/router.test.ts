/**
 * The card router in-process: the click contract, authorization, one action per intent, the two-person rule.
 * (The same behaviours are proven over HTTP in tests/e2e/actions*.test.ts; these pin the logic down fast.)
 */
import { CardRouter } from '../../../src/actions';
import { expireOverdueRequests } from '../../../src/actions/expiry';
import { ActionTracker } from '../../../src/actions/tracker';
import type { Click, ClickOutcome } from '../../../src/actions/types';
import { DefenderApiError } from '../../../src/defender/errors';
import type { Person } from '../../../src/store/requests';
import { ANN, BOB, CLEO, CONVERSATION, DEVICE_ID, fakeServices, OLLY, statusFact, textOf } from './fakeServices';

function setup() {
  const env = fakeServices();
  const tracker = new ActionTracker(env.services);
  const router = new CardRouter(env.services, tracker);
  const click = (verb: unknown, data: unknown, user: Person = ANN, cardActivityId = 'card-1'): Promise<ClickOutcome> =>
    router.handle({ verb, data, user, conversation: CONVERSATION, cardActivityId } satisfies Click);
  return { ...env, tracker, router, click };
}

function cardOf(outcome: ClickOutcome): unknown {
  if (outcome.kind === 'invalid') throw new Error(`invalid: ${outcome.message}`);
  return outcome.card;
}

const SCAN = { deviceId: DEVICE_ID, scanType: 'Quick' };

let env: ReturnType<typeof setup>;
beforeEach(() => {
  env = setup();
});
afterEach(async () => {
  await env.tracker.stop();
});

describe('card clicks', () => {
  it('a tampered click runs nothing and is answered invalid; the attempt is audited', async () => {
    for (const [verb, data] of [
      ['scan', { deviceId: '../x', scanType: 'Quick' }],
      ['format', { deviceId: DEVICE_ID }],
      ['scan', { deviceId: DEVICE_ID }],
      ['scan', { ...SCAN, extra: 1 }],
      ['scan', { deviceId: 'a'.repeat(1_000_000), scanType: 'Quick' }],
    ] as const) {
      expect((await env.click(verb, data)).kind).toBe('invalid');
    }
    expect(env.defender.posts).toHaveLength(0);
    const audit = await env.stores.audit.recent(10);
    expect(audit.filter((e) => e.outcome === 'invalid')).toHaveLength(5);
  });

  it('a click by someone outside SECURITY_OPERATORS starts nothing, only they see why, and it is audited', async () => {
    const outcome = await env.click('scan', SCAN, OLLY);
    expect(outcome.kind).toBe('clickerOnly');
    expect(textOf(cardOf(outcome))).toContain('Only security operators');
    expect(env.defender.posts).toHaveLength(0);
    const [entry] = await env.stores.audit.recent(1);
    expect(entry).toMatchObject({ userName: 'Olly Outsider', outcome: 'refused', deviceId: DEVICE_ID });
  });

  it('a scan click sends one runAntiVirusScan naming the user, and the card shows Pending for everyone', async () => {
    const outcome = await env.click('scan', SCAN);
    expect(outcome.kind).toBe('replaceForAll');
    expect(statusFact(cardOf(outcome))).toBe('Pending');
    expect(env.defender.posts).toEqual([
      {
        call: 'runAntiVirusScan',
        machineId: DEVICE_ID,
        comment: expect.stringContaining(`Ann Analyst (aad:${ANN.id})`),
      },
    ]);
    const outcomes = (await env.stores.audit.recent(10)).map((e) => `${e.action}:${e.outcome}`);
    expect(outcomes).toEqual(expect.arrayContaining(['scan (Quick):allowed', 'runAntiVirusScan:requested']));
  });

  it('ten concurrent clicks, by two people, start one scan; the others are shown the running one', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => env.click('scan', SCAN, i % 2 ? ANN : BOB)),
    );
    expect(env.defender.posts).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'replaceForAll')).toHaveLength(1);
    const duplicates = outcomes.filter((o) => o.kind === 'clickerOnly');
    expect(duplicates).toHaveLength(9);
    for (const d of duplicates) expect(textOf(cardOf(d))).toContain('Already running');
    // A full scan is the same intent: it starts nothing either while the quick one runs.
    await env.click('scan', { ...SCAN, scanType: 'Full' });
    expect(env.defender.posts).toHaveLength(1);
    expect((await env.stores.audit.recent(50)).filter((e) => e.outcome === 'duplicate')).toHaveLength(10);
  });

  it('a scan Defender refuses: only the clicker sees why, and a later click may try again', async () => {
    env.defender.refuse = new DefenderApiError({
      api: 'defender',
      method: 'POST',
      path: `/api/machines/${DEVICE_ID}/runAntiVirusScan`,
      status: 400,
      code: 'ActiveRequestAlreadyExists',
      serverMessage: 'Action is already in progress',
    });
    const outcome = await env.click('scan', SCAN);
    expect(outcome.kind).toBe('clickerOnly');
    expect(textOf(cardOf(outcome))).toContain('a scan is already running on pc-01.contoso.local');
    env.defender.refuse = undefined;
    expect((await env.click('scan', SCAN)).kind).toBe('replaceForAll');
    expect(env.defender.posts).toHaveLength(2);
  });
});

describe('two-person approval', () => {
  async function requestIsolation(by: Person = ANN): Promise<string> {
    const outcome = await env.click(
      'requestIsolation',
      { deviceId: DEVICE_ID, isolationType: 'Full' },
      by,
      'request-card',
    );
    expect(outcome.kind).toBe('replaceForAll');
    const [request] = await env.stores.requests.pending();
    return request.id;
  }

  it('Request isolation stores a request and answers with the approval card; nothing goes to Defender', async () => {
    const id = await requestIsolation();
    const request = await env.stores.requests.get(id);
    expect(request).toMatchObject({
      state: 'pending',
      deviceName: 'pc-01.contoso.local',
      requestedBy: ANN,
      activityId: 'request-card',
    });
    expect(env.defender.posts).toHaveLength(0);
    // A second request for the same device creates nothing new.
    const again = await env.click('requestIsolation', { deviceId: DEVICE_ID, isolationType: 'Selective' }, BOB);
    expect(again.kind).toBe('clickerOnly');
    expect(textOf(cardOf(again))).toContain('already requested by Ann Analyst');
    expect(await env.stores.requests.pending()).toHaveLength(1);
  });

  it('the requester cannot approve their own request, even as an approver', async () => {
    const id = await requestIsolation(BOB);
    const outcome = await env.click('approve', { requestId: id }, BOB);
    expect(outcome.kind).toBe('clickerOnly');
    expect(textOf(cardOf(outcome))).toContain('a second person must approve');
    expect(env.defender.posts).toHaveLength(0);
    expect((await env.stores.requests.get(id))?.state).toBe('pending');
  });

  it('someone outside SECURITY_APPROVERS cannot decide', async () => {
    const id = await requestIsolation(BOB);
    const outcome = await env.click('approve', { requestId: id }, ANN);
    expect(textOf(cardOf(outcome))).toContain('Only security approvers');
    expect(env.defender.posts).toHaveLength(0);
  });

  it('concurrent approvals by two approvers send exactly one isolate, naming requester and approver', async () => {
    const id = await requestIsolation();
    const outcomes = await Promise.all(
      [BOB, CLEO, BOB, CLEO].map((who) => env.click('approve', { requestId: id }, who)),
    );
    expect(env.defender.posts.map((p) => p.call)).toEqual(['isolate']);
    expect(outcomes.filter((o) => o.kind === 'replaceForAll')).toHaveLength(1);
    const request = await env.stores.requests.get(id);
    expect(request?.state).toBe('approved');
    expect(env.defender.posts[0].comment).toContain(
      `requested by Ann Analyst (aad:${ANN.id}) and approved by ${request?.decidedBy?.name}`,
    );
    expect(textOf(cardOf(outcomes.find((o) => o.kind === 'replaceForAll')!))).toContain(
      `Approved by ${request?.decidedBy?.name}`,
    );
  });

  it('Reject closes the request and sends nothing; the device can be requested again', async () => {
    const id = await requestIsolation();
    const outcome = await env.click('reject', { requestId: id }, BOB);
    expect(textOf(cardOf(outcome))).toContain('Rejected by Bob Approver');
    expect(env.defender.posts).toHaveLength(0);
    expect((await env.click('approve', { requestId: id }, CLEO)).kind).toBe('clickerOnly');
    expect(env.defender.posts).toHaveLength(0);
    await requestIsolation();
  });

  it('a request nobody decides expires after APPROVAL_TTL_HOURS: nothing is sent, its card says Expired', async () => {
    const id = await requestIsolation();
    expect(await expireOverdueRequests(env.services)).toHaveLength(0);
    env.clock.now = new Date(env.clock.now.getTime() + 24 * 3_600_000 + 1000);
    expect((await expireOverdueRequests(env.services)).map((r) => r.id)).toEqual([id]);
    expect(env.updates.at(-1)).toMatchObject({ activityId: 'request-card' });
    expect(textOf(env.updates.at(-1)!.card)).toContain('Expired at');
    const outcome = await env.click('approve', { requestId: id }, BOB);
    expect(textOf(cardOf(outcome))).toContain('expired');
    expect(env.defender.posts).toHaveLength(0);
    expect((await env.stores.audit.recent(20)).some((e) => e.outcome === 'expired' && e.deviceId === DEVICE_ID)).toBe(
      true,
    );
  });
});
