import { incidentSchema } from '../../../src/defender/models';
import { API_REQUESTOR } from '../../../src/simulator';
import { DETERMINATIONS_BY_CLASSIFICATION } from '../../../src/simulator/incidentUpdates';
import { startTestTenant, T0, type TestTenant } from './harness';

describe('simulated incident triage (PATCH and comments)', () => {
  let t: TestTenant;
  const send = (method: string, path: string, body: unknown) =>
    t.get(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const patch = (id: string, body: unknown) => send('PATCH', `/v1.0/security/incidents/${id}`, body);
  const comment = (id: string, body: unknown) => send('POST', `/v1.0/security/incidents/${id}/comments`, body);
  const incident = async (id: string) => (await t.get(`/v1.0/security/incidents/${id}?$expand=alerts`)).body;
  /** An active incident of the seeded tenant. */
  const activeId = async (): Promise<string> => {
    const list = await t.get(`/v1.0/security/incidents?$filter=status eq 'active'`);
    return list.body.value[0].id as string;
  };

  beforeEach(async () => {
    t = await startTestTenant({ alertIntervalMinutes: 0 });
  });
  afterEach(() => t.close());

  it('assigns an incident: 200 with the incident, lastUpdateDateTime moves to now, its alerts follow', async () => {
    const id = await activeId();
    t.advance(600);
    const answer = await patch(id, { assignedTo: 'ann@contoso.com' });
    expect(answer.status).toBe(200);
    expect(answer.body['@odata.context']).toMatch(/\$metadata#security\/incidents\/\$entity$/);
    const parsed = incidentSchema.parse(answer.body);
    expect(parsed).toMatchObject({ id, assignedTo: 'ann@contoso.com', status: 'active' });
    expect(Date.parse(parsed.lastUpdateDateTime)).toBe(T0 + 600_000);

    const read = await incident(id);
    expect(read.assignedTo).toBe('ann@contoso.com');
    expect(read.alerts.every((a: { assignedTo: string }) => a.assignedTo === 'ann@contoso.com')).toBe(true);
    const mine = await t.get(`/v1.0/security/incidents?$filter=assignedTo eq 'ann@contoso.com'`);
    expect(mine.body.value.map((i: { id: string }) => i.id)).toEqual([id]);
  });

  it('resolves with a classification and its determination; the alerts are resolved too', async () => {
    const id = await activeId();
    t.advance(60);
    const answer = await patch(id, {
      status: 'resolved',
      classification: 'truePositive',
      determination: 'malware',
      resolvingComment: 'Cleaned by a full scan',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'resolved',
      classification: 'truePositive',
      determination: 'malware',
      resolvingComment: 'Cleaned by a full scan',
    });
    const read = await incident(id);
    for (const alert of read.alerts) {
      expect(alert).toMatchObject({ status: 'resolved', classification: 'truePositive', determination: 'malware' });
      expect(Date.parse(alert.resolvedDateTime)).toBe(T0 + 60_000);
    }
  });

  it('takes enum values in any case, as the documented example sends them, and answers the documented spelling', async () => {
    const id = await activeId();
    const answer = await patch(id, { classification: 'FalsePositive', determination: 'NotMalicious' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ classification: 'falsePositive', determination: 'notMalicious' });
  });

  it('refuses an unknown value, an old spelling, a wrong pairing and a retired value with 400, changing nothing', async () => {
    const id = await activeId();
    const before = await incident(id);
    t.advance(60);
    const refusals = [
      { classification: 'bogus' },
      { classification: 'falsePositive', determination: 'clean' },
      { classification: 'falsePositive', determination: 'malware' },
      { classification: 'truePositive', determination: 'apt' },
      { determination: 'malware' },
      { status: 'closed' },
      { status: 'redirected' },
    ];
    for (const body of refusals) {
      const answer = await patch(id, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('BadRequest');
      expect(answer.body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await patch(id, { classification: 'bogus' })).body.error.message).toBe(
      "Cannot convert the literal 'bogus' to the expected type 'microsoft.graph.security.alertClassification'.",
    );
    expect((await patch(id, { classification: 'falsePositive', determination: 'malware' })).body.error.message).toMatch(
      /determination 'malware' is not valid for the classification 'falsePositive'/,
    );
    const after = await incident(id);
    expect(after).toEqual(before);
  });

  it('accepts every documented classification and determination pair', async () => {
    const id = await activeId();
    for (const [classification, determinations] of Object.entries(DETERMINATIONS_BY_CLASSIFICATION)) {
      for (const determination of determinations) {
        const answer = await patch(id, { classification, determination });
        expect({ classification, determination, status: answer.status }).toEqual({
          classification,
          determination,
          status: 200,
        });
      }
    }
  });

  it('refuses properties that are unknown or read-only, and a body that is not an object', async () => {
    const id = await activeId();
    const unknown = await patch(id, { owner: 'ann@contoso.com' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "Could not find a property named 'owner' on type 'microsoft.graph.security.incident'.",
    );
    expect((await patch(id, { lastUpdateDateTime: '2030-01-01T00:00:00Z' })).body.error.message).toMatch(/read-only/);
    expect((await patch(id, ['assignedTo'])).status).toBe(400);
    expect((await patch(id, { assignedTo: 42 })).status).toBe(400);
  });

  it('answers 404 for an incident that does not exist, and 405 for a POST on the incident', async () => {
    const missing = await patch('999999', { assignedTo: 'ann@contoso.com' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NotFound', message: 'Incident 999999 was not found.' });
    expect((await patch('abc', { assignedTo: 'x' })).status).toBe(404);
    expect((await comment('999999', { comment: 'x' })).status).toBe(404);
    expect((await send('POST', `/v1.0/security/incidents/${await activeId()}`, {})).status).toBe(405);
  });

  it('a PATCH that changes nothing leaves lastUpdateDateTime alone', async () => {
    const id = await activeId();
    expect((await patch(id, { assignedTo: 'ann@contoso.com' })).status).toBe(200);
    const first = (await incident(id)).lastUpdateDateTime;
    t.advance(300);
    expect((await patch(id, { assignedTo: 'ann@contoso.com' })).status).toBe(200);
    expect((await incident(id)).lastUpdateDateTime).toBe(first);
  });

  it('adds comments: 200 with every comment of the incident, by the app, kept on the incident', async () => {
    const id = await activeId();
    t.advance(30);
    const first = await comment(id, { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'one' });
    expect(first.status).toBe(200);
    expect(first.body['@odata.context']).toMatch(new RegExp(`incidents\\('${id}'\\)/comments$`));
    t.advance(30);
    const second = await comment(id, { comment: 'two' });
    expect(second.body.value.map((c: { comment: string }) => c.comment)).toEqual(['one', 'two']);
    expect(second.body.value[1]).toMatchObject({ createdByDisplayName: API_REQUESTOR });
    expect(Date.parse(second.body.value[1].createdDateTime)).toBe(T0 + 60_000);
    const read = await incident(id);
    expect(read.comments.map((c: { comment: string }) => c.comment)).toEqual(['one', 'two']);
    expect(Date.parse(read.lastUpdateDateTime)).toBe(T0 + 60_000);
  });

  it('refuses an empty comment, other properties and a wrong @odata.type with 400', async () => {
    const id = await activeId();
    expect((await comment(id, { comment: '  ' })).status).toBe(400);
    expect((await comment(id, {})).status).toBe(400);
    expect((await comment(id, { comment: 'x', author: 'me' })).status).toBe(400);
    expect((await comment(id, { '@odata.type': 'microsoft.graph.security.incident', comment: 'x' })).status).toBe(400);
    expect((await incident(id)).comments).toEqual([]);
  });

  it('logs the writes like every other request', async () => {
    const id = await activeId();
    t.sim.tenant.resetLog();
    await patch(id, { assignedTo: 'ann@contoso.com' });
    await comment(id, { comment: 'hello' });
    const log = t.sim.tenant.requestLog().map((e) => `${e.method} ${e.path} ${e.status}`);
    expect(log).toEqual([
      `PATCH /v1.0/security/incidents/${id} 200`,
      `POST /v1.0/security/incidents/${id}/comments 200`,
    ]);
  });
});
