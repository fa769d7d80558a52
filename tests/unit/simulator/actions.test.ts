import { machineActionSchema, investigationSchema } from '../../../src/defender/models';
import { API_REQUESTOR, INVESTIGATIONS_PER_HOUR } from '../../../src/simulator';
import { startTestTenant, type TestTenant } from './harness';

describe('simulated machine actions', () => {
  let t: TestTenant;
  let facts: TestTenant['sim']['tenant']['facts'];
  const id = (role: keyof typeof facts.devices): string => facts.devices[role]!.id;
  const quick = { Comment: 'x', ScanType: 'Quick' };
  const act = (device: string, verb: string, body: object) => t.post(`/api/machines/${device}/${verb}`, body);
  const scan = (device: string, body: object = quick) => act(device, 'runAntiVirusScan', body);

  beforeEach(async () => {
    t = await startTestTenant({ actionStepSeconds: 20 });
    facts = t.sim.tenant.facts;
  });
  afterEach(() => t.close());

  it('a scan goes Pending → InProgress → Succeeded, one step of the clock each', async () => {
    const device = id('domainController');
    const created = await scan(device, { Comment: 'Scan from Teams by Adele', ScanType: 'Quick' });
    expect(created.status).toBe(201);
    const action = machineActionSchema.parse(created.body);
    expect(action).toMatchObject({
      type: 'RunAntiVirusScan',
      scope: 'Quick',
      status: 'Pending',
      requestor: API_REQUESTOR,
      requestorComment: 'Scan from Teams by Adele',
      machineId: device,
      computerDnsName: 'SRV-DC01.contoso.local',
    });
    const poll = async () => (await t.get(`/api/machineactions/${action.id}`)).body;
    t.advance(19);
    expect((await poll()).status).toBe('Pending');
    t.advance(1);
    const inProgress = await poll();
    expect(inProgress.status).toBe('InProgress');
    expect(Date.parse(inProgress.lastUpdateDateTimeUtc) - Date.parse(inProgress.creationDateTimeUtc)).toBe(20_000);
    t.advance(20);
    const done = await poll();
    expect(done.status).toBe('Succeeded');
    expect(Date.parse(done.lastUpdateDateTimeUtc) - Date.parse(done.creationDateTimeUtc)).toBe(40_000);
    const listed = await t.get(`/api/machineactions?$filter=machineId eq '${device}' and status eq 'Succeeded'`);
    expect(listed.body.value.map((a: { id: string }) => a.id)).toContain(action.id);
  });

  it('a second scan while one is Pending or InProgress is refused with the documented 400 "Action is already in progress"', async () => {
    const device = id('domainController');
    expect((await scan(device, { Comment: 'one', ScanType: 'Full' })).status).toBe(201);
    const second = await scan(device);
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({ code: 'BadRequest', message: 'Action is already in progress' });
    expect(second.body.error.target).toMatch(/^[0-9a-f-]{36}$/);
    t.advance(25);
    expect((await scan(device)).status).toBe(400);
    t.advance(20);
    expect((await scan(device)).status).toBe(201);
  });

  it('the seeded Pending scan on the offline laptop stays Pending for days and blocks a new scan', async () => {
    const action = (await t.get(`/api/machineactions/${facts.pendingActionId}`)).body;
    expect(action).toMatchObject({
      status: 'Pending',
      machineId: id('pendingAction'),
      computerDnsName: 'SALES-LT-022.contoso.local',
    });
    const refused = await scan(id('pendingAction'));
    expect(refused.body.error.message).toBe('Action is already in progress');
    t.advance(6 * 86400);
    expect((await t.get(`/api/machineactions/${facts.pendingActionId}`)).body.status).toBe('Pending');
    t.advance(86400);
    expect((await t.get(`/api/machineactions/${facts.pendingActionId}`)).body.status).toBe('TimeOut');
    const inProgress = (await t.get(`/api/machineactions/${facts.inProgressActionId}`)).body;
    expect(inProgress).toMatchObject({ status: 'TimeOut', computerDnsName: 'WAREHOUSE-PC01.contoso.local' });
  });

  it('the seeded InProgress scan stays InProgress', async () => {
    t.advance(3 * 86400);
    const action = (await t.get(`/api/machineactions/${facts.inProgressActionId}`)).body;
    expect(action.status).toBe('InProgress');
  });

  it('refuses unsupported platforms, offboarded devices and unknown ids with their codes', async () => {
    const mac = await scan(id('unsupportedOs'));
    expect(mac.status).toBe(400);
    expect(mac.body.error.code).toBe('OsPlatformNotSupported');
    expect(mac.body.error.message).toContain('macOS');
    const phone = await act(id('mobile'), 'isolate', { Comment: 'x', IsolationType: 'Full' });
    expect(phone.body.error.code).toBe('OsPlatformNotSupported');
    const server2016 = await act(id('investigationUnsupported'), 'startInvestigation', { Comment: 'x' });
    expect(server2016.body.error.code).toBe('OsPlatformNotSupported');
    const offboarded = await scan(id('offboarded'));
    expect(offboarded.status).toBe(403);
    expect(offboarded.body.error.code).toBe('DisallowedOperation');
    expect(offboarded.body.error.message).toContain('offboarded');
    const discovered = await act(id('notOnboarded'), 'startInvestigation', { Comment: 'x' });
    expect(discovered.body.error).toMatchObject({ code: 'DisallowedOperation' });
    const unknown = await scan('1111111111111111111111111111111111111111');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ResourceNotFound');
  });

  it('body parameter names are case-sensitive', async () => {
    const device = id('domainController');
    const lower = await t.post(`/api/machines/${device}/runAntiVirusScan`, { comment: 'x', scanType: 'Quick' });
    expect(lower.status).toBe(400);
    expect(lower.body.error.code).toBe('MissingRequiredParameter');
    const noScanType = await t.post(`/api/machines/${device}/runAntiVirusScan`, { Comment: 'x' });
    expect(noScanType.body.error.code).toBe('MissingRequiredParameter');
    const badValue = await t.post(`/api/machines/${device}/runAntiVirusScan`, { Comment: 'x', ScanType: 'Deep' });
    expect(badValue.body.error.code).toBe('InvalidRequestBody');
    const notJson = await fetch(`${t.url}/api/machines/${device}/runAntiVirusScan`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('InvalidRequestBody');
    expect((await t.get(`/api/machines/${device}/runAntiVirusScan`)).status).toBe(405);
  });

  it('Selective isolation only on Windows 10 1709+ and Windows 11; Full elsewhere', async () => {
    const server = await act(id('domainController'), 'isolate', { Comment: 'x', IsolationType: 'Selective' });
    expect(server.status).toBe(400);
    expect(server.body.error).toMatchObject({ code: 'OsPlatformNotSupported' });
    expect(server.body.error.message).toContain('Selective isolation');
    const mac = await act(id('unsupportedOs'), 'isolate', { Comment: 'x', IsolationType: 'Selective' });
    expect(mac.body.error.code).toBe('OsPlatformNotSupported');
    expect((await act(id('domainController'), 'isolate', { Comment: 'x', IsolationType: 'Full' })).status).toBe(201);
    const workstation = t.sim.tenant.data.devices.find(
      (d) => d.os.platform === 'Windows11' && d.onboarding === 'Onboarded' && !d.actions?.length,
    )!;
    const selective = await act(workstation.id, 'isolate', { Comment: 'x', IsolationType: 'Selective' });
    expect(selective.status).toBe(201);
    expect(selective.body.scope).toBe('Selective');
  });

  it('isolation: isolate once, refuse a second, release, refuse releasing a released device', async () => {
    const device = id('domainController');
    const isolate = await t.post(`/api/machines/${device}/isolate`, { Comment: 'Contain', IsolationType: 'Full' });
    expect(isolate.status).toBe(201);
    expect(isolate.body).toMatchObject({ type: 'Isolate', scope: 'Full', status: 'Pending' });
    const whilePending = await act(device, 'isolate', { Comment: 'again', IsolationType: 'Full' });
    expect(whilePending.body.error.message).toBe('Action is already in progress');
    t.advance(40);
    const again = await t.post(`/api/machines/${device}/isolate`, { Comment: 'again', IsolationType: 'Full' });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('ActiveRequestAlreadyExists');
    expect(again.body.error.message).toContain('already isolated');
    const release = await t.post(`/api/machines/${device}/unisolate`, { Comment: 'Clean' });
    expect(release.status).toBe(201);
    expect(release.body.type).toBe('Unisolate');
    t.advance(40);
    const notIsolated = await t.post(`/api/machines/${device}/unisolate`, { Comment: 'Clean' });
    expect(notIsolated.status).toBe(400);
    expect(notIsolated.body.error.message).toContain('not isolated');
  });

  it('the seeded isolated laptop can be released but not isolated again', async () => {
    const device = id('isolated');
    expect((await t.post(`/api/machines/${device}/isolate`, { Comment: 'x', IsolationType: 'Full' })).status).toBe(400);
    expect((await t.post(`/api/machines/${device}/unisolate`, { Comment: 'Reimaged' })).status).toBe(201);
  });

  it('cancels a Pending action', async () => {
    const created = await scan(id('domainController'), { Comment: 'x', ScanType: 'Full' });
    const cancelled = await t.post(`/api/machineactions/${created.body.id}/cancel`, { Comment: 'Wrong device' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'Cancelled',
      cancellationComment: 'Wrong device',
      cancellationRequestor: API_REQUESTOR,
    });
    t.advance(60);
    expect((await t.get(`/api/machineactions/${created.body.id}`)).body.status).toBe('Cancelled');
    expect((await t.post(`/api/machineactions/${created.body.id}/cancel`, { Comment: 'again' })).status).toBe(400);
  });

  it('an investigation runs, then waits for approval when the device has open alerts', async () => {
    const created = await t.post(`/api/machines/${id('hostileTitle')}/startInvestigation`, { Comment: 'From Teams' });
    expect(created.status).toBe(201);
    const inv = investigationSchema.parse(created.body);
    expect(inv).toMatchObject({ state: 'Running', machineId: id('hostileTitle') });
    t.advance(60);
    const pending = (await t.get(`/api/investigations/${inv.id}`)).body;
    expect(pending.state).toBe('PendingApproval');
    const approved = await t.post(`/_simulator/investigations/${inv.id}/approve`, { by: 'megan.bowen@contoso.com' });
    expect(approved.body.state).toBe('SuccessfullyRemediated');
    const quiet = await t.post(`/api/machines/${id('domainController')}/startInvestigation`, { Comment: 'x' });
    t.advance(60);
    expect((await t.get(`/api/investigations/${quiet.body.id}`)).body.state).toBe('Benign');
  });

  it('seeds two investigations awaiting approval that expire after seven days', async () => {
    const res = await t.get("/api/investigations?$filter=state eq 'PendingApproval'");
    const names = res.body.value.map((i: { computerDnsName: string }) => i.computerDnsName).sort();
    expect(names).toEqual(['FIN-LT-014.contoso.local', 'SRV-FILE01.contoso.local']);
    const ids = res.body.value.map((i: { id: string }) => i.id).sort();
    expect(ids).toEqual([...facts.pendingApprovalInvestigationIds].sort());
    for (const inv of res.body.value) {
      const age = t.sim.tenant.now() - Date.parse(inv.startTime);
      expect(age).toBeGreaterThan(86400_000);
      expect(age).toBeLessThan(7 * 86400_000);
    }
    t.sim.tenant.advanceClock(8 * 86400);
    const later = await t.get(`/api/investigations/${facts.pendingApprovalInvestigationIds[0]}`);
    expect(later.body.state).toBe('TerminatedBySystem');
    expect(later.body.endTime).not.toBeNull();
  });

  it(`throttles startInvestigation at ${INVESTIGATIONS_PER_HOUR} per hour with 429 and Retry-After`, async () => {
    const device = id('domainController');
    for (let i = 0; i < INVESTIGATIONS_PER_HOUR; i++) {
      t.advance(10);
      expect((await t.post(`/api/machines/${device}/startInvestigation`, { Comment: `#${i}` })).status).toBe(201);
    }
    const throttled = await t.post(`/api/machines/${device}/startInvestigation`, { Comment: 'one too many' });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('TooManyRequests');
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBe(3600 - 500 + 10);
    t.advance(retryAfter);
    expect((await t.post(`/api/machines/${device}/startInvestigation`, { Comment: 'later' })).status).toBe(201);
  });
});
