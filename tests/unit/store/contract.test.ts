/**
 * The record store contract: the same behaviour, proven by the same tests, on SQLite and on Azure Tables (Azurite).
 */
import { Claims } from '../../../src/store/claims';
import { repositories, type Stores } from '../../../src/store/index';
import { updateRecord, type RecordStore } from '../../../src/store/records';
import type { RemediationRequest } from '../../../src/store/requests';
import type { SeenState } from '../../../src/store/subscriptions';
import type { Tracker } from '../../../src/store/trackers';
import { azuriteBackend, sqliteBackend, type StoreBackend } from '../../helpers/storeBackends';

/** Keys a Teams bot really meets, and every character Azure Tables forbids in a row key. */
const AWKWARD_KEYS = [
  '19:abc@thread.tacv2;messageid=1|daily',
  'a:1xYz-_=|weekly',
  'path/to/thing',
  'back\\slash',
  'hash#tag',
  'what?now',
  'percent%',
  'percent%2fencoded',
  '%25',
  'tab\there',
  'line\nbreak',
  'del\u007f',
  'c1\u0085control',
  'space in key',
  'dot.ted',
  'tilde~',
  'quote"d',
  "o'data eq 'x'",
  'gt>lt<',
  '[bracket]',
  'café',
  '中文',
  'emoji😀',
];

/** Keys that differ only in one character around each run Azure forbids, so an escaping that breaks order shows. */
const ORDER_KEYS = [
  ...AWKWARD_KEYS,
  ...[
    '\t',
    ' ',
    '!',
    '"',
    '#',
    '$',
    '%',
    '&',
    '-',
    '.',
    '/',
    '0',
    '=',
    '>',
    '?',
    '@',
    'Z',
    '[',
    '\\',
    ']',
    '}',
    '~',
    '\u007f',
    '\u009f',
    '\u00a0',
    'é',
    '中',
    '😀',
  ].map((c) => `k${c}k`),
];

const minutes = (n: number) => n * 60_000;
const at = (iso: string) => new Date(iso);

function remediationRequest(overrides: Partial<RemediationRequest> = {}): RemediationRequest {
  return {
    id: 'req-1',
    kind: 'isolate',
    isolationType: 'Full',
    deviceId: 'dev-1',
    deviceName: 'LAPTOP-01',
    reason: 'ransomware alert',
    requestedBy: { id: 'u-1', name: 'Alex' },
    requestedAt: '2025-01-06T09:00:00.000Z',
    expiresAt: '2025-01-06T10:00:00.000Z',
    state: 'pending',
    conversationId: 'conv-1',
    ...overrides,
  };
}

function tracker(overrides: Partial<Tracker> = {}): Tracker {
  return {
    id: 'trk-1',
    kind: 'machineAction',
    label: 'Antivirus scan (Quick)',
    deviceId: 'dev-1',
    deviceName: 'LAPTOP-01',
    requestedBy: { id: 'u-1', name: 'Alex' },
    requestedAt: '2025-01-06T09:00:00.000Z',
    status: 'Pending',
    history: [{ status: 'Pending', at: '2025-01-06T09:00:00.000Z' }],
    conversationId: 'conv-1',
    nextCheckAt: '2025-01-06T09:01:00.000Z',
    checks: 0,
    ...overrides,
  };
}

const keysOf = async (store: RecordStore, query?: Parameters<RecordStore['list']>[1]) =>
  (await store.list('conversations', query)).map((r) => r.key);

