/**
 * The quota shield over a fake Defender client that counts its requests like `DefenderClient.stats()`: chat reads
 * coalesce, reuse recent results and stop at their share; the watch is never refused and never reuses old results.
 */
import type { ApiName } from '../../../src/defender/api';
import type { RequestStats } from '../../../src/defender/middleware';
import { CallBudget } from '../../../src/quota/budget';
import { API_QUOTAS, CHAT_SHARE, START_INVESTIGATION_QUOTA } from '../../../src/quota/limits';
import { QuotaReservedError } from '../../../src/quota/reserved';
import { QuotaShield, readKey, type MeteredDefenderApi } from '../../../src/quota/shield';

const GRAPH_OPERATIONS = new Set([
  'listIncidents',
  'streamIncidents',
  'listAlertsV2',
  'streamAlertsV2',
  'listSecureScores',
]);

/** A Defender client whose every call is one request (every page of a paged read too), answered when released. */
class FakeClient {
  readonly calls: string[] = [];
  readonly counts: RequestStats = { graph: 0, defender: 0 };
  /** Pages every paged read yields. */
  pages: unknown[][] = [[{ id: 1 }, { id: 2 }], [{ id: 3 }]];
  /** Paged reads closed before their end. */
  closedEarly = 0;
  private hold?: Promise<void>;
  private release?: () => void;

  /** Holds every answer until `answer()`. */
  holdAnswers(): void {
    this.hold = new Promise((r) => (this.release = r));
  }

  answer(): void {
    this.release?.();
    this.hold = undefined;
  }

  api(): MeteredDefenderApi {
    return new Proxy(this, {
      get: (target, name: string) => {
        if (name === 'stats') return () => ({ ...target.counts });
        if (name === 'then') return undefined;
        const api: ApiName = GRAPH_OPERATIONS.has(name) ? 'graph' : 'defender';
        if (name.startsWith('stream')) {
          return () => {
            const pages = target.pages;
            return (async function* () {
              let finished = false;
              try {
                for (const page of pages) {
                  target.calls.push(name);
                  target.counts[api] += 1;
                  await target.hold;
                  yield page;
                }
                finished = true;
              } finally {
                if (!finished) target.closedEarly += 1;
              }
            })();
          };
        }
        return async (...args: unknown[]) => {
          target.calls.push(name);
          target.counts[api] += 1;
          await target.hold;
          return [{ name, args }];
        };
      },
    }) as unknown as MeteredDefenderApi;
  }
}

