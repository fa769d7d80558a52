import { z } from 'zod';
import {
  deviceAvInfoSchema,
  graphAlertSchema,
  incidentSchema,
  investigationSchema,
  machineActionSchema,
  machineIdSchema,
  machineSchema,
  mdeAlertSchema,
  recommendationSchema,
  remediationTaskSchema,
  scoreNowSchema,
  secureScoreControlProfileSchema,
  secureScoreSchema,
} from '../../../src/defender/models';
import { SimulatedTenant } from '../../../src/simulator';
import { HOSTILE_TITLE } from '../../../src/simulator/catalog';
import { machineRow, renderMachine } from '../../../src/simulator/render';
import { mdeAlertRow, renderMdeAlert } from '../../../src/simulator/renderAlerts';
import { getAll, startTestTenant, T0, type TestTenant } from './harness';

describe('the seeded tenant', () => {
  let t: TestTenant;

  beforeAll(async () => {
    t = await startTestTenant();
  });
  afterAll(() => t.close());

  const collections: [string, z.ZodTypeAny][] = [
    ['/v1.0/security/incidents?$expand=alerts', incidentSchema],
    ['/v1.0/security/alerts_v2', graphAlertSchema],
    ['/v1.0/security/secureScores', secureScoreSchema],
    ['/v1.0/security/secureScoreControlProfiles', secureScoreControlProfileSchema],
    ['/api/machines', machineSchema],
    ['/api/alerts?$expand=evidence', mdeAlertSchema],
    ['/api/machineactions', machineActionSchema],
    ['/api/investigations', investigationSchema],
    ['/api/recommendations', recommendationSchema],
    ['/api/remediationTasks', remediationTaskSchema],
    ['/api/deviceavinfo', deviceAvInfoSchema],
  ];

  it.each(collections)('every object of %s parses with the product schema', async (path, schema) => {
    const items = await getAll(t, path);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) schema.parse(item);
  });

  it('scores parse too', async () => {
    scoreNowSchema.parse((await t.get('/api/exposureScore')).body);
    scoreNowSchema.parse((await t.get('/api/configurationScore')).body);
  });

  it('has 25 devices by default, with 40-hex ids and realistic names', async () => {
    const machines = await getAll(t, '/api/machines');
    expect(machines).toHaveLength(25);
    for (const m of machines) machineIdSchema.parse(m.id);
    const names = machines.map((m) => m.computerDnsName);
    const cast = ['FIN-LT-014.contoso.local', 'RECEPTION-PC.contoso.local', 'SRV-FILE01.contoso.local'];
    expect(names).toEqual(expect.arrayContaining(cast));
    const platforms = new Set(machines.map((m) => m.osPlatform));
    const expected = ['Windows10', 'Windows11', 'WindowsServer2019', 'WindowsServer2022', 'macOS', 'iOS', 'Linux'];
    for (const p of expected) expect(platforms).toContain(p);
    expect(new Set(machines.map((m) => m.healthStatus)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(machines.map((m) => m.riskScore)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(machines.map((m) => m.exposureLevel)).size).toBeGreaterThanOrEqual(3);
    expect(machines.find((m) => m.computerDnsName === 'FIN-LT-014.contoso.local').riskScore).toBe('High');
  });

  it('has 12 incidents and 40 alerts, each MDE alert also in /api/alerts with its device', async () => {
    const incidents = await getAll(t, '/v1.0/security/incidents');
    const alerts = await getAll(t, '/v1.0/security/alerts_v2');
    expect(incidents).toHaveLength(12);
    expect(alerts).toHaveLength(40);
    const mde = await getAll(t, '/api/alerts');
    const graphMde = alerts.filter((a) => a.serviceSource === 'microsoftDefenderForEndpoint');
    expect(mde.map((a) => a.id).sort()).toEqual(graphMde.map((a) => a.id).sort());
    expect(alerts.some((a) => a.serviceSource === 'microsoftDefenderForOffice365')).toBe(true);
    for (const a of mde) {
      expect(a.machineId).toMatch(/^[0-9a-f]{40}$/);
      expect(a.computerDnsName).toBeTruthy();
      expect(a.investigationState).toBeTruthy();
    }
    for (const sev of ['high', 'medium', 'low', 'informational']) {
      expect(alerts.some((a) => a.severity === sev)).toBe(true);
    }
    for (const status of ['new', 'inProgress', 'resolved']) expect(alerts.some((a) => a.status === status)).toBe(true);
    const incident = incidents[0];
    const tid = t.sim.tenant.facts.tenantId;
    expect(incident.incidentWebUrl).toBe(`https://security.microsoft.com/incidents/${incident.id}?tid=${tid}`);
    expect(incidents.some((i) => /^Multi-stage incident involving .+ on one endpoint$/.test(i.displayName))).toBe(true);
  });

  it('carries exactly one alert whose title looks like markdown, HTML and a mention', async () => {
    const alerts = await getAll(t, '/v1.0/security/alerts_v2');
    const hostile = alerts.filter((a) => /[[<]/.test(a.title));
    expect(hostile.map((a) => a.id)).toEqual([t.sim.tenant.facts.hostileAlertId]);
    expect(hostile[0].title).toBe(HOSTILE_TITLE);
  });

  it('has machine actions in every status', async () => {
    const actions = await getAll(t, '/api/machineactions');
    const statuses = new Set(actions.map((a) => a.status));
    for (const s of ['Pending', 'InProgress', 'Succeeded', 'Failed', 'TimeOut', 'Cancelled']) {
      expect(statuses).toContain(s);
    }
    expect(actions.find((a) => a.status === 'Cancelled').cancellationComment).toBeTruthy();
  });

  it('has finished investigations besides the two awaiting approval', async () => {
    const states = new Set((await getAll(t, '/api/investigations')).map((i) => i.state));
    for (const s of ['PendingApproval', 'SuccessfullyRemediated', 'PartiallyRemediated', 'UnsupportedOs']) {
      expect(states).toContain(s);
    }
  });

  it('has AV health rows with outdated signatures and failed scans', async () => {
    const rows = await getAll(t, '/api/deviceavinfo?$top=100');
    expect(rows.some((r) => r.avIsSignatureUpToDate === 'False')).toBe(true);
    expect(rows.some((r) => r.quickScanResult === 'Failed')).toBe(true);
    expect(rows.some((r) => r.fullScanResult === 'Failed')).toBe(true);
    const outdated = await getAll(t, "/api/deviceavinfo?$filter=avIsSignatureUpToDate eq 'False'");
    expect(outdated.map((r) => r.computerDnsName)).toContain('SALES-LT-022.contoso.local');
  });

  it('has recommendations with impact and threats, and remediation tasks active, completed and overdue', async () => {
    const recs = await getAll(t, '/api/recommendations');
    expect(recs.some((r) => r.associatedThreats.length > 0)).toBe(true);
    for (const r of recs) {
      expect(typeof r.exposureImpact).toBe('number');
      expect(typeof r.exposedMachinesCount).toBe('number');
    }
    const tasks = await getAll(t, '/api/remediationTasks');
    expect(tasks.some((x) => x.status === 'Completed')).toBe(true);
    expect(tasks.some((x) => x.status === 'Active' && Date.parse(x.dueOn) < T0)).toBe(true);
    expect(tasks.some((x) => x.status === 'Active' && Date.parse(x.dueOn) > T0)).toBe(true);
  });

  it('secure score moves over the week and compares with other tenants', async () => {
    const week = (await t.get('/v1.0/security/secureScores?$top=8')).body.value;
    expect(week[0].currentScore).not.toBe(week[7].currentScore);
    expect(week[0].currentScore).toBeLessThanOrEqual(week[0].maxScore);
    const bases = week[0].averageComparativeScores.map((s: { basis: string }) => s.basis);
    expect(bases).toEqual(['AllTenants', 'TotalSeats']);
  });

  it('filters on cheap rows that agree with the rendered resources', () => {
    const tenant = t.sim.tenant;
    const ctx = tenant.context();
    const ms = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)));
    const sameDate = (a: unknown, b: unknown) => expect(ms(a)).toBe(ms(b));
    const folded = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
    for (const device of tenant.data.devices) {
      const row = machineRow(device, ctx);
      const full = renderMachine(device, ctx);
      for (const [key, value] of Object.entries(row)) {
        if (key === 'lastSeen') sameDate(value, full.lastSeen);
        else expect([key, value]).toEqual([key, full[key]]);
      }
    }
    for (const alert of tenant.data.alerts.filter((a) => a.device)) {
      const row = mdeAlertRow(alert, ctx);
      const full = renderMdeAlert(alert, ctx);
      for (const [key, value] of Object.entries(row)) {
        if (/Time$/.test(key)) sameDate(value, full[key]);
        else expect([key, folded(value)]).toEqual([key, folded(full[key])]);
      }
    }
  });

  it('is the same tenant for the same seed, and another for another seed', () => {
    const a = new SimulatedTenant({ now: () => T0 });
    const b = new SimulatedTenant({ now: () => T0 });
    const c = new SimulatedTenant({ now: () => T0, seed: 7 });
    expect(a.data.devices.map((d) => d.id)).toEqual(b.data.devices.map((d) => d.id));
    expect(a.data.alerts.map((x) => x.id)).toEqual(b.data.alerts.map((x) => x.id));
    expect(a.facts).toEqual(b.facts);
    expect(c.data.devices[0].id).not.toBe(a.data.devices[0].id);
    expect(c.data.devices[0].name).toBe(a.data.devices[0].name);
  });
});

