import { spawn } from 'node:child_process';
import { graphAlertSchema, incidentSchema, mdeAlertSchema } from '../../../src/defender/models';
import { loadConfig } from '../../../src/config';
import { optionsFromEnv, simulatorOptionsFromConfig } from '../../../src/simulator';
import { startTestTenant, T0, type TestTenant } from './harness';

describe('the simulator control API', () => {
  let t: TestTenant;

  beforeEach(async () => {
    t = await startTestTenant();
  });
  afterEach(() => t.close());

  it('logs each API request with its API, authorization and status, but not its own calls', async () => {
    await t.get('/api/machines?$top=1', { headers: { Authorization: 'Bearer defender-token' } });
    await t.get('/v1.0/security/incidents?$top=51', { headers: { Authorization: 'Bearer graph-token' } });
    await t.get('/_simulator/stats');
    const log = (await t.get('/_simulator/requests')).body.requests;
    expect(log).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'GET',
        path: '/api/machines?$top=1',
        api: 'defender',
        authorization: 'Bearer defender-token',
        status: 200,
        time: new Date(T0).toISOString(),
      }),
      expect.objectContaining({
        seq: 2,
        path: '/v1.0/security/incidents?$top=51',
        api: 'graph',
        authorization: 'Bearer graph-token',
        status: 400,
      }),
    ]);
    expect((await t.get('/_simulator/requests?since=1')).body.requests).toHaveLength(1);
    const stats = (await t.get('/_simulator/stats')).body;
    expect(stats).toMatchObject({ total: 2, byApi: { defender: 1, graph: 1 }, byStatus: { '200': 1, '400': 1 } });
    expect(stats.byPath).toEqual({ 'GET /api/machines': 1, 'GET /v1.0/security/incidents': 1 });
    expect((await fetch(`${t.url}/_simulator/requests`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.get('/_simulator/requests')).body.requests).toEqual([]);
    expect(t.sim.tenant.stats().total).toBe(0);
  });

  it('normalizes ids in the per-path counters and records faults', async () => {
    const device = t.sim.tenant.facts.devices.domainController!.id;
    t.sim.tenant.setFaults({ rules: [{ path: '/alerts', kind: 'reset', count: 1 }] });
    await t.get(`/api/machines/${device}`);
    await fetch(`${t.url}/api/machines/${device}/alerts`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    const stats = t.sim.tenant.stats();
    expect(stats.byPath).toEqual({ 'GET /api/machines/{id}': 1, 'GET /api/machines/{id}/alerts': 1 });
    expect(stats.faults).toEqual({ reset: 1 });
    expect(t.sim.tenant.requestLog()[1]).toMatchObject({ status: null, fault: 'reset' });
  });

  it('raises an incident on demand, on a chosen device, with a chosen severity and title', async () => {
    const device = t.sim.tenant.facts.devices.domainController!;
    const title = 'Suspicious PowerShell command line';
    const body = { severity: 'high', title, deviceId: device.name, alertCount: 2 };
    const res = await t.post('/_simulator/incidents', body);
    expect(res.status).toBe(201);
    const incident = incidentSchema.parse(res.body);
    expect(incident).toMatchObject({ severity: 'high', status: 'active' });
    expect(incident.createdDateTime).toBe('2025-05-12T09:00:00.0000000Z');
    expect(incident.displayName).toBe('Suspicious PowerShell command line on one endpoint');
    expect(incident.alerts).toHaveLength(2);
    const newest = (await t.get('/v1.0/security/incidents?$top=1')).body.value[0];
    expect(newest.id).toBe(incident.id);
    const deviceAlerts = (await t.get(`/api/machines/${device.id}/alerts`)).body.value;
    const ids = incident.alerts!.map((a) => a.id);
    expect(deviceAlerts.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(ids));
    const machine = (await t.get(`/api/machines/${device.id}`)).body;
    expect(machine.riskScore).toBe('High');
  });

  it('raises an alert on demand, alone or in an existing incident', async () => {
    const alone = await t.post('/_simulator/alerts', { severity: 'low' });
    expect(alone.status).toBe(201);
    graphAlertSchema.parse(alone.body.alert);
    mdeAlertSchema.parse(alone.body.mdeAlert);
    const incidentId = alone.body.alert.incidentId;
    const joined = await t.post('/_simulator/alerts', { incidentId, serviceSource: 'microsoftDefenderForOffice365' });
    expect(joined.body.alert.incidentId).toBe(alone.body.alert.incidentId);
    expect(joined.body.mdeAlert).toBeNull();
    const incident = (await t.get(`/v1.0/security/incidents/${alone.body.alert.incidentId}?$expand=alerts`)).body;
    expect(incident.alerts).toHaveLength(2);
    expect((await t.post('/_simulator/alerts', { incidentId: 1 })).status).toBe(404);
    expect((await t.post('/_simulator/alerts', { severity: 'critical' })).status).toBe(400);
    expect((await t.post('/_simulator/incidents', { deviceId: 'NO-SUCH-PC' })).status).toBe(404);
  });

  it('moves the clock', async () => {
    const res = await t.post('/_simulator/clock', { advanceSeconds: 3600 });
    expect(res.body).toEqual({ now: new Date(T0 + 3_600_000).toISOString(), epochMs: T0 + 3_600_000 });
    expect((await t.get('/_simulator/clock')).body.epochMs).toBe(T0 + 3_600_000);
    expect((await t.post('/_simulator/clock', { advanceSeconds: -1 })).status).toBe(400);
  });

  it('tells the seeded facts and a summary', async () => {
    const facts = (await t.get('/_simulator/facts')).body;
    expect(facts.devices.pendingApprovalWorkstation.name).toBe('FIN-LT-014.contoso.local');
    const summary = (await t.get('/_simulator')).body;
    expect(summary).toMatchObject({ devices: 25, incidents: 12, alerts: 40, seed: 42 });
    expect((await t.get('/_simulator/nothing')).status).toBe(404);
  });

  it('refuses API requests without a bearer token when asked to', async () => {
    const strict = await startTestTenant({ requireAuth: true });
    try {
      const graph = await strict.get('/v1.0/security/incidents');
      expect(graph.status).toBe(401);
      expect(graph.body.error.code).toBe('InvalidAuthenticationToken');
      expect((await strict.get('/api/machines', { headers: { Authorization: 'Bearer x' } })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('simulator configuration', () => {
  it('maps the product SIMULATOR_* configuration', () => {
    const config = {
      devices: 100,
      latencyMs: 5,
      faultRate: 0.1,
      seed: 3,
      actionStepSeconds: 2,
      ingestionDelayMinutes: 9,
    };
    expect(simulatorOptionsFromConfig(config)).toEqual({
      devices: 100,
      latencyMs: 5,
      faultRate: 0.1,
      seed: 3,
      actionStepSeconds: 2,
      flow: { ingestionDelayMaxMinutes: 9 },
    });
  });

  it('reads the environment of the standalone process: its defaults are the tenant defaults', () => {
    expect(optionsFromEnv({})).toEqual({
      port: 0,
      host: '127.0.0.1',
      devices: 25,
      latencyMs: 0,
      faultRate: 0,
      seed: 42,
      actionStepSeconds: 20,
      flow: { ingestionDelayMaxMinutes: 240 },
      requireAuth: false,
    });
    const env = {
      SIMULATOR_PORT: '4000',
      SIMULATOR_HOST: ' 0.0.0.0 ',
      SIMULATOR_DEVICES: '10000',
      SIMULATOR_INCIDENTS: '500',
      SIMULATOR_ALERTS: '5000',
      SIMULATOR_FAULT_RATE: '0.05',
      SIMULATOR_ALERT_INTERVAL_MINUTES: '0',
      SIMULATOR_MERGE_RATE: '.1',
      SIMULATOR_RATE_LIMIT_PER_MINUTE: '600',
      SIMULATOR_REQUIRE_AUTH: 'true',
    };
    expect(optionsFromEnv(env)).toMatchObject({
      port: 4000,
      host: '0.0.0.0',
      devices: 10000,
      incidents: 500,
      alerts: 5000,
      faultRate: 0.05,
      alertIntervalMinutes: 0,
      flow: { ingestionDelayMaxMinutes: 240, mergeRate: 0.1 },
      rateLimits: { defenderPerMinute: 600, graphPerMinute: 600 },
      requireAuth: true,
    });
  });

  it('reads each SIMULATOR_* variable the bot reads as the bot does, and refuses a bad one in the same line', () => {
    const shared = {
      SIMULATOR_DEVICES: '40',
      SIMULATOR_LATENCY_MS: '5',
      SIMULATOR_FAULT_RATE: '0.1',
      SIMULATOR_SEED: '3',
      SIMULATOR_ACTION_STEP_SECONDS: '2',
      SIMULATOR_INGESTION_DELAY_MINUTES: '9',
    };
    expect(optionsFromEnv(shared)).toMatchObject(simulatorOptionsFromConfig(loadConfig(shared).simulator));
    const line = 'SIMULATOR_DEVICES: expected a device count 1-1000000, got "many"';
    expect(() => loadConfig({ SIMULATOR_DEVICES: 'many' })).toThrow(line);
    expect(() => optionsFromEnv({ SIMULATOR_DEVICES: 'many' })).toThrow(line);
  });

  it('runs as its own process and prints where it listens', async () => {
    const register = require.resolve('../../helpers/swcRegister.js');
    const child = spawn(process.execPath, ['--require', register, 'src/simulator/main.ts'], {
      env: { ...process.env, SIMULATOR_DEVICES: '40', SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      expect(line).toMatch(/^simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = line.replace('simulator listening on ', '');
      const machines = await (await fetch(`${url}/api/machines`)).json();
      expect(machines.value).toHaveLength(40);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