/** A clock the test moves. */
function clock(start = Date.parse('2026-01-05T10:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function pagesOf<T>(stream: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of stream) out.push(page);
  return out;
}

describe('chat reads', () => {
  it('identical reads in flight are sent once: 20 "show incidents" at once cost one request', async () => {
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: clock().now });
    client.holdAnswers();
    const asks = Array.from({ length: 20 }, () => shield.chat.listIncidents({ openOnly: true, limit: 50 }));
    client.answer();
    const answers = await Promise.all(asks);
    expect(client.calls).toEqual(['listIncidents']);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('a recent result is reused within the freshness window, then read again', async () => {
    const time = clock();
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: time.now, freshnessSeconds: 30 });
    await shield.chat.listMachineActions({ filter: "status eq 'Pending'" });
    time.advance(29_000);
    await shield.chat.listMachineActions({ filter: "status eq 'Pending'" });
    expect(client.calls).toHaveLength(1);
    // Another query is another read.
    await shield.chat.listMachineActions({ filter: "status eq 'InProgress'" });
    expect(client.calls).toHaveLength(2);
    time.advance(2_000);
    await shield.chat.listMachineActions({ filter: "status eq 'Pending'" });
    expect(client.calls).toHaveLength(3);
  });

  it('each caller gets its own array: sorting one answer does not reorder another', async () => {
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: clock().now });
    const first = (await shield.chat.listAlerts()) as unknown[];
    first.push('mine');
    const second = (await shield.chat.listAlerts()) as unknown[];
    expect(second).toHaveLength(1);
    expect(client.calls).toHaveLength(1);
  });

  it('paged reads are shared page by page and kept; every caller sees every page', async () => {
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: clock().now });
    client.holdAnswers();
    const readers = Array.from({ length: 10 }, () => pagesOf(shield.chat.streamMachines({ filter: 'x' })));
    client.answer();
    const all = await Promise.all(readers);
    for (const pages of all) expect(pages).toEqual(client.pages);
    expect(client.calls).toEqual(['streamMachines', 'streamMachines']);
    // Kept: the next reader within the window costs nothing.
    expect(await pagesOf(shield.chat.streamMachines({ filter: 'x' }))).toEqual(client.pages);
    expect(client.calls).toHaveLength(2);
  });

  it('a paged read longer than the reuse limit is not kept, and a reader that stops early stops the read', async () => {
    const client = new FakeClient();
    client.pages = [[1, 2, 3], [4, 5, 6], [7]];
    const shield = new QuotaShield(client.api(), { now: clock().now, reuseMaxItems: 4 });
    expect((await pagesOf(shield.chat.streamAlerts())).flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((await pagesOf(shield.chat.streamAlerts())).flat()).toHaveLength(7);
    expect(client.calls).toHaveLength(6);

    for await (const page of shield.chat.streamDeviceAvInfo()) {
      expect(page).toEqual([1, 2, 3]);
      break;
    }
    await new Promise((r) => setImmediate(r));
    expect(client.closedEarly).toBe(1);
  });

  it('stop before the watch’s share: refused with when to try again, and nothing is sent', async () => {
    const time = clock();
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: time.now });
    const ceiling = Math.floor(API_QUOTAS.defender[0].max * CHAT_SHARE);
    for (let i = 0; i < ceiling; i++) await shield.chat.getMachine(`device-${i}`);
    expect(client.counts.defender).toBe(ceiling);

    const refused = await shield.chat.getMachine('one-more').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuotaReservedError);
    expect(client.counts.defender).toBe(ceiling);
    const readable = (refused as QuotaReservedError).readableMessage();
    expect(readable).toMatch(/^Defender for Endpoint calls are kept for the scheduled digests and card actions/);
    expect(readable).toMatch(/try again in \d+ seconds\.$/);
    expect((refused as QuotaReservedError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as QuotaReservedError).retryAfterSeconds).toBeLessThanOrEqual(61);
    // Graph has its own quota: a chat read there still goes.
    await shield.chat.listIncidents();
    expect(client.counts.graph).toBe(1);

    // The watch is never refused: a digest, a click and a tracker all go.
    await shield.watch.listMachineActions();
    await shield.watch.runAntiVirusScan('d', 'c', 'Quick');
    await shield.watch.getMachineAction('a');
    expect(client.counts.defender).toBe(ceiling + 3);

    // Once the minute has passed, chat reads go again.
    time.advance(61_000);
    await expect(shield.chat.getMachine('one-more')).resolves.toBeDefined();
  });

  it('a smaller share (several instances) refuses sooner; off never refuses', async () => {
    const client = new FakeClient();
    const quarter = new QuotaShield(client.api(), { now: clock().now, chatShare: 0.25 });
    for (let i = 0; i < 25; i++) await quarter.chat.getMachine(`d${i}`);
    await expect(quarter.chat.getMachine('one-more')).rejects.toBeInstanceOf(QuotaReservedError);
    const unlimited = new QuotaShield(new FakeClient().api(), { now: clock().now, chatShare: 'off' });
    for (let i = 0; i < 150; i++) await unlimited.chat.getMachine(`d${i}`);
    expect(unlimited.chatAllowance('defender')).toEqual({ ok: true });
  });

  it('reads in flight count: 80 different reads at once send at most the chat share', async () => {
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: clock().now });
    client.holdAnswers();
    const asks = Array.from({ length: 80 }, (_, i) =>
      shield.chat.listMachines({ filter: `computerDnsName eq 'pc-${i}'` }).then(
        () => 'answered',
        (e: unknown) => (e instanceof QuotaReservedError ? 'refused' : 'failed'),
      ),
    );
    client.answer();
    const outcomes = await Promise.all(asks);
    const ceiling = Math.floor(API_QUOTAS.defender[0].max * CHAT_SHARE);
    expect(outcomes.filter((o) => o === 'answered')).toHaveLength(ceiling);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(80 - ceiling);
    expect(client.calls).toHaveLength(ceiling);
  });

  it('the watch shares a read in flight but never takes an older result', async () => {
    const time = clock();
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: time.now });
    await shield.chat.listInvestigations({ filter: 'f' });
    await shield.watch.listInvestigations({ filter: 'f' });
    expect(client.calls).toHaveLength(2);
    client.holdAnswers();
    const both = Promise.all([shield.watch.getExposureScore(), shield.chat.getExposureScore()]);
    client.answer();
    await both;
    expect(client.calls).toHaveLength(3);
    // What the watch read is fresh for chat.
    await shield.chat.getExposureScore();
    expect(client.calls).toHaveLength(3);
  });

  it('writes are never shared: two scans of one device are two requests', async () => {
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: clock().now });
    await Promise.all([
      shield.watch.runAntiVirusScan('d1', 'by Ann', 'Quick'),
      shield.watch.runAntiVirusScan('d1', 'by Ann', 'Quick'),
    ]);
    expect(client.calls).toEqual(['runAntiVirusScan', 'runAntiVirusScan']);
  });

  it('a write drops the kept results: an incident assigned shows in the next "show incidents", and a read that was in flight is not kept', async () => {
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: clock().now, freshnessSeconds: 30 });
    await shield.chat.listIncidents({ openOnly: true });
    await shield.chat.listIncidents({ openOnly: true });
    expect(client.calls).toEqual(['listIncidents']);
    client.holdAnswers();
    const inFlight = shield.chat.listIncidents({ severity: 'high' });
    const write = shield.watch.updateIncident('42', { assignedTo: 'ann@contoso.com' });
    client.answer();
    await Promise.all([inFlight, write]);
    await shield.chat.listIncidents({ openOnly: true });
    await shield.chat.listIncidents({ severity: 'high' });
    // One read before the write, the one in flight during it, then both read again: nothing kept across the write.
    expect(client.calls.filter((c) => c === 'listIncidents')).toHaveLength(4);
    expect(client.calls.filter((c) => c === 'updateIncident')).toHaveLength(1);
  });
});