describe('tenant sizes', () => {
  it('scales alerts, incidents and actions with devices', () => {
    const tenant = new SimulatedTenant({ devices: 10_000, now: () => T0 });
    expect(tenant.data.devices).toHaveLength(10_000);
    expect(tenant.data.alerts).toHaveLength(16_000);
    expect(tenant.data.incidents).toHaveLength(4_800);
    expect(tenant.data.actions).toHaveLength(7_200);
    expect(new Set(tenant.data.devices.map((d) => d.name)).size).toBe(10_000);
    expect(new Set(tenant.data.devices.map((d) => d.id)).size).toBe(10_000);
  });

  it('takes explicit counts', () => {
    const tenant = new SimulatedTenant({ devices: 10_000, alerts: 5_000, incidents: 500, now: () => T0 });
    expect(tenant.data.alerts).toHaveLength(5_000);
    expect(tenant.data.incidents).toHaveLength(500);
    expect(tenant.data.incidents.every((i) => i.alerts.length > 0)).toBe(true);
  });

  it('keeps the cast in a small tenant', () => {
    const tenant = new SimulatedTenant({ devices: 5, now: () => T0 });
    expect(tenant.data.devices.map((d) => d.name)).toEqual([
      'FIN-LT-014.contoso.local',
      'SRV-FILE01.contoso.local',
      'SALES-LT-022.contoso.local',
      'design-mbp-02.contoso.local',
      'KIOSK-PC01.contoso.local',
    ]);
    expect(tenant.facts.pendingApprovalInvestigationIds).toHaveLength(2);
  });
});

