import { errorFromResponse, retryAfterSeconds, scrub, type FailedRequest } from '../../../src/defender/errors';
import { endpointPermission, ENDPOINT_PERMISSIONS } from '../../../src/defender/permissions';
import { deviceId, json, clientFor, startFakeApi, type FakeApi } from './fakeApi';

const investigate = `/api/machines/${deviceId(2)}/startInvestigation`;
const scan: FailedRequest = { api: 'defender', method: 'POST', path: `/api/machines/${deviceId(1)}/runAntiVirusScan` };
const headers = (h: Record<string, string> = {}): Headers => new Headers(h);
const defenderBody = (code: string, message = 'x') => JSON.stringify({ error: { code, message, target: 'corr-1' } });

describe('error bodies become readable errors', () => {
  it('explains that a scan is already running', () => {
    const body = defenderBody('ActiveRequestAlreadyExists', 'Action is already in progress');
    const error = errorFromResponse(scan, 400, headers(), body);
    expect(error.code).toBe('ActiveRequestAlreadyExists');
    expect(error.target).toBe('corr-1');
    expect(error.readableMessage()).toBe(
      'Defender for Endpoint could not start an antivirus scan: ' +
        'an action of this kind is already running on the device.',
    );
  });

  it('recognises "already in progress" by the status and the message, whatever the code', () => {
    const documented = errorFromResponse(
      scan,
      400,
      headers(),
      defenderBody('BadRequest', 'Action is already in progress'),
    );
    expect(documented.readableMessage()).toMatch(/already running on the device/);
    const noCode = errorFromResponse(
      scan,
      400,
      headers(),
      JSON.stringify({ error: { message: 'Action is already in progress' } }),
    );
    expect(noCode.readableMessage()).toMatch(/already running on the device/);
    // The same words on a server error are not Defender saying no.
    const outage = errorFromResponse(scan, 503, headers(), defenderBody('ServiceUnavailable', 'already in progress'));
    expect(outage.readableMessage()).toMatch(/service is unavailable/);
  });

  it("shows Defender's own reason for a DisallowedOperation, whatever it is", () => {
    const reason = 'Action is not allowed: the device is in a tenant-wide exclusion list';
    const error = errorFromResponse(scan, 403, headers(), defenderBody('DisallowedOperation', reason));
    expect(error.missingPermission).toBeUndefined();
    expect(error.readableMessage()).toBe(
      `Defender for Endpoint could not start an antivirus scan: Defender does not allow it: ${reason}.`,
    );
  });

  it('explains unsupported operating systems and old sensors', () => {
    const readable = (code: string): string =>
      errorFromResponse(scan, 400, headers(), defenderBody(code)).readableMessage();
    expect(readable('OsPlatformNotSupported')).toMatch(/operating system does not support this action/);
    expect(readable('ClientVersionNotSupported')).toMatch(/sensor on the device is too old/);
  });

  it('names the missing application permission on a 403', () => {
    const error = errorFromResponse(scan, 403, headers(), defenderBody('Forbidden', 'Missing role'));
    expect(error.missingPermission).toBe('Machine.Scan');
    expect(error.readableMessage()).toBe(
      'Defender for Endpoint could not start an antivirus scan: ' +
        'the app registration lacks the application permission Machine.Scan (WindowsDefenderATP); ' +
        'an administrator must add it and grant admin consent.',
    );
  });

  it('reads a Graph error body with its request id', () => {
    const innerError = { 'request-id': 'req-42', date: 'x' };
    const body = JSON.stringify({ error: { code: 'Forbidden', message: 'Insufficient privileges', innerError } });
    const incidents: FailedRequest = { api: 'graph', method: 'GET', path: '/v1.0/security/incidents' };
    const error = errorFromResponse(incidents, 403, headers(), body);
    expect(error.requestId).toBe('req-42');
    expect(error.readableMessage()).toMatch(
      /^Microsoft Graph could not list incidents: .*SecurityIncident\.Read\.All \(Microsoft Graph\)/,
    );
    expect(error.message).toContain('request-id req-42');
  });

  it('says "device not found" for a 404 ResourceNotFound on a device', () => {
    const error = errorFromResponse(
      { api: 'defender', method: 'GET', path: `/api/machines/${deviceId(9)}` },
      404,
      headers(),
      defenderBody('ResourceNotFound', 'Machine not found'),
    );
    expect(error.readableMessage()).toBe('Defender for Endpoint could not read the device: device not found.');
  });

  it('copes with a non-JSON or truncated error body', () => {
    const html = errorFromResponse(scan, 502, headers(), '<html><body>Bad gateway</body></html>');
    expect(html.code).toBeUndefined();
    expect(html.readableMessage()).toMatch(/the service is unavailable \(HTTP 502\)/);
    expect(html.message).toContain('Bad gateway');
    const truncated = errorFromResponse(scan, 400, headers(), '{"error":{"code":"Invalid');
    expect(truncated.readableMessage()).toBe(
      'Defender for Endpoint could not start an antivirus scan: the request was rejected.',
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds(headers({ 'Retry-After': '17' }))).toBe(17);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterSeconds(headers({ 'Retry-After': inTenSeconds }))).toBeGreaterThanOrEqual(9);
    expect(retryAfterSeconds(headers())).toBeUndefined();
  });

  it('never lets anything token-like into a message', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const error = errorFromResponse(scan, 401, headers(), defenderBody('Unauthorized', `Bearer ${jwt} rejected`));
    expect(error.message).not.toContain(jwt);
    expect(error.readableMessage()).not.toContain(jwt);
    expect(scrub(`token ${jwt}`, 200)).toBe('token [redacted]');
  });
});