describe('startInvestigation', () => {
  it('is refused past its documented 50 calls an hour, readably, without a request', async () => {
    const time = clock();
    const client = new FakeClient();
    const shield = new QuotaShield(client.api(), { now: time.now });
    for (let i = 0; i < START_INVESTIGATION_QUOTA.max; i++) {
      await shield.watch.startInvestigation(`d${i}`, 'c');
      time.advance(1000);
    }
    const refused = await shield.watch.startInvestigation('d-51', 'c').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuotaReservedError);
    expect((refused as QuotaReservedError).readableMessage()).toMatch(
      /^Defender for Endpoint refuses more of these for now \(it allows 50 automated investigations an hour\); try again in \d+ minutes\.$/,
    );
    expect(client.calls.filter((c) => c === 'startInvestigation')).toHaveLength(50);
    time.advance(3_600_000 - 50_000);
    await expect(shield.watch.startInvestigation('d-51', 'c')).resolves.toBeDefined();
  });
});

describe('the call budget', () => {
  it('counts every attempt the counter saw, per API, in sliding windows', () => {
    const time = clock();
    const counts: RequestStats = { graph: 0, defender: 0 };
    const budget = new CallBudget({ stats: () => ({ ...counts }) }, time.now);
    counts.defender += 30;
    budget.sync();
    time.advance(30_000);
    counts.defender += 20;
    counts.graph += 5;
    budget.sync();
    expect(budget.used('defender', 60_000)).toBe(50);
    expect(budget.used('graph', 60_000)).toBe(5);
    const refused = budget.chatAllowance('defender');
    expect(refused).toMatchObject({ ok: false, used: 50, chatCeiling: 50 });
    // The first 30 leave the minute 60 s after they were counted: then one more fits.
    if (!refused.ok) expect(refused.retryAt).toBe(Date.parse('2026-01-05T10:01:01Z'));
    time.advance(31_000);
    expect(budget.chatAllowance('defender')).toEqual({ ok: true });
    expect(budget.used('defender', 3_600_000)).toBe(50);
  });

  it('keeps to the hourly quota too', () => {
    const time = clock();
    const counts: RequestStats = { graph: 0, defender: 0 };
    const budget = new CallBudget({ stats: () => ({ ...counts }) }, time.now);
    for (let minute = 0; minute < 16; minute++) {
      counts.defender += 47;
      budget.sync();
      time.advance(60_000);
    }
    // 752 calls in the hour, none in the last minute: the hourly share (750) is spent.
    expect(budget.chatAllowance('defender')).toMatchObject({ ok: false, used: 752, chatCeiling: 750 });
  });

  it('a counter set back to zero restarts from its new value', () => {
    const counts: RequestStats = { graph: 0, defender: 10 };
    const budget = new CallBudget({ stats: () => ({ ...counts }) }, clock().now);
    counts.defender = 3;
    budget.sync();
    expect(budget.used('defender', 60_000)).toBe(3);
  });
});

describe('readKey', () => {
  it('names a read by operation and arguments, whatever the order of option keys', () => {
    const since = new Date('2026-01-05T08:00:00Z');
    expect(readKey('listIncidents', [{ openOnly: true, updatedSince: since }])).toBe(
      readKey('listIncidents', [{ updatedSince: new Date(since), openOnly: true, limit: undefined }]),
    );
    expect(readKey('listIncidents', [{ severity: 'high' }])).not.toBe(readKey('listIncidents', [{ severity: 'low' }]));
  });
});
