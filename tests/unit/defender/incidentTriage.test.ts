import { DefenderApiError, InvalidArgumentError } from '../../../src/defender/errors';
import { DETERMINATIONS, isValidVerdict } from '../../../src/defender/incidentTriage';
import { DETERMINATIONS_BY_CLASSIFICATION } from '../../../src/simulator/incidentUpdates';
import { clientFor, incident, json, startFakeApi, type FakeApi } from './fakeApi';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('incident triage requests', () => {
  it('PATCHes only the fields given, as JSON, and reads the changed incident back', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, incident(42, { assignedTo: 'ann@contoso.com' })));
    const changed = await clientFor(api).updateIncident('42', { assignedTo: 'ann@contoso.com', status: undefined });
    expect(changed).toMatchObject({ id: '42', assignedTo: 'ann@contoso.com' });
    const [req] = api.requests;
    expect(req.method).toBe('PATCH');
    expect(req.path).toBe('/v1.0/security/incidents/42');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ assignedTo: 'ann@contoso.com' });
  });

  it('sends a resolution with the documented enum spellings', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, incident(42, { status: 'resolved' })));
    await clientFor(api).updateIncident('42', {
      status: 'resolved',
      classification: 'falsePositive',
      determination: 'notMalicious',
      resolvingComment: 'Known admin tool',
    });
    expect(JSON.parse(api.requests[0].body)).toEqual({
      status: 'resolved',
      classification: 'falsePositive',
      determination: 'notMalicious',
      resolvingComment: 'Known admin tool',
    });
  });

  it('posts a comment as an alertComment and reads the list Graph answers (200), or one comment (201)', async () => {
    let n = 0;
    api = await startFakeApi((_req, res) =>
      ++n === 1
        ? json(res, 200, {
            value: [
              { comment: 'first', createdByDisplayName: 'app', createdDateTime: '2026-11-20T08:00:00Z' },
              { comment: 'Resolved from Teams', createdByDisplayName: 'app', createdDateTime: '2026-11-20T09:00:00Z' },
            ],
          })
        : json(res, 201, { comment: 'again', createdByDisplayName: null, createdDateTime: null }),
    );
    const client = clientFor(api);
    const comments = await client.addIncidentComment('42', 'Resolved from Teams');
    expect(comments.map((c) => c.comment)).toEqual(['first', 'Resolved from Teams']);
    const [req] = api.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1.0/security/incidents/42/comments');
    expect(JSON.parse(req.body)).toEqual({
      '@odata.type': 'microsoft.graph.security.alertComment',
      comment: 'Resolved from Teams',
    });
    expect((await client.addIncidentComment('42', 'again')).map((c) => c.comment)).toEqual(['again']);
  });

  it('reads one incident with its alerts, and lists the open incidents of one owner', async () => {
    api = await startFakeApi((req, res) =>
      req.path === '/v1.0/security/incidents/42'
        ? json(res, 200, incident(42))
        : json(res, 200, { value: [incident(7, { assignedTo: "o'brien@contoso.com" })] }),
    );
    const client = clientFor(api);
    expect((await client.getIncident('42', { expandAlerts: true })).id).toBe('42');
    expect(api.requests[0].query.get('$expand')).toBe('alerts');
    expect(api.requests[0].headers.prefer).toBe('include-unknown-enum-members');
    const mine = await client.listIncidentsAssignedTo("o'brien@contoso.com");
    expect(mine.map((i) => i.id)).toEqual(['7']);
    expect(api.requests[1].query.get('$filter')).toBe(
      "(assignedTo eq 'o''brien@contoso.com') and " +
        "((status eq 'active') or (status eq 'inProgress') or (status eq 'awaitingAction'))",
    );
  });

  it('refuses a tampered incident id, an empty change, a wrong verdict and an empty comment before any request', async () => {
    api = await startFakeApi((_req, res) => json(res, 200, incident(1)));
    const client = clientFor(api);
    for (const id of ['../1', '1/comments', '', '1?x=', 'abc', '1'.repeat(21)]) {
      await expect(client.updateIncident(id, { assignedTo: 'x@contoso.com' })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      await expect(client.getIncident(id)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(client.addIncidentComment(id, 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(client.updateIncident('1', {})).rejects.toBeInstanceOf(InvalidArgumentError);
    for (const change of [
      { classification: 'falsePositive' as const, determination: 'malware' },
      { classification: 'truePositive' as const },
      { determination: 'clean' },
    ]) {
      await expect(client.updateIncident('1', change)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(client.addIncidentComment('1', ' ')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.listIncidentsAssignedTo('')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(api.requests).toHaveLength(0);
  });

  it('explains Graph refusals: a bad value, an unknown incident, a missing permission', async () => {
    const answers: [number, unknown][] = [
      [400, { error: { code: 'BadRequest', message: "Cannot convert the literal 'clean'." } }],
      [404, { error: { code: 'NotFound', message: 'Incident 9 was not found.' } }],
      [403, { error: { code: 'Forbidden', message: 'Missing role' } }],
    ];
    let n = 0;
    api = await startFakeApi((_req, res) => json(res, ...answers[n++]));
    const client = clientFor(api);
    const failures: string[] = [];
    for (let i = 0; i < answers.length; i++) {
      const error = await client.updateIncident('9', { assignedTo: 'x@contoso.com' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DefenderApiError);
      failures.push((error as DefenderApiError).readableMessage());
    }
    expect(failures).toEqual([
      "Microsoft Graph could not update the incident: the request was rejected (BadRequest): Cannot convert the literal 'clean'.",
      'Microsoft Graph could not update the incident: incident not found.',
      'Microsoft Graph could not update the incident: the app registration lacks the application permission ' +
        'SecurityIncident.ReadWrite.All (Microsoft Graph); an administrator must add it and grant admin consent.',
    ]);
  });

  it('sends a PATCH again after a 429 but never after a 503 (the change may be made)', async () => {
    let n = 0;
    api = await startFakeApi((_req, res) =>
      ++n === 1
        ? json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '0' })
        : json(res, 503, { error: { code: 'ServiceUnavailable', message: 'down' } }),
    );
    const error = await clientFor(api)
      .updateIncident('9', { assignedTo: 'x@contoso.com' })
      .catch((e: unknown) => e);
    expect((error as DefenderApiError).status).toBe(503);
    expect(api.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
  });
});

describe('verdicts', () => {
  it('every pair the bot can send is one the simulated Graph accepts', () => {
    for (const [classification, determinations] of Object.entries(DETERMINATIONS)) {
      for (const determination of determinations) {
        expect(isValidVerdict(classification, determination)).toBe(true);
        expect(DETERMINATIONS_BY_CLASSIFICATION[classification as keyof typeof DETERMINATIONS]).toContain(
          determination,
        );
      }
    }
  });

  it('refuses wrong pairings, old spellings and names of object members', () => {
    expect(isValidVerdict('falsePositive', 'malware')).toBe(false);
    expect(isValidVerdict('falsePositive', 'clean')).toBe(false);
    expect(isValidVerdict('truePositive', 'apt')).toBe(false);
    expect(isValidVerdict('constructor', 'other')).toBe(false);
    expect(isValidVerdict('unknown', 'unknown')).toBe(false);
  });
});
