/**
 * The reported service behaviours of the simulated tenant (docs/service-behaviour.md): lost POST answers after the
 * action started, nulls where the resource pages allow them, and the control API that sets them.
 */
import { deviceAvInfoSchema, investigationSchema, machineSchema, mdeAlertSchema } from '../../../src/defender/models';
import { DEFAULT_BEHAVIOUR } from '../../../src/simulator';
import { getAll, startTestTenant, type TestTenant } from './harness';

describe('simulated service behaviours', () => {
  let t: TestTenant;

  beforeEach(async () => {
    t = await startTestTenant({ devices: 60 });
  });
  afterEach(() => t.close());

  const workstation = () =>
    t.sim.tenant.data.devices.find(
      (d) =>
        d.os.platform === 'Windows11' && d.health === 'Active' && d.onboarding === 'Onboarded' && !d.actions?.length,
    )!;
  const scanOf = (id: string) =>
    fetch(`${t.url}/api/machines/${id}/runAntiVirusScan`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Comment: 'lost answer test', ScanType: 'Quick' }),
      signal: AbortSignal.timeout(1000),
    });

  it('a POST whose answer is reset after the action started: the scan exists although no answer came', async () => {
    t.sim.tenant.setFaults({ rules: [{ path: 'runAntiVirusScan', method: 'POST', kind: 'resetAfterAction' }] });
    const device = workstation();
    await expect(scanOf(device.id)).rejects.toThrow();
    const listed = await t.get(
      `/api/machineactions?$filter=machineId eq '${device.id}' and type eq 'RunAntiVirusScan'`,
    );
    expect(listed.body.value).toHaveLength(1);
    expect(listed.body.value[0]).toMatchObject({ status: 'Pending', requestorComment: 'lost answer test' });
    const log = t.sim.tenant.requestLog().filter((e) => e.method === 'POST');
    expect(log.at(-1)).toMatchObject({ fault: 'resetAfterAction', status: null });
  });

  it('a POST whose answer never comes after the action started: the investigation exists', async () => {
    t.sim.tenant.setFaults({ rules: [{ path: 'startInvestigation', kind: 'hangAfterAction' }] });
    const device = workstation();
    const post = fetch(`${t.url}/api/machines/${device.id}/startInvestigation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Comment: 'x' }),
      signal: AbortSignal.timeout(300),
    });
    await expect(post).rejects.toThrow();
    const listed = await t.get(`/api/investigations?$filter=machineId eq '${device.id}'`);
    expect(listed.body.value.length).toBeGreaterThanOrEqual(1);
  });

  it('by default a share of action answers is lost after the action started, each one an action that exists', async () => {
    t.sim.tenant.setBehaviour({ lostAnswerRate: 0.5 });
    const devices = t.sim.tenant.data.devices.filter(
      (d) => d.os.canScan && d.health === 'Active' && d.onboarding === 'Onboarded' && !d.actions?.length,
    );
    let lost = 0;
    for (const device of devices.slice(0, 12)) {
      const answered = await scanOf(device.id).then(
        (res) => res.status === 201,
        () => false,
      );
      if (!answered) lost++;
      expect(device.actions).toHaveLength(1);
    }
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThan(12);
    expect(DEFAULT_BEHAVIOUR.lostAnswerRate).toBeGreaterThan(0);
  });

  it('nulls come back where the resource pages allow them, and the product schemas read them', async () => {
    t.sim.tenant.setBehaviour({ nullRate: 1 });
    const machines = await getAll(t, '/api/machines');
    expect(machines.every((m) => m.osBuild === null && m.exposureLevel === null && m.deviceValue === null)).toBe(true);
    expect(machines.some((m) => m.riskScore === null)).toBe(true);
    for (const m of machines) expect(machineSchema.safeParse(m).success).toBe(true);
    const alerts = await getAll(t, '/api/alerts');
    expect(alerts.every((a) => a.alertCreationTime === null && a.lastUpdateTime === null)).toBe(true);
    for (const a of alerts) expect(mdeAlertSchema.safeParse(a).success).toBe(true);
    const av = await getAll(t, '/api/deviceavinfo');
    expect(av.every((r) => r.fullScanTime === null && r.avIsPlatformUpToDate === 'Unknown')).toBe(true);
    for (const r of av) expect(deviceAvInfoSchema.parse(r).avIsPlatformUpToDate).toBeUndefined();
    const started = await t.post(`/api/machines/${workstation().id}/startInvestigation`, { Comment: 'x' });
    expect(started.status).toBe(201);
    expect(started.body.startTime).toBeNull();
    expect(investigationSchema.parse(started.body).startTime).toBeUndefined();

    t.sim.tenant.setBehaviour({ nullRate: 0 });
    const whole = await getAll(t, '/api/machines');
    expect(whole.every((m) => m.exposureLevel !== null && m.riskScore !== null)).toBe(true);
  });

  it('the same record gives the same nulls every time, in lists and in filters alike', async () => {
    t.sim.tenant.setBehaviour({ nullRate: 0.3 });
    const a = await getAll(t, '/api/machines');
    const b = await getAll(t, '/api/machines');
    expect(a).toEqual(b);
    const unrated = a.filter((m) => m.exposureLevel === null).map((m) => m.id);
    expect(unrated.length).toBeGreaterThan(0);
    const rated = await getAll(t, "/api/machines?$filter=exposureLevel ne 'None'");
    for (const m of rated) expect(m.exposureLevel === null || m.exposureLevel !== 'None').toBe(true);
  });

  it('GET and PUT /_simulator/behaviour read and change the behaviours, refusing bad values', async () => {
    const read = await t.get('/_simulator/behaviour');
    expect(read.body).toEqual({ ...DEFAULT_BEHAVIOUR, lostAnswerRate: 0 });
    const put = (body: unknown) =>
      fetch(`${t.url}/_simulator/behaviour`, { method: 'PUT', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const changed = await put({ defenderNextLinks: true, graphMaxSkip: null });
    expect(changed).toMatchObject({ status: 200, body: { defenderNextLinks: true, graphMaxSkip: null } });
    expect(t.sim.tenant.behaviour.expandFilterLimit).toBe(DEFAULT_BEHAVIOUR.expandFilterLimit);
    for (const bad of [{ nullRate: 2 }, { graphMaxSkip: -1 }, { defenderNextLinks: 'yes' }, { surprise: 1 }, [1]]) {
      const refused = await put(bad);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('BadRequest');
    }
    expect(t.sim.tenant.behaviour.defenderNextLinks).toBe(true);
  });
});