describe.each<[string, () => StoreBackend]>([
  ['sqlite', sqliteBackend],
  ['azure (Azurite)', azuriteBackend],
])('record store contract: %s', (_name, makeBackend) => {
  const backend = makeBackend();
  let store: RecordStore;
  let stores: Stores;

  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  beforeEach(async () => {
    store = await backend.open();
    stores = repositories(store);
  });
  afterEach(() => store.close());

  describe('records', () => {
    it('reads back a put JSON value exactly, and forgets it after delete', async () => {
      const value = { text: 'héllo "wörld"\n', n: 1.5, ok: true, none: null, list: [1, 'two', { three: 3 }] };
      const etag = await store.put('conversations', 'k', value);
      expect(etag).toEqual(expect.any(String));
      expect(await store.get('conversations', 'k')).toEqual({ key: 'k', value, etag: expect.any(String) });

      expect(await store.delete('conversations', 'k')).toBe(true);
      expect(await store.get('conversations', 'k')).toBeUndefined();
      expect(await store.delete('conversations', 'k')).toBe(false);
    });

    it('replaces a value on an unconditional put and gives it a new ETag', async () => {
      await store.put('conversations', 'k', { v: 1 });
      const first = await store.get('conversations', 'k');
      await store.put('conversations', 'k', { v: 2 });
      const second = await store.get('conversations', 'k');
      expect(second?.value).toEqual({ v: 2 });
      expect(second?.etag).not.toBe(first?.etag);
    });

    it('keeps the same key in different tables apart', async () => {
      await store.put('conversations', 'shared', 'conversation');
      await store.put('trackers', 'shared', 'tracker');
      expect((await store.get('conversations', 'shared'))?.value).toBe('conversation');
      expect((await store.list('trackers')).map((r) => r.value)).toEqual(['tracker']);
      await store.delete('trackers', 'shared');
      expect((await store.get('conversations', 'shared'))?.value).toBe('conversation');
    });

    it('round-trips keys with awkward characters through put, get, list and delete', async () => {
      for (const key of AWKWARD_KEYS) await store.put('conversations', key, { key });
      for (const key of AWKWARD_KEYS) expect((await store.get('conversations', key))?.value).toEqual({ key });
      const listed = await store.list<{ key: string }>('conversations');
      expect(listed.map((r) => r.key).sort()).toEqual([...AWKWARD_KEYS].sort());
      for (const record of listed) expect(record.value.key).toBe(record.key);
      for (const key of AWKWARD_KEYS) expect(await store.delete('conversations', key)).toBe(true);
      expect(await store.list('conversations')).toEqual([]);
    });

    it('lists by prefix exactly the keys that start with it, whatever characters follow', async () => {
      const keys = [
        'conv/1',
        'conv/1|daily',
        'conv/10|daily',
        'conv/1😀',
        'conv/1😀x',
        'conv/1\\x',
        'conv/1#',
        'conv/1?',
        'conv/1%',
        'conv/1中',
        'conv/1\ud7ff',
        'conv/1\ud7ffz',
        'conv/1\uffee',
        'conv/2',
        'conv.1',
        'conv%2f1',
        'conv',
        'cono',
        'conw',
        '19:abc@thread.tacv2;messageid=1|daily',
        '19:abc@thread.tacv2;messageid=10|daily',
        '19:abc@thread.tacv2|daily',
      ];
      for (const key of keys) await store.put('conversations', key, 1);
      const prefixes = [
        'conv/1',
        'conv/1|',
        'conv/',
        'conv',
        'conv%',
        'conv/1😀',
        'conv/1\ud7ff',
        '19:abc@thread.tacv2;messageid=1|',
        'x',
      ];
      for (const prefix of prefixes) {
        const expected = keys.filter((k) => k.startsWith(prefix)).sort();
        expect({ prefix, keys: (await keysOf(store, { prefix })).sort() }).toEqual({ prefix, keys: expected });
      }
    });

    it('orders keys with awkward characters as string comparison does, and bounds after/before by it', async () => {
      for (const key of [...ORDER_KEYS].reverse()) await store.put('conversations', key, 1);
      const sorted = [...ORDER_KEYS].sort();
      expect(await keysOf(store)).toEqual(sorted);
      for (const [i, key] of sorted.entries()) {
        const after = await keysOf(store, { after: key });
        const before = await keysOf(store, { before: key });
        expect({ key, after, before }).toEqual({ key, after: sorted.slice(i + 1), before: sorted.slice(0, i) });
      }
    });
  });

  describe('conditional writes', () => {
    it('creates with ifNoneMatch * once; the second create writes nothing and returns undefined', async () => {
      expect(await store.put('claims', 'k', 'first', { ifNoneMatch: '*' })).toEqual(expect.any(String));
      expect(await store.put('claims', 'k', 'second', { ifNoneMatch: '*' })).toBeUndefined();
      expect((await store.get('claims', 'k'))?.value).toBe('first');
    });

    it('replaces with ifMatch of the current ETag; a stale ETag writes nothing and returns undefined', async () => {
      const created = await store.put('claims', 'k', 'v1', { ifNoneMatch: '*' });
      const replaced = await store.put('claims', 'k', 'v2', { ifMatch: created! });
      expect(replaced).toEqual(expect.any(String));
      expect(replaced).not.toBe(created);

      expect(await store.put('claims', 'k', 'stale', { ifMatch: created! })).toBeUndefined();
      const current = await store.get('claims', 'k');
      expect(current?.value).toBe('v2');
      expect(await store.put('claims', 'k', 'v3', { ifMatch: current!.etag })).toEqual(expect.any(String));
      expect((await store.get('claims', 'k'))?.value).toBe('v3');
    });

    it('writes nothing with ifMatch when the record does not exist', async () => {
      const etag = await store.put('claims', 'k', 'v1');
      await store.delete('claims', 'k');
      expect(await store.put('claims', 'k', 'v2', { ifMatch: etag! })).toBeUndefined();
      expect(await store.get('claims', 'k')).toBeUndefined();
    });

    it('deletes nothing with a stale ETag, and deletes with the current one', async () => {
      const stale = await store.put('claims', 'k', 'v1');
      await store.put('claims', 'k', 'v2');
      expect(await store.delete('claims', 'k', { ifMatch: stale! })).toBe(false);
      expect((await store.get('claims', 'k'))?.value).toBe('v2');
      const current = await store.get('claims', 'k');
      expect(await store.delete('claims', 'k', { ifMatch: current!.etag })).toBe(true);
      expect(await store.get('claims', 'k')).toBeUndefined();
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      for (const key of ['b2', 'a1', 'c1', 'b1', 'a2', 'b3', 'b10']) await store.put('conversations', key, { key });
    });

    it('returns every record in ascending key order, whatever the order of writing', async () => {
      const records = await store.list<{ key: string }>('conversations');
      expect(records.map((r) => r.key)).toEqual(['a1', 'a2', 'b1', 'b10', 'b2', 'b3', 'c1']);
      expect(records.map((r) => r.value.key)).toEqual(records.map((r) => r.key));
      expect(records.every((r) => typeof r.etag === 'string' && r.etag.length > 0)).toBe(true);
    });

    it('narrows by prefix, by exclusive after and before, and stops at limit', async () => {
      expect(await keysOf(store, { prefix: 'b' })).toEqual(['b1', 'b10', 'b2', 'b3']);
      expect(await keysOf(store, { prefix: 'b1' })).toEqual(['b1', 'b10']);
      expect(await keysOf(store, { after: 'b1' })).toEqual(['b10', 'b2', 'b3', 'c1']);
      expect(await keysOf(store, { before: 'b1' })).toEqual(['a1', 'a2']);
      expect(await keysOf(store, { after: 'a1', before: 'b2' })).toEqual(['a2', 'b1', 'b10']);
      expect(await keysOf(store, { limit: 3 })).toEqual(['a1', 'a2', 'b1']);
      expect(await keysOf(store, { prefix: 'b', after: 'b1', limit: 2 })).toEqual(['b10', 'b2']);
      expect(await keysOf(store, { prefix: 'b', before: 'b2' })).toEqual(['b1', 'b10']);
      expect(await keysOf(store, { prefix: 'd' })).toEqual([]);
      expect(await keysOf(store, { after: 'c1' })).toEqual([]);
    });

    it('lists under a prefix the keys whose next character lies beyond U+FFFF, within limit', async () => {
      for (const key of ['b😀', 'b😀😀', 'b😀z', 'b😁']) await store.put('conversations', key, {});
      expect(await keysOf(store, { prefix: 'b', limit: 6 })).toEqual(['b1', 'b10', 'b2', 'b3', 'b😀', 'b😀z']);
      expect(await keysOf(store, { prefix: 'b😀' })).toEqual(['b😀', 'b😀z', 'b😀😀']);
      expect(await keysOf(store, { prefix: 'b😀', after: 'b😀' })).toEqual(['b😀z', 'b😀😀']);
    });
  });

  describe('concurrency', () => {
    it('lands all of 20 concurrent updateRecord increments of one counter', async () => {
      const increments = Array.from({ length: 20 }, () =>
        updateRecord<number>(store, 'claims', 'counter', (n) => (n ?? 0) + 1),
      );
      const results = await Promise.all(increments);
      expect((await store.get('claims', 'counter'))?.value).toBe(20);
      expect([...results].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('leaves a record as it is when the update returns undefined', async () => {
      await store.put('claims', 'k', 5);
      const before = await store.get('claims', 'k');
      expect(await updateRecord<number>(store, 'claims', 'k', () => undefined)).toBe(5);
      expect(await store.get('claims', 'k')).toEqual(before);
      expect(await updateRecord<number>(store, 'claims', 'missing', () => undefined)).toBeUndefined();
      expect(await store.get('claims', 'missing')).toBeUndefined();
    });

    describe('claims', () => {
      const now = at('2025-01-06T09:00:00.000Z');
      let claims: Claims;
      beforeEach(() => {
        claims = stores.fires;
      });

      it('lets exactly one of 10 owners win the same key claimed at once; the others see the winner', async () => {
        const owners = Array.from({ length: 10 }, (_, i) => `instance-${i}`);
        const results = await Promise.all(owners.map((owner) => claims.claim('fire|daily', owner, minutes(5), now)));
        const winners = results.filter((r) => r.won);
        expect(winners).toHaveLength(1);
        const winner = winners[0].won ? winners[0].claim.owner : '';
        for (const r of results) if (!r.won) expect(r.holder.owner).toBe(winner);
        expect((await claims.get('fire|daily'))?.owner).toBe(winner);
      });

      it('keeps a claim within its lease and hands over a claim whose lease ran out', async () => {
        await claims.claim('k', 'a', minutes(5), now, { note: 'first' });
        const early = await claims.claim('k', 'b', minutes(5), new Date(now.getTime() + minutes(4)));
        expect(early).toEqual({ won: false, holder: expect.objectContaining({ owner: 'a' }) });

        const late = await claims.claim('k', 'b', minutes(5), new Date(now.getTime() + minutes(5)));
        expect(late.won).toBe(true);
        expect(await claims.get('k')).toEqual(
          expect.objectContaining({ owner: 'b', claimedAt: '2025-01-06T09:05:00.000Z' }),
        );
        expect((await claims.claim('k', 'a', minutes(5), new Date(now.getTime() + minutes(6)))).won).toBe(false);
      });

      it('lets its owner renew a claim it holds', async () => {
        await claims.claim('k', 'a', minutes(5), now);
        const renewed = await claims.claim('k', 'a', minutes(5), new Date(now.getTime() + minutes(1)));
        expect(renewed.won).toBe(true);
        expect((await claims.get('k'))?.expiresAt).toBe('2025-01-06T09:06:00.000Z');
      });

      it('never hands over a completed claim, even long after its lease, nor gives it again to its owner', async () => {
        await claims.claim('k', 'a', minutes(5), now);
        await claims.complete('k', 'a', new Date(now.getTime() + minutes(1)));
        const dayLater = new Date(now.getTime() + minutes(24 * 60));
        expect(await claims.claim('k', 'b', minutes(5), dayLater)).toEqual({
          won: false,
          holder: expect.objectContaining({ owner: 'a', doneAt: '2025-01-06T09:01:00.000Z' }),
        });
        expect((await claims.claim('k', 'a', minutes(5), dayLater)).won).toBe(false);
        expect((await claims.get('k'))?.doneAt).toBe('2025-01-06T09:01:00.000Z');
      });

      it('ignores complete and release by someone who does not hold the claim', async () => {
        await claims.claim('k', 'a', minutes(5), now);
        await claims.complete('k', 'b', now);
        await claims.release('k', 'b');
        expect(await claims.get('k')).toEqual(expect.objectContaining({ owner: 'a' }));
        expect((await claims.get('k'))?.doneAt).toBeUndefined();
      });

      it('lets another owner win at once after release', async () => {
        await claims.claim('k', 'a', minutes(5), now);
        await claims.release('k', 'a');
        expect(await claims.get('k')).toBeUndefined();
        expect((await claims.claim('k', 'b', minutes(5), now)).won).toBe(true);
      });

      it('prunes finished and expired claims older than the cutoff and keeps the rest', async () => {
        await claims.claim('done-old', 'a', minutes(60), now);
        await claims.complete('done-old', 'a', now);
        await claims.claim('expired-old', 'a', minutes(5), now);
        await claims.claim('live', 'a', minutes(60 * 24), now);
        await claims.claim('done-recent', 'a', minutes(5), now);
        await claims.complete('done-recent', 'a', new Date(now.getTime() + minutes(120)));

        expect(await claims.prune(new Date(now.getTime() + minutes(90)))).toBe(2);
        expect(await claims.get('done-old')).toBeUndefined();
        expect(await claims.get('expired-old')).toBeUndefined();
        expect(await claims.get('live')).toBeDefined();
        expect(await claims.get('done-recent')).toBeDefined();
      });

      it('keeps fire claims and intent claims apart', async () => {
        expect((await stores.fires.claim('k', 'a', minutes(5), now)).won).toBe(true);
        expect((await stores.intents.claim('k', 'b', minutes(5), now)).won).toBe(true);
      });
    });
  });

  describe('subscriptions', () => {
    const now = at('2025-01-06T09:00:00.000Z');

    it('subscribes, changes the time while keeping the watermark, and unsubscribes', async () => {
      const created = await stores.subscriptions.subscribe('conv-1', 'daily', '08:30', now);
      expect(created).toEqual({ conversationId: 'conv-1', kind: 'daily', at: '08:30', createdAt: now.toISOString() });
      await stores.subscriptions.markPosted('conv-1', 'daily', { watermark: 'w1', slot: 's1', at: 'p1' });

      const moved = await stores.subscriptions.subscribe('conv-1', 'daily', undefined, new Date(now.getTime() + 1));
      expect(moved.at).toBeUndefined();
      expect(moved).toEqual(expect.objectContaining({ createdAt: now.toISOString(), watermark: 'w1', lastSlot: 's1' }));

      expect(await stores.subscriptions.unsubscribe('conv-1', 'daily')).toBe(true);
      expect(await stores.subscriptions.unsubscribe('conv-1', 'daily')).toBe(false);
      expect(await stores.subscriptions.get('conv-1', 'daily')).toBeUndefined();
    });

    it('returns from forConversation only that conversation, not one whose id it prefixes', async () => {
      const ids = ['conv-1', 'conv-10', 'conv-1|x', '19:abc@thread.tacv2', '19:abc@thread.tacv2;messageid=1'];
      for (const id of ids) {
        await stores.subscriptions.subscribe(id, 'daily', undefined, now);
        await stores.subscriptions.subscribe(id, 'weekly', '07:00', now);
      }
      for (const id of ids) {
        const found = await stores.subscriptions.forConversation(id);
        expect({ id, found: found.map((s) => `${s.conversationId}/${s.kind}`).sort() }).toEqual({
          id,
          found: [`${id}/daily`, `${id}/weekly`],
        });
      }
      await stores.subscriptions.removeConversation('conv-1');
      expect(await stores.subscriptions.forConversation('conv-1')).toEqual([]);
      expect(await stores.subscriptions.forConversation('conv-10')).toHaveLength(2);
      expect(await stores.subscriptions.list()).toHaveLength(8);
    });

    it('moves the watermark only forward, with what the digest reported; a window already covered is refused', async () => {
      const subs = stores.subscriptions;
      await subs.subscribe('conv-1', 'daily', undefined, now);
      const seen: SeenState = { incidents: { sighting: 's1' }, alerts: { since: '2025-01-05T08:00:00.000Z' } };
      const post = (slot: string, watermark: string, withSeen = seen) =>
        subs.markPosted('conv-1', 'daily', { slot, watermark, seen: withSeen, at: slot, activityId: slot });

      expect(await post('2025-01-06', '2025-01-06T08:00:00.000Z')).toBe(true);
      expect(await post('2025-01-06', '2025-01-06T08:00:00.000Z')).toBe(false);
      expect(await post('2025-01-05', '2025-01-05T08:00:00.000Z')).toBe(false);
      expect(await subs.get('conv-1', 'daily')).toEqual(
        expect.objectContaining({
          lastSlot: '2025-01-06',
          watermark: '2025-01-06T08:00:00.000Z',
          seen,
          lastActivityId: '2025-01-06',
        }),
      );

      const later = { incidents: { sighting: 's2' }, alerts: { sighting: 's2' } };
      expect(await post('2025-01-07', '2025-01-07T08:00:00.003Z', later)).toBe(true);
      expect(await subs.get('conv-1', 'daily')).toEqual(
        expect.objectContaining({ lastSlot: '2025-01-07', watermark: '2025-01-07T08:00:00.003Z', seen: later }),
      );
      expect(await subs.markPosted('conv-2', 'daily', { slot: 'x', watermark: 'x', at: 'x' })).toBe(false);
      expect(await subs.get('conv-2', 'daily')).toBeUndefined();
    });

    it('lets exactly one of several concurrent markPosted of one slot report the post', async () => {
      await stores.subscriptions.subscribe('conv-1', 'weekly', undefined, now);
      const posted = { slot: '2025-W02', watermark: 'w', at: 'a' };
      const marks = Array.from({ length: 5 }, (_, i) =>
        stores.subscriptions.markPosted('conv-1', 'weekly', { ...posted, activityId: `activity-${i}` }),
      );
      expect((await Promise.all(marks)).filter(Boolean)).toHaveLength(1);
    });
  });

  describe('remediation requests', () => {
    it('refuses to create the same request twice and keeps the first', async () => {
      await stores.requests.create(remediationRequest({ reason: 'first' }));
      await expect(stores.requests.create(remediationRequest({ reason: 'second' }))).rejects.toThrow(/already exists/);
      expect((await stores.requests.get('req-1'))?.reason).toBe('first');
    });

    it('lets exactly one of two concurrent approvals change a pending request', async () => {
      await stores.requests.create(remediationRequest());
      const approve = (name: string) =>
        stores.requests.update('req-1', (r) =>
          r.state === 'pending' ? { ...r, state: 'approved', decidedBy: { id: name, name } } : undefined,
        );
      const results = await Promise.all([approve('Blair'), approve('Casey')]);
      expect(results.filter((r) => r.changed)).toHaveLength(1);
      const winner = results.find((r) => r.changed)!.request!.decidedBy!.name;
      for (const r of results) expect(r.request?.decidedBy?.name).toBe(winner);
      expect((await stores.requests.get('req-1'))?.decidedBy?.name).toBe(winner);
      expect(await stores.requests.pending()).toEqual([]);
    });

    it('changes nothing when the request does not exist', async () => {
      expect(await stores.requests.update('missing', (r) => ({ ...r, state: 'approved' }))).toEqual({
        request: undefined,
        changed: false,
      });
      expect(await stores.requests.get('missing')).toBeUndefined();
    });
  });

  describe('trackers', () => {
    it('lists as active only the trackers whose action has not finished', async () => {
      await stores.trackers.save(tracker({ id: 'running' }));
      await stores.trackers.save(tracker({ id: 'done', status: 'Succeeded', finishedAt: '2025-01-06T09:10:00.000Z' }));
      await stores.trackers.save(tracker({ id: 'finishing' }));
      const finishedAt = '2025-01-06T09:11:00.000Z';
      await stores.trackers.update('finishing', (t) => ({ ...t, status: 'Failed', finishedAt }));
      expect((await stores.trackers.active()).map((t) => t.id)).toEqual(['running']);
      expect((await stores.trackers.get('finishing'))?.status).toBe('Failed');
    });
  });

  describe('audit log', () => {
    it('returns recent(n) newest first, also among entries recorded in the same millisecond', async () => {
      const entry = (action: string, when: string) =>
        stores.audit.record({ userId: 'u-1', userName: 'Alex', action, outcome: 'allowed', at: when });
      await entry('older', '2025-01-06T08:59:59.999Z');
      for (let i = 1; i <= 6; i++) await entry(`same-ms-${i}`, '2025-01-06T09:00:00.000Z');
      await entry('newest', '2025-01-06T09:00:00.001Z');

      const recent = async (n: number) => (await stores.audit.recent(n)).map((e) => e.action);
      expect(await recent(4)).toEqual(['newest', 'same-ms-6', 'same-ms-5', 'same-ms-4']);
      expect(await recent(100)).toEqual([
        'newest',
        'same-ms-6',
        'same-ms-5',
        'same-ms-4',
        'same-ms-3',
        'same-ms-2',
        'same-ms-1',
        'older',
      ]);
    });

    it('stamps an entry recorded without a time with the current time', async () => {
      const before = Date.now();
      const recorded = await stores.audit.record({
        userId: 'system',
        userName: 'Watchstander',
        action: 'digest',
        outcome: 'succeeded',
      });
      expect(Date.parse(recorded.at)).toBeGreaterThanOrEqual(before);
      expect(await stores.audit.recent(1)).toEqual([recorded]);
    });
  });

  describe('digest sightings', () => {
    it('keep what a collection saw, in chunks, and read back whole', async () => {
      const incidents = new Map(Array.from({ length: 1500 }, (_, i) => [`${100000 + i}`, 1_700_000_000_000 + i]));
      const alerts = new Set(Array.from({ length: 1300 }, (_, i) => `da63871${i}_-1234567890`));
      await stores.sightings.save({ id: 'daily-1', until: 2, floor: 1, incidents, alerts });
      expect(await stores.sightings.get('daily-1')).toEqual({ id: 'daily-1', until: 2, floor: 1, incidents, alerts });
      // A collection that could read only its alerts stores only them.
      await stores.sightings.save({ id: 'daily-2', until: 3, floor: 2, alerts: new Set(['a']) });
      expect(await stores.sightings.get('daily-2')).toEqual({
        id: 'daily-2',
        until: 3,
        floor: 2,
        alerts: new Set(['a']),
      });
      expect(await stores.sightings.get('unknown')).toBeUndefined();
    });

    it('are pruned when old and no subscription refers to them', async () => {
      for (const [id, until] of [
        ['old-kept', 1],
        ['old-dropped', 1],
        ['recent', 10],
      ] as const) {
        await stores.sightings.save({ id, until, floor: 0, incidents: new Map([['1', 1]]) });
      }
      expect(await stores.sightings.prune(new Set(['old-kept']), 5)).toBe(1);
      expect(await stores.sightings.get('old-dropped')).toBeUndefined();
      expect(await stores.sightings.get('old-kept')).toBeDefined();
      expect(await stores.sightings.get('recent')).toBeDefined();
      expect(await stores.records.list('sightings', { prefix: 'old-dropped|' })).toEqual([]);
    });
  });

  describe('score snapshots', () => {
    beforeEach(async () => {
      for (const [time, score] of [
        ['2025-01-01T00:00:00.000Z', 40],
        ['2025-01-02T00:00:30.000Z', 45],
        ['2025-01-03T00:00:00.000Z', 50],
      ] as const) {
        await stores.snapshots.add({ kind: 'exposure', time, score });
      }
      await stores.snapshots.add({ kind: 'configuration', time: '2025-01-02T12:00:00.000Z', score: 70 });
    });

    it('finds the latest snapshot at or before a time, of the asked kind only', async () => {
      const latest = (iso: string) => stores.snapshots.latestAtOrBefore('exposure', at(iso));
      expect(await latest('2024-12-31T23:59:59.999Z')).toBeUndefined();
      expect((await latest('2025-01-01T00:00:00.000Z'))?.score).toBe(40);
      expect((await latest('2025-01-02T00:00:10.000Z'))?.score).toBe(40);
      expect((await latest('2025-01-02T00:00:30.000Z'))?.score).toBe(45);
      expect((await latest('2025-01-02T23:00:00.000Z'))?.score).toBe(45);
      expect((await latest('2030-01-01T00:00:00.000Z'))?.score).toBe(50);
      const configuration = await stores.snapshots.latestAtOrBefore('configuration', at('2030-01-01T00:00:00.000Z'));
      expect(configuration?.score).toBe(70);
    });

    it('returns the snapshots since a time, oldest first, including one taken at that time', async () => {
      const since = async (iso: string) => (await stores.snapshots.since('exposure', at(iso))).map((s) => s.score);
      expect(await since('2024-12-01T00:00:00.000Z')).toEqual([40, 45, 50]);
      expect(await since('2025-01-01T00:00:00.000Z')).toEqual([40, 45, 50]);
      expect(await since('2025-01-01T00:00:00.001Z')).toEqual([45, 50]);
      expect(await since('2025-01-02T00:00:10.000Z')).toEqual([45, 50]);
      expect(await since('2025-01-02T00:00:40.000Z')).toEqual([50]);
      expect(await since('2025-01-04T00:00:00.000Z')).toEqual([]);
    });

    it('keeps one snapshot per kind and minute, the later one', async () => {
      await stores.snapshots.add({ kind: 'exposure', time: '2025-01-03T00:00:45.000Z', score: 55 });
      const since = await stores.snapshots.since('exposure', at('2025-01-03T00:00:00.000Z'));
      expect(since).toEqual([{ kind: 'exposure', time: '2025-01-03T00:00:45.000Z', score: 55 }]);
    });
  });

  describe('conversations', () => {
    it('saves, replaces, lists and removes conversations', async () => {
      const conversation = {
        id: '19:abc@thread.tacv2',
        type: 'channel' as const,
        reference: { conversation: { id: '19:abc@thread.tacv2' } },
        installedAt: '2025-01-06T09:00:00.000Z',
      };
      await stores.conversations.save(conversation);
      await stores.conversations.save({ ...conversation, channelName: 'Security' });
      expect(await stores.conversations.list()).toEqual([{ ...conversation, channelName: 'Security' }]);
      await stores.conversations.remove(conversation.id);
      expect(await stores.conversations.get(conversation.id)).toBeUndefined();
    });
  });

  describe('lifecycle', () => {
    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('fails every operation after close instead of silently succeeding', async () => {
      await store.put('claims', 'k', 1);
      await store.close();
      await expect(store.get('claims', 'k')).rejects.toThrow();
      await expect(store.put('claims', 'k', 2)).rejects.toThrow();
      await expect(store.put('claims', 'k', 2, { ifNoneMatch: '*' })).rejects.toThrow();
      await expect(store.delete('claims', 'k')).rejects.toThrow();
      await expect(store.list('claims')).rejects.toThrow();
      await expect(store.ping()).rejects.toThrow();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
});