describe('permission table', () => {
  it('maps each endpoint to its permission', () => {
    const cases: Array<[FailedRequest, string]> = [
      [{ api: 'defender', method: 'POST', path: `/api/machines/${deviceId(1)}/isolate` }, 'Machine.Isolate'],
      [{ api: 'defender', method: 'POST', path: `/api/machines/${deviceId(1)}/unisolate` }, 'Machine.Isolate'],
      [{ api: 'defender', method: 'POST', path: investigate }, 'Alert.ReadWrite.All'],
      [{ api: 'defender', method: 'GET', path: '/api/machineactions' }, 'Machine.Read.All'],
      [{ api: 'defender', method: 'GET', path: '/api/deviceavinfo' }, 'Machine.Read.All'],
      [{ api: 'defender', method: 'GET', path: '/api/investigations/63017' }, 'Alert.Read.All'],
      [{ api: 'defender', method: 'GET', path: '/api/exposureScore' }, 'Score.Read.All'],
      [{ api: 'defender', method: 'GET', path: '/api/configurationScore' }, 'Score.Read.All'],
      [{ api: 'defender', method: 'GET', path: '/api/recommendations' }, 'SecurityRecommendation.Read.All'],
      [{ api: 'defender', method: 'GET', path: '/api/remediationTasks' }, 'RemediationTasks.Read.All'],
      [{ api: 'graph', method: 'GET', path: '/v1.0/security/alerts_v2' }, 'SecurityAlert.Read.All'],
      [{ api: 'graph', method: 'GET', path: '/v1.0/security/secureScores' }, 'SecurityEvents.Read.All'],
      [{ api: 'graph', method: 'GET', path: '/v1.0/security/secureScoreControlProfiles' }, 'SecurityEvents.Read.All'],
    ];
    for (const [request, permission] of cases) {
      expect(endpointPermission(request.api, request.method, request.path)?.permission).toBe(permission);
    }
    expect(new Set(ENDPOINT_PERMISSIONS.map((e) => `${e.method} ${e.path}`)).size).toBe(ENDPOINT_PERMISSIONS.length);
  });
});

describe('errors from a live answer', () => {
  let api: FakeApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('carries the status, code, target and a readable text from the server to the caller', async () => {
    api = await startFakeApi((_req, res) =>
      json(res, 400, {
        error: { code: 'ActiveRequestAlreadyExists', message: 'Action is already in progress', target: 't-9' },
      }),
    );
    const error = await clientFor(api)
      .runAntiVirusScan(deviceId(1), 'scan', 'Quick')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'http', api: 'defender', method: 'POST', status: 400, target: 't-9' });
    expect((error as { readableMessage(): string }).readableMessage()).toMatch(/already running on the device/);
  });
});