describe('the tenant over time', () => {
  let t: TestTenant;

  beforeEach(async () => {
    t = await startTestTenant();
  });
  afterEach(() => t.close());

  it('a new alert arrives every 30 simulated minutes, sometimes in a new incident', async () => {
    const before = (await t.get('/v1.0/security/alerts_v2?$count=true&$top=0')).body['@odata.count'];
    t.advance(29 * 60);
    expect((await t.get('/v1.0/security/alerts_v2?$count=true&$top=0')).body['@odata.count']).toBe(before);
    t.advance(60);
    expect((await t.get('/v1.0/security/alerts_v2?$count=true&$top=0')).body['@odata.count']).toBe(before + 1);
    t.advance(24 * 3600);
    const alerts = await getAll(t, `/v1.0/security/alerts_v2?$filter=createdDateTime gt ${new Date(T0).toISOString()}`);
    expect(alerts).toHaveLength(49);
    const since = new Date(T0).toISOString();
    const incidents = await getAll(t, `/v1.0/security/incidents?$filter=createdDateTime gt ${since}`);
    expect(incidents.length).toBeGreaterThan(10);
    expect(incidents.length).toBeLessThan(49);
    const newest = (await t.get('/v1.0/security/incidents?$top=1')).body.value[0];
    expect(Date.parse(newest.createdDateTime)).toBeGreaterThan(T0);
  });

  it('arrivals are the same for the same seed whatever the request pattern', async () => {
    const other = await startTestTenant();
    try {
      t.advance(3 * 3600);
      other.advance(3600);
      await other.get('/api/alerts?$top=1');
      other.advance(2 * 3600);
      const a = await getAll(t, '/v1.0/security/alerts_v2?$top=5');
      const b = await getAll(other, '/v1.0/security/alerts_v2?$top=5');
      expect(b).toEqual(a);
    } finally {
      await other.close();
    }
  });

  it('exposure and configuration scores drift slowly with the clock', async () => {
    const first = (await t.get('/api/exposureScore')).body;
    t.advance(7 * 86400);
    const later = (await t.get('/api/exposureScore')).body;
    expect(Date.parse(later.time) - Date.parse(first.time)).toBe(7 * 86400_000);
    expect(later.score).not.toBe(first.score);
    expect(Math.abs(later.score - first.score)).toBeLessThan(20);
    expect((await t.get('/api/configurationScore')).body.score).toBeGreaterThan(400);
  });

  it('a finished scan shows in the antivirus health report', async () => {
    const device = t.sim.tenant.facts.devices.domainController!.id;
    await t.post(`/api/machines/${device}/runAntiVirusScan`, { Comment: 'x', ScanType: 'Quick' });
    t.advance(40);
    const row = (await t.get(`/api/deviceavinfo?$filter=machineId eq '${device}'`)).body.value[0];
    expect(Date.parse(row.quickScanTime)).toBe(T0 + 40_000);
    expect(row.quickScanResult).toBe('Completed');
  });
});
