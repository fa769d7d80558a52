import { getAll, getAllBySkip, startTestTenant, type TestTenant } from './harness';

describe('simulated tenant paging', () => {
  let t: TestTenant;

  beforeAll(async () => {
    t = await startTestTenant({ devices: 300, alerts: 480, incidents: 130 });
  });
  afterAll(() => t.close());

  it.each([
    ['/v1.0/security/incidents', 130, 7],
    ['/v1.0/security/alerts_v2', 480, 100],
  ])('following @odata.nextLink from %s gives every item exactly once', async (path, expected, top) => {
    const all = await getAll(t, `${path}?$top=${top}`);
    const ids = all.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(expected);
    const unpaged = await getAll(t, path);
    expect(unpaged.map((item) => item.id)).toEqual(ids);
  });

  it.each([
    ['/api/machines', 300, 64],
    ['/api/alerts', -1, 50],
    ['/api/machineactions', -1, 33],
  ])(
    'a Defender list sent with $top has no next link: $top + $skip until a short page reads %s whole',
    async (path, expected, top) => {
      const { items, requests } = await getAllBySkip(t, path, top);
      const ids = items.map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      if (expected >= 0) expect(ids.length).toBe(expected);
      else expect(ids.length).toBeGreaterThan(top);
      expect(requests).toBe(Math.floor(ids.length / top) + 1);
      // Without $top the service's own page holds everything here, and the list is the same.
      const unpaged = await getAll(t, path);
      expect(unpaged.map((item) => item.id)).toEqual(ids);
    },
  );

  it('the antivirus health report keeps its next links with $top, and holds several rows for some devices', async () => {
    const rows = await getAll(t, '/api/deviceavinfo?$top=40');
    const devices = new Set(rows.map((r) => r.machineId));
    expect(rows.length).toBeGreaterThan(devices.size);
    const byDevice = new Map<string, any[]>();
    for (const r of rows) byDevice.set(r.machineId, [...(byDevice.get(r.machineId) ?? []), r]);
    const twice = [...byDevice.values()].find((list) => list.length > 1)!;
    expect(twice.map((r) => r.id)).toEqual([twice[0].machineId, twice[0].machineId]);
    expect(Date.parse(twice[1].lastSeenTime)).toBeLessThan(Date.parse(twice[0].lastSeenTime));
    expect(await getAll(t, '/api/deviceavinfo')).toEqual(rows);
  });

  it('with next links turned back on, a Defender next link is an absolute URL on the same server that keeps the filter and moves $skip', async () => {
    t.sim.tenant.setBehaviour({ defenderNextLinks: true });
    try {
      const res = await t.get("/api/machines?$filter=healthStatus eq 'Active'&$top=10");
      const next = new URL(res.body['@odata.nextLink']);
      expect(`${next.protocol}//${next.host}`).toBe(t.url);
      expect(next.pathname).toBe('/api/machines');
      expect(next.searchParams.get('$skip')).toBe('10');
      expect(next.searchParams.get('$top')).toBe('10');
      expect(next.searchParams.get('$filter')).toBe("healthStatus eq 'Active'");
      const active = await getAll(t, "/api/machines?$filter=healthStatus eq 'Active'&$top=10");
      expect(active.length).toBeGreaterThan(200);
      expect(active.every((m) => m.healthStatus === 'Active')).toBe(true);
    } finally {
      t.sim.tenant.setBehaviour({ defenderNextLinks: false });
    }
  });

  it('Graph refuses a $skip above 500 with 400, while its next links (an opaque $skiptoken) go on past it', async () => {
    expect((await t.get('/v1.0/security/alerts_v2?$top=10&$skip=500')).status).toBe(200);
    const refused = await t.get('/v1.0/security/alerts_v2?$top=10&$skip=501');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('BadRequest');
    expect(refused.body.error.message).toContain("The limit of '500' for Skip query has been exceeded");
    expect((await t.get('/v1.0/security/incidents?$skiptoken=not-a-token')).status).toBe(400);
    t.sim.tenant.setBehaviour({ graphMaxSkip: 100 });
    try {
      expect((await t.get('/v1.0/security/alerts_v2?$top=50&$skip=150')).status).toBe(400);
      const page = await t.get('/v1.0/security/alerts_v2?$top=50&$skip=100');
      const next = new URL(page.body['@odata.nextLink']);
      expect(next.searchParams.has('$skip')).toBe(false);
      expect(next.searchParams.get('$skiptoken')).toBeTruthy();
      const after = await t.get(page.body['@odata.nextLink']);
      expect(after.status).toBe(200);
      expect(after.body.value).toHaveLength(50);
      expect(after.body.value[0].id).not.toBe(page.body.value[0].id);
      t.sim.tenant.setBehaviour({ graphMaxSkip: null });
      expect((await t.get('/v1.0/security/alerts_v2?$top=10&$skip=501')).status).toBe(200);
    } finally {
      t.sim.tenant.setBehaviour({ graphMaxSkip: 500 });
    }
  });

  it('incidents with $expand=alerts and a $filter answer 500 when more incidents match than the set size', async () => {
    t.sim.tenant.setBehaviour({ expandFilterLimit: 100 });
    try {
      const since = 'lastUpdateDateTime ge 2000-01-01T00:00:00Z';
      const failing = await t.get(`/v1.0/security/incidents?$expand=alerts&$filter=${since}`);
      expect(failing.status).toBe(500);
      expect(failing.body.error.code).toBe('InternalServerError');
      expect((await t.get(`/v1.0/security/incidents?$filter=${since}`)).status).toBe(200);
      expect((await t.get('/v1.0/security/incidents?$expand=alerts')).status).toBe(200);
      const few = await t.get("/v1.0/security/incidents?$expand=alerts&$filter=severity eq 'high'");
      expect(few.status).toBe(200);
    } finally {
      t.sim.tenant.setBehaviour({ expandFilterLimit: 500 });
    }
  });

  it('the last page has no nextLink, and a $skip past the end is an empty page', async () => {
    const last = await t.get('/api/machines?$top=100&$skip=200');
    expect(last.body.value).toHaveLength(100);
    expect(last.body['@odata.nextLink']).toBeUndefined();
    const past = await t.get('/api/machines?$skip=5000');
    expect(past.body.value).toEqual([]);
  });

  it('incidents come newest first and $expand=alerts embeds their alerts', async () => {
    const res = await t.get('/v1.0/security/incidents?$top=50&$expand=alerts');
    const created = res.body.value.map((i: { createdDateTime: string }) => Date.parse(i.createdDateTime));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    for (const incident of res.body.value) {
      expect(incident.alerts.length).toBeGreaterThan(0);
      for (const alert of incident.alerts) expect(alert.incidentId).toBe(incident.id);
    }
    const plain = await t.get('/v1.0/security/incidents?$top=1');
    expect(plain.body.value[0].alerts).toBeUndefined();
  });

  it('refuses $top above each service cap with the OData message', async () => {
    const incidents = await t.get('/v1.0/security/incidents?$top=51');
    expect(incidents.status).toBe(400);
    expect(incidents.body.error.code).toBe('BadRequest');
    expect(incidents.body.error.message).toContain("The limit of '50' for Top query has been exceeded");
    expect(incidents.body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(incidents.body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect((await t.get('/v1.0/security/alerts_v2?$top=1001')).status).toBe(400);
    expect((await t.get('/v1.0/security/alerts_v2?$top=1000')).status).toBe(200);
    const machines = await t.get('/api/machines?$top=10001');
    expect(machines.status).toBe(400);
    expect(machines.body.error.message).toContain("The limit of '10000' for Top query has been exceeded");
    expect(machines.body.error.target).toMatch(/^[0-9a-f-]{36}$/);
    expect((await t.get('/api/deviceavinfo?$top=10001')).status).toBe(400);
  });

  it('uses the default page sizes without $top: 50 incidents, 20 deviceavinfo rows', async () => {
    const incidents = await t.get('/v1.0/security/incidents');
    expect(incidents.body.value).toHaveLength(50);
    expect(incidents.body['@odata.nextLink']).toContain('$skiptoken=');
    const av = await t.get('/api/deviceavinfo');
    expect(av.body.value).toHaveLength(20);
    expect(av.body['@odata.nextLink']).toContain('$skip=20');
  });

  it('answers $count, $select and $orderby', async () => {
    const counted = await t.get("/api/machines?$filter=riskScore eq 'High'&$count=true&$top=1&$select=id,riskScore");
    expect(counted.body['@odata.count']).toBeGreaterThan(0);
    expect(Object.keys(counted.body.value[0]).sort()).toEqual(['id', 'riskScore']);
    const ordered = await t.get('/api/machines?$orderby=computerDnsName&$top=5');
    const names = ordered.body.value.map((m: { computerDnsName: string }) => m.computerDnsName.toLowerCase());
    expect([...names].sort()).toEqual(names);
  });

  it('filters incidents on the open statuses, as `show incidents` asks (or, parentheses, awaitingAction)', async () => {
    const open =
      "(severity eq 'high') and ((status eq 'active') or (status eq 'inProgress') or (status eq 'awaitingAction'))";
    const listed = await getAll(t, `/v1.0/security/incidents?$filter=${encodeURIComponent(open)}`);
    expect(listed.length).toBeGreaterThan(0);
    expect(
      listed.every((i) => ['active', 'inProgress', 'awaitingAction'].includes(i.status) && i.severity === 'high'),
    ).toBe(true);
    const all = await getAll(t, "/v1.0/security/incidents?$filter=severity eq 'high'");
    expect(listed.length).toBe(all.filter((i) => i.status !== 'resolved' && i.status !== 'redirected').length);
  });

  it('refuses a bad filter with each service error shape', async () => {
    const graph = await t.get("/v1.0/security/incidents?$filter=displayName eq 'x'");
    expect(graph.status).toBe(400);
    expect(graph.body.error.code).toBe('BadRequest');
    expect(graph.body.error.message).toMatch(/^Invalid filter clause: Could not find a property named 'displayName'/);
    const defender = await t.get("/api/machines?$filter=riskScore eq 'Severe'");
    expect(defender.status).toBe(400);
    expect(defender.body.error.code).toBe('ODataError');
    expect(defender.body.error.target).toBeDefined();
    expect((await t.get('/api/machines?$top=abc')).status).toBe(400);
    expect((await t.get('/api/machines?$search=foo')).status).toBe(400);
    expect((await t.get('/v1.0/security/incidents?$expand=evidence')).status).toBe(400);
  });

  it('filters alerts by time, as a daily digest asks', async () => {
    const since = new Date(Date.UTC(2025, 4, 11, 9)).toISOString();
    const filter = `createdDateTime ge ${since} and status ne 'resolved'`;
    const recent = await getAll(t, `/v1.0/security/alerts_v2?$filter=${filter}`);
    expect(recent.length).toBeGreaterThan(0);
    for (const a of recent) {
      expect(Date.parse(a.createdDateTime)).toBeGreaterThanOrEqual(Date.parse(since));
      expect(a.status).not.toBe('resolved');
    }
    const mde = await getAll(t, "/v1.0/security/alerts_v2?$filter=serviceSource eq 'microsoftDefenderForEndpoint'");
    expect(mde.every((a) => a.serviceSource === 'microsoftDefenderForEndpoint')).toBe(true);
  });

  it('serves /api/v1.0/... as an alias of /api/..., and 404s unknown paths', async () => {
    const a = await t.get('/api/v1.0/machines?$top=3');
    const b = await t.get('/api/machines?$top=3');
    expect(a.body.value).toEqual(b.body.value);
    expect((await t.get('/api/nothing')).status).toBe(404);
    expect((await t.get('/v1.0/security/nothing')).status).toBe(404);
    expect((await t.get('/elsewhere')).status).toBe(404);
    const missing = await t.get('/api/machines/0000000000000000000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ResourceNotFound');
  });

  it('gives secure scores one per day, newest first, 90 days', async () => {
    const all = await getAll(t, '/v1.0/security/secureScores');
    expect(all).toHaveLength(90);
    expect(all[0].createdDateTime).toBe('2025-05-12T00:00:00Z');
    expect(all[89].createdDateTime).toBe('2025-02-12T00:00:00Z');
    const week = await t.get('/v1.0/security/secureScores?$top=8');
    expect(week.body.value).toHaveLength(8);
    expect(week.body.value[7].id).toBe(all[7].id);
  });
});
