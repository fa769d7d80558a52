import {
  DefenderApiError,
  DefenderResponseError,
  InvalidArgumentError,
  PagingError,
} from '../../../src/defender/errors';
import {
  clientFor,
  deviceId,
  incident,
  json,
  machine,
  machineAction,
  memoryLogger,
  startFakeApi,
  type FakeApi,
} from './fakeApi';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Serves `/api/machines` as `pages` pages of `perPage` machines linked by absolute next links. */
async function pagedMachines(pages: number, perPage: number): Promise<FakeApi> {
  const fake = await startFakeApi((req, res) => {
    const page = Number(req.query.get('page') ?? '1');
    const value = Array.from({ length: perPage }, (_, i) => machine((page - 1) * perPage + i + 1));
    const next = page < pages ? `${fake.url}/api/machines?$top=10000&page=${page + 1}` : undefined;
    json(res, 200, { '@odata.context': 'x', value, ...(next ? { '@odata.nextLink': next } : {}) });
  });
  return fake;
}

describe('paging', () => {
  it('follows @odata.nextLink to the end and yields every device exactly once, page by page', async () => {
    api = await pagedMachines(3, 4);
    const client = clientFor(api);

    const pages: string[][] = [];
    for await (const page of client.streamMachines()) pages.push(page.map((m) => m.id));

    expect(pages).toHaveLength(3);
    const ids = pages.flat();
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => deviceId(i + 1)));
    expect(api.requests[0].query.get('$top')).toBe('10000');
    expect((await client.listMachines()).map((m) => m.id)).toEqual(ids);
  });

  it('stops asking for pages once the limit is reached', async () => {
    api = await pagedMachines(5, 4);
    const machines = await clientFor(api).listMachines({ limit: 6 });
    expect(machines).toHaveLength(6);
    expect(api.requests).toHaveLength(2);
  });

  it('detects a next link seen before and stops with a PagingError instead of looping', async () => {
    const fake = await startFakeApi((req, res) => {
      const page = req.query.get('page') ?? '1';
      const next = page === '1' ? `${fake.url}/api/alerts?page=2` : `${fake.url}/api/alerts?page=1`;
      json(res, 200, { value: [], '@odata.nextLink': next });
    });
    api = fake;
    // first URL → page=2 → page=1 → page=2 again: the loop is caught before a fourth request.
    const error = await clientFor(api)
      .listAlerts()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagingError);
    expect((error as PagingError).reason).toBe('loop');
    expect((error as PagingError).readableMessage()).toMatch(/same page or next-page link twice/);
    expect(api.requests).toHaveLength(3);
  });

  it('does not follow a Graph next link to another host', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 200, { value: [incident(1)], '@odata.nextLink': 'https://evil.example/v1.0/security/incidents?p=2' }),
    );
    const error = await clientFor(api)
      .listIncidents()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagingError);
    expect((error as PagingError).reason).toBe('foreign-link');
    expect(api.requests).toHaveLength(1);
  });

  it('stops a list that runs past the page bound', async () => {
    api = await pagedMachines(10, 1);
    const error = await clientFor(api, { maxPages: 3 })
      .listMachines()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PagingError);
    expect((error as PagingError).reason).toBe('page-limit');
    expect(api.requests).toHaveLength(3);
  });

  it('reads a 404 ResourceNotFound on the device list as "no devices"', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 404, { error: { code: 'ResourceNotFound', message: 'No machines found', target: 'abc' } }),
    );
    await expect(clientFor(api).listMachines()).resolves.toEqual([]);
  });
});

describe('parsing', () => {
  it('skips a malformed item, keeps the rest, and logs which one', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 200, { value: [machine(1), { id: 42, computerDnsName: 'broken' }, machine(3)] }),
    );
    const logger = memoryLogger();
    const machines = await clientFor(api, { logger }).listMachines();
    expect(machines.map((m) => m.id)).toEqual([deviceId(1), deviceId(3)]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].details).toMatchObject({ api: 'defender', path: '/api/machines', index: 1 });
  });

  it('turns a 200 with a body that is not JSON into a typed error', async () => {
    api = await startFakeApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"value": [ {"id": "trunc');
    });
    const error = await clientFor(api)
      .listAlerts()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefenderResponseError);
    expect((error as DefenderResponseError).kind).toBe('invalid-response');
    expect((error as DefenderApiError).readableMessage()).toMatch(
      /^Defender for Endpoint could not list device alerts: the answer could not be read/,
    );
  });

  it('refuses a single object of the wrong shape', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, { time: '2026-11-20T08:00:00Z', score: 'high' }));
    await expect(clientFor(api).getExposureScore()).rejects.toThrow(/unexpected shape: score/);
  });

  it('refuses a list answer without a value array', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, { items: [] }));
    await expect(clientFor(api).listRecommendations()).rejects.toBeInstanceOf(DefenderResponseError);
  });
});

