import { FaultInjector, parseFaultSettings, type FaultKind } from '../../../src/simulator/faults';
import { startTestTenant, type TestTenant } from './harness';

describe('simulated faults', () => {
  let t: TestTenant;

  beforeEach(async () => {
    t = await startTestTenant();
  });
  afterEach(() => t.close());

  const always = (kind: FaultKind, path = 'machines') => t.sim.tenant.setFaults({ rules: [{ path, kind }] });
  const scan = (device: string) =>
    t.post(`/api/machines/${device}/runAntiVirusScan`, { Comment: 'x', ScanType: 'Quick' });

  it('429 carries Retry-After and a TooManyRequests body', async () => {
    t.sim.tenant.setFaults({ rules: [{ path: 'incidents', kind: '429' }], retryAfterSeconds: 3 });
    const res = await t.get('/v1.0/security/incidents');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.body.error.code).toBe('TooManyRequests');
    expect(res.body.error.innerError['request-id']).toBeDefined();
  });

  it('500 and 503 answer with the service error shapes', async () => {
    always('500', 'secureScores');
    const graph = await t.get('/v1.0/security/secureScores?$top=8');
    expect(graph.status).toBe(500);
    expect(graph.body.error.innerError).toBeDefined();
    always('503');
    const defender = await t.get('/api/machines');
    expect(defender.status).toBe(503);
    expect(defender.headers.get('retry-after')).toBe('1');
    expect(defender.body.error.target).toBeDefined();
  });

  it('reset drops the connection', async () => {
    always('reset');
    await expect(fetch(`${t.url}/api/machines`)).rejects.toThrow();
    expect((await t.get('/api/alerts?$top=1')).status).toBe(200);
  });

  it('timeout never answers, and the server still closes cleanly', async () => {
    always('timeout');
    await expect(fetch(`${t.url}/api/machines`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const hanging = fetch(`${t.url}/api/machines`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await t.close();
    expect(await hanging).toHaveProperty('message', 'fetch failed');
  });

  it('truncated sends half the body and drops the connection', async () => {
    always('truncated');
    const res = await fetch(`${t.url}/api/machines`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('invalidJson sends a complete answer that is not JSON', async () => {
    always('invalidJson');
    const res = await fetch(`${t.url}/api/machines`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('loopingNextLink points the nextLink back at the same page', async () => {
    always('loopingNextLink', 'investigations');
    const res = await t.get('/api/investigations?$top=2');
    expect(res.body['@odata.nextLink']).toBe(`${t.url}/api/investigations?$top=2`);
    expect(res.body.value).toHaveLength(2);
  });

  it('a rule with a count fires that many times, then the API answers normally', async () => {
    t.sim.tenant.setFaults({ rules: [{ path: '^/api/machines', kind: '500', count: 2 }] });
    expect((await t.get('/api/machines')).status).toBe(500);
    expect((await t.get('/api/alerts')).status).toBe(200);
    expect((await t.get('/api/machines')).status).toBe(500);
    expect((await t.get('/api/machines')).status).toBe(200);
    expect(t.sim.tenant.faults.state().rules[0]).toMatchObject({ remaining: 0, hits: 2 });
  });

  it('a rule can target one method: the scan POST fails, reads do not', async () => {
    const device = t.sim.tenant.facts.devices.domainController!.id;
    t.sim.tenant.setFaults({ rules: [{ path: 'runAntiVirusScan', kind: '503', method: 'POST' }] });
    expect((await scan(device)).status).toBe(503);
    expect((await t.get(`/api/machines/${device}`)).status).toBe(200);
    // A refused request changed nothing: a scan can still start once the fault is gone.
    t.sim.tenant.clearFaults();
    expect((await scan(device)).status).toBe(201);
  });

  it('a random fault rate faults about that share of requests, repeatably for a seed', async () => {
    t.sim.tenant.setFaults({ rate: 0.5, kinds: ['500', '503'] });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await t.get('/api/exposureScore')).status);
    const faulted = statuses.filter((s) => s !== 200).length;
    expect(faulted).toBeGreaterThan(8);
    expect(faulted).toBeLessThan(32);
    expect(statuses.every((s) => [200, 500, 503].includes(s))).toBe(true);
    const again = new FaultInjector(42, { rate: 0.5, kinds: ['500', '503'] });
    const replay = statuses.map(() => again.pick('GET', '/api/exposureScore') ?? 200);
    expect(replay.map((k) => (k === 200 ? 200 : Number(k)))).toEqual(statuses);
  });

  it('the admin API sets, shows and clears faults, and adds latency', async () => {
    const put = await fetch(`${t.url}/_simulator/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ path: 'secureScores', kind: '500' }] }),
    });
    expect(put.status).toBe(200);
    expect((await t.get('/v1.0/security/secureScores')).status).toBe(500);
    expect((await t.get('/_simulator/faults')).body.rules).toHaveLength(1);
    expect((await fetch(`${t.url}/_simulator/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.get('/v1.0/security/secureScores')).status).toBe(200);
    const body = JSON.stringify({ rules: [{ path: 'x', kind: '418' }] });
    const bad = await fetch(`${t.url}/_simulator/faults`, { method: 'PUT', body });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('unknown fault kind');

    await fetch(`${t.url}/_simulator/latency`, { method: 'PUT', body: JSON.stringify({ ms: 400 }) });
    const started = Date.now();
    await t.get('/api/exposureScore');
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    const adminStarted = Date.now();
    await t.get('/_simulator/stats');
    expect(Date.now() - adminStarted).toBeLessThan(390);
  });

  it('optional per-minute quotas answer 429 with the seconds until the window frees', async () => {
    t.sim.tenant.setRateLimits({ defenderPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await t.get('/api/exposureScore')).status).toBe(200);
    const throttled = await t.get('/api/exposureScore');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('60');
    expect((await t.get('/v1.0/security/secureScores?$top=1')).status).toBe(200);
    t.advance(60);
    expect((await t.get('/api/exposureScore')).status).toBe(200);
  });

  it('an optional hourly Defender quota (documented: 1,500 an hour) holds across minutes', async () => {
    t.sim.tenant.setRateLimits({ defenderPerHour: 4, defenderPerMinute: 100 });
    for (let minute = 0; minute < 4; minute++) {
      expect((await t.get('/api/exposureScore')).status).toBe(200);
      t.advance(60);
    }
    const throttled = await t.get('/api/exposureScore');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBe(3600 - 4 * 60);
    expect(throttled.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    t.advance(3600 - 4 * 60);
    expect((await t.get('/api/exposureScore')).status).toBe(200);
  });
});

describe('fault settings validation', () => {
  it('names what is wrong', () => {
    expect(() => parseFaultSettings({ rate: 2 })).toThrow('rate must be a number between 0 and 1');
    expect(() => parseFaultSettings({ rules: [{ path: '(', kind: '500' }] })).toThrow('not a valid regular expression');
    expect(() => parseFaultSettings({ kinds: [] })).toThrow('non-empty');
    expect(parseFaultSettings({ rules: [{ path: 'x', kind: 'reset', method: 'post', count: 1 }] })).toEqual({
      rules: [{ path: 'x', kind: 'reset', method: 'POST', count: 1 }],
    });
  });
});
