import type { TokenCredential } from '@azure/identity';
import { DefenderApiError, DefenderAuthError, DefenderNetworkError } from '../../../src/defender/errors';
import { clientFor, deviceId, incident, json, machine, machineAction, startFakeApi, type FakeApi } from './fakeApi';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('throttling and unavailability', () => {
  it('retries a 429 after the Retry-After it was given', async () => {
    api = await startFakeApi((_req, res, n) =>
      n === 1
        ? json(res, 429, { error: { code: 'TooManyRequests', message: 'Slow down' } }, { 'Retry-After': '1' })
        : json(res, 200, { value: [machine(1)] }),
    );
    const machines = await clientFor(api).listMachines();
    expect(machines).toHaveLength(1);
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1].at - api.requests[0].at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 503 on a read, a bounded number of times, then reports the service as unavailable', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 503, { error: { code: 'ServiceUnavailable', message: 'Try later' } }, { 'Retry-After': '0' }),
    );
    const error = await clientFor(api, { retry: { maxRetries: 2, delaySeconds: 0 } })
      .listInvestigations()
      .catch((e: unknown) => e);
    expect(api.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(DefenderApiError);
    expect((error as DefenderApiError).status).toBe(503);
    expect((error as DefenderApiError).readableMessage()).toBe(
      'Defender for Endpoint could not list automated investigations: ' +
        'the service is unavailable (HTTP 503 ServiceUnavailable); try again later.',
    );
  });

  it('never repeats a scan after a 503, because the scan may already exist', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 503, { error: { code: 'ServiceUnavailable' } }, { 'Retry-After': '0' }),
    );
    const scan = clientFor(api).runAntiVirusScan(deviceId(1), 'scan', 'Quick');
    await expect(scan).rejects.toMatchObject({ status: 503 });
    expect(api.requests).toHaveLength(1);
  });

  it('repeats a scan refused with 429, since the service did not take it', async () => {
    api = await startFakeApi((_req, res, n) =>
      n === 1
        ? json(res, 429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '0' })
        : json(res, 201, machineAction()),
    );
    const scan = clientFor(api).runAntiVirusScan(deviceId(1), 'scan', 'Quick');
    await expect(scan).resolves.toMatchObject({ status: 'Pending' });
    expect(api.requests).toHaveLength(2);
  });

  it('does not wait out a Retry-After longer than the bound; it says when to retry', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 429, { error: { code: 'TooManyRequests', message: 'Hourly quota' } }, { 'Retry-After': '1800' }),
    );
    const error = (await clientFor(api)
      .getExposureScore()
      .catch((e: unknown) => e)) as DefenderApiError;
    expect(api.requests).toHaveLength(1);
    expect(error.retryAfterSeconds).toBe(1800);
    expect(error.readableMessage()).toBe(
      'Defender for Endpoint could not read the exposure score: rate limited; retry after 1800 s.',
    );
  });
});

describe('timeouts and broken connections', () => {
  it('times out a read that gets no answer, retries it once, then gives up with a timeout error', async () => {
    api = await startFakeApi(() => undefined); // never answers
    const error = await clientFor(api, { timeoutMs: 200 })
      .listMachines()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DefenderNetworkError);
    expect((error as DefenderNetworkError).kind).toBe('timeout');
    expect((error as DefenderNetworkError).readableMessage()).toBe(
      'Defender for Endpoint could not list devices: no answer within 200 ms.',
    );
    expect(api.requests).toHaveLength(2);
  });

  it('times out a scan once, without retrying, and warns that it may have started', async () => {
    api = await startFakeApi(() => undefined);
    const error = (await clientFor(api, { timeoutMs: 200 })
      .runAntiVirusScan(deviceId(1), 'scan', 'Full')
      .catch((e: unknown) => e)) as DefenderNetworkError;
    expect(error.kind).toBe('timeout');
    expect(error.readableMessage()).toMatch(/may have started anyway/);
    expect(api.requests).toHaveLength(1);
  });

  it('counts a body that stalls half-way as a timeout', async () => {
    api = await startFakeApi((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"value": [');
    });
    const error = await clientFor(api, { timeoutMs: 200, retry: { networkRetries: 0 } })
      .listAlerts()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout' });
  });

  it('retries a read whose connection was reset', async () => {
    api = await startFakeApi((_req, res, n) => {
      if (n === 1) res.socket?.destroy();
      else json(res, 200, { value: [incident(1)] });
    });
    await expect(clientFor(api).listIncidents()).resolves.toHaveLength(1);
    expect(api.requests).toHaveLength(2);
  });

  it('does not retry a scan whose connection was reset', async () => {
    api = await startFakeApi((_req, res) => {
      res.socket?.destroy();
    });
    const error = (await clientFor(api)
      .runAntiVirusScan(deviceId(1), 'scan', 'Quick')
      .catch((e: unknown) => e)) as DefenderNetworkError;
    expect(error).toBeInstanceOf(DefenderNetworkError);
    expect(error.kind).toBe('network');
    expect(api.requests).toHaveLength(1);
  });

  it('reports a refused connection readably', async () => {
    const closed = await startFakeApi(() => undefined);
    await closed.close();
    const error = (await clientFor(closed)
      .getConfigurationScore()
      .catch((e: unknown) => e)) as DefenderNetworkError;
    expect(error.readableMessage()).toBe(
      'Defender for Endpoint could not read Microsoft Secure Score for Devices: the connection was refused.',
    );
  });
});

describe('request counting', () => {
  it('counts every HTTP attempt per API, retries included, and can be reset', async () => {
    api = await startFakeApi((req, res, n) =>
      n === 2
        ? json(res, 503, { error: { code: 'ServiceUnavailable' } }, { 'Retry-After': '0' })
        : json(res, 200, req.path.startsWith('/v1.0') ? { value: [] } : { value: [machine(1)] }),
    );
    const client = clientFor(api);
    await client.listIncidents();
    await client.listMachines();
    expect(client.stats()).toEqual({ graph: 1, defender: 2 });
    client.resetStats();
    expect(client.stats()).toEqual({ graph: 0, defender: 0 });
  });
});

describe('tokens', () => {
  it('sends no Authorization header to a plain-http endpoint (the simulated tenant on loopback)', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, { value: [] }));
    const credential: TokenCredential = {
      getToken: async () => ({ token: 'should-not-be-sent', expiresOnTimestamp: Date.now() + 3600_000 }),
    };
    await clientFor(api, { credential }).listIncidents();
    expect(api.requests[0].headers.authorization).toBeUndefined();
  });

  it('turns a credential failure into a readable error naming the scope, before any connection', async () => {
    const credential: TokenCredential = {
      getToken: async () => {
        throw new Error('AADSTS7000215: Invalid client secret provided.');
      },
    };
    const client = clientFor(
      { url: 'https://127.0.0.1:1', requests: [], close: async () => undefined },
      { credential },
    );
    const error = (await client.listMachines().catch((e: unknown) => e)) as DefenderAuthError;
    expect(error).toBeInstanceOf(DefenderAuthError);
    expect(error.readableMessage()).toBe(
      'Defender for Endpoint could not list devices: ' +
        'no access token for https://api.securitycenter.microsoft.com/.default ' +
        '(AADSTS7000215: Invalid client secret provided.).',
    );
    expect(client.stats()).toEqual({ graph: 0, defender: 0 });
  });

  it('says so when an https endpoint has no credential at all', async () => {
    const client = clientFor({ url: 'https://127.0.0.1:1', requests: [], close: async () => undefined });
    await expect(client.listIncidents()).rejects.toThrow(/no Azure credential is configured/);
  });
});