describe('requests', () => {
  it('asks Graph for incidents with the filter, the page cap, $expand and the evolvable-enum header', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, { value: [incident(1), incident(2)] }));
    const incidents = await clientFor(api).listIncidents({
      updatedSince: new Date('2026-11-19T08:00:00Z'),
      severity: 'high',
      openOnly: true,
      expandAlerts: true,
    });
    expect(incidents.map((i) => i.id)).toEqual(['1', '2']);
    const [req] = api.requests;
    expect(req.path).toBe('/v1.0/security/incidents');
    expect(req.query.get('$top')).toBe('50');
    expect(req.query.get('$expand')).toBe('alerts');
    expect(req.query.get('$filter')).toBe(
      "(lastUpdateDateTime ge 2026-11-19T08:00:00.000Z) and (severity eq 'high') and " +
        "((status eq 'active') or (status eq 'inProgress') or (status eq 'awaitingAction'))",
    );
    expect(req.url).not.toContain('+');
    expect(req.headers.prefer).toBe('include-unknown-enum-members');
  });

  it('asks for the largest alerts_v2 page and filters on createdDateTime', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, { value: [] }));
    await clientFor(api).listAlertsV2({ createdSince: new Date('2026-11-01T00:00:00Z') });
    expect(api.requests[0].path).toBe('/v1.0/security/alerts_v2');
    expect(api.requests[0].query.get('$top')).toBe('1000');
    expect(api.requests[0].query.get('$filter')).toBe('createdDateTime ge 2026-11-01T00:00:00.000Z');
  });

  it('posts a scan with the case-sensitive body Defender expects and reads the new machine action', async () => {
    api = await startFakeApi((_req, res) => json(res, 201, machineAction()));
    const action = await clientFor(api).runAntiVirusScan(deviceId(1), 'Scan requested in Teams by Alice', 'Quick');
    expect(action.status).toBe('Pending');
    const [req] = api.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/api/machines/${deviceId(1)}/runAntiVirusScan`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ Comment: 'Scan requested in Teams by Alice', ScanType: 'Quick' });
  });

  it('posts isolate, unisolate and startInvestigation to their paths', async () => {
    api = await startFakeApi((req, res) =>
      req.path.endsWith('startInvestigation')
        ? json(res, 201, { id: '63017', startTime: '2026-11-20T08:00:00Z', state: 'Running', machineId: deviceId(2) })
        : json(res, 201, machineAction({ type: 'Isolate' })),
    );
    const client = clientFor(api);
    await client.isolate(deviceId(2), 'Approved by Bob', 'Selective');
    await client.unisolate(deviceId(2), 'Released by Bob');
    const investigation = await client.startInvestigation(deviceId(2), 'Started by Alice');
    expect(investigation.id).toBe('63017');
    expect(api.requests.map((r) => [r.path.split('/').pop(), JSON.parse(r.body)])).toEqual([
      ['isolate', { Comment: 'Approved by Bob', IsolationType: 'Selective' }],
      ['unisolate', { Comment: 'Released by Bob' }],
      ['startInvestigation', { Comment: 'Started by Alice' }],
    ]);
  });

  it('doubles quotes in caller filters built with quote()', async () => {
    const { and, quote } = await import('../../../src/defender/odata');
    api = await startFakeApi((_req, res) => json(res, 200, { value: [] }));
    await clientFor(api).listMachines({ filter: and(`computerDnsName eq ${quote("o'brien-pc")}`) });
    expect(api.requests[0].query.get('$filter')).toBe("computerDnsName eq 'o''brien-pc'");
  });
});

describe('documented nullability', () => {
  it('a 201 is a started action even when the fields it shows come back null: the answer is completed from the request', async () => {
    const nulls = { status: null, creationDateTimeUtc: null, lastUpdateDateTimeUtc: null, computerDnsName: null };
    api = await startFakeApi((_req, res) => json(res, 201, { ...machineAction(nulls), type: null, machineId: null }));
    const before = Date.now();
    const action = await clientFor(api).runAntiVirusScan(deviceId(3), 'scan', 'Full');
    expect(action).toMatchObject({
      id: '7f3c2f7e-1c4b-4e0f-9a53-2b8c5e1d9a10',
      type: 'RunAntiVirusScan',
      scope: 'Quick',
      status: 'Pending',
      machineId: deviceId(3),
      computerDnsName: undefined,
    });
    expect(Date.parse(action.creationDateTimeUtc)).toBeGreaterThanOrEqual(before - 1000);
    expect(action.lastUpdateDateTimeUtc).toBe(action.creationDateTimeUtc);
  });

  it('an investigation started without a start time or a state yet is a started investigation', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 201, {
        id: 63020,
        startTime: null,
        endTime: null,
        state: null,
        machineId: null,
        computerDnsName: null,
      }),
    );
    const investigation = await clientFor(api).startInvestigation(deviceId(2), 'Started by Alice');
    expect(investigation).toMatchObject({ id: '63020', startTime: undefined, state: '', machineId: deviceId(2) });
  });

  it('a 201 without the new action id is an answer that cannot be read', async () => {
    api = await startFakeApi((_req, res) => json(res, 201, { ...machineAction(), id: null }));
    await expect(clientFor(api).isolate(deviceId(1), 'x', 'Full')).rejects.toBeInstanceOf(DefenderResponseError);
  });

  it('lists keep items whose Nullable fields are null', async () => {
    api = await startFakeApi((req, res) => {
      if (req.path === '/api/investigations') {
        return json(res, 200, { value: [{ id: '1', startTime: null, state: 'Queued', machineId: deviceId(1) }] });
      }
      if (req.path === '/api/alerts') {
        const alert = { id: 'da1', title: 't', severity: 'High', status: 'New', machineId: deviceId(1) };
        return json(res, 200, {
          value: [{ ...alert, alertCreationTime: null, lastUpdateTime: null, incidentId: null }],
        });
      }
      if (req.path === '/api/deviceavinfo') {
        return json(res, 200, {
          value: [
            {
              machineId: deviceId(1),
              avIsSignatureUpToDate: 'Unknown',
              avIsEngineUpToDate: 'False',
              fullScanTime: null,
            },
          ],
        });
      }
      if (req.path === '/v1.0/security/incidents') {
        return json(res, 200, { value: [incident(7, { status: 'redirected', redirectIncidentId: 8 }), incident(8)] });
      }
      return json(res, 200, { value: [{ ...machine(1), riskScore: null, exposureLevel: null, osBuild: null }] });
    });
    const client = clientFor(api);
    expect(await client.listInvestigations()).toMatchObject([{ id: '1', startTime: undefined }]);
    expect(await client.listAlerts()).toMatchObject([
      { id: 'da1', alertCreationTime: undefined, incidentId: undefined },
    ]);
    expect(await client.listMachines()).toMatchObject([
      { riskScore: '', exposureLevel: undefined, osBuild: undefined },
    ]);
    const [av] = await client.listDeviceAvInfo();
    expect(av).toMatchObject({ avIsSignatureUpToDate: undefined, avIsEngineUpToDate: false, fullScanTime: undefined });
    const incidents = await client.listIncidents();
    expect(incidents.map((i) => [i.id, i.status, i.redirectIncidentId])).toEqual([
      ['7', 'redirected', '8'],
      ['8', 'active', undefined],
    ]);
  });
});

describe('ids and arguments are checked before any request', () => {
  const tampered = ['../x', `${deviceId(1)}/../../machines`, '..%2F..%2Fapi', deviceId(1).slice(1), '', 'a'.repeat(41)];

  it.each(tampered)('refuses device id %j', async (id) => {
    api = await startFakeApi((_req, res) => json(res, 200, machine(1)));
    const client = clientFor(api);
    await expect(client.getMachine(id)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.runAntiVirusScan(id, 'scan', 'Quick')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.listMachineAlerts(id)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses tampered machine action and investigation ids', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, {}));
    const client = clientFor(api);
    await expect(client.getMachineAction('../../api/machines')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.getInvestigation('../1')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.getInvestigation('1?x=')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses an empty comment or an unknown scan type, with a readable reason', async () => {
    api = await startFakeApi((_req, res) => json(res, 201, machineAction()));
    const client = clientFor(api);
    const error = await client.runAntiVirusScan(deviceId(1), '  ', 'Quick').catch((e: unknown) => e);
    expect((error as InvalidArgumentError).readableMessage()).toBe(
      'Defender for Endpoint could not start an antivirus scan: ' +
        'that is not a valid comment (expected a non-empty text of at most 2000 characters).',
    );
    const deepScan = client.runAntiVirusScan(deviceId(1), 'ok', 'Deep' as 'Full');
    await expect(deepScan).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(api.requests).toHaveLength(0);
  });

  it('accepts an upper-case device id as the same device', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, machine(1)));
    await clientFor(api).getMachine(deviceId(1).toUpperCase());
    expect(api.requests[0].path).toBe(`/api/machines/${deviceId(1)}`);
  });
});
