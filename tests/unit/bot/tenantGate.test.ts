/**
 * The tenant gate in process, on botbuilder's TestAdapter: activities exactly as Teams sends them, from a tenant that
 * is served and from one that is not.
 */
import { TestAdapter, type Activity } from 'botbuilder';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/log';
import { NOT_SERVED, REFUSAL_AUDITS_PER_MINUTE, TenantGate, type TenantRefusal } from '../../../src/bot/tenantGate';
import { TenantPolicy } from '../../../src/tenants';
import {
  botAddedToTeam,
  botRemovedFromTeam,
  cardClick,
  channelMessage,
  inTenant,
  installationUpdate,
  TENANT_ID,
} from '../../helpers/activities';

const FOREIGN = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';
const serviceUrl = 'http://127.0.0.1:9/';

/** An activity as if sent from another tenant (both tenant fields say so). */
const from = <T extends { conversation: object; channelData: object }>(tenant: string, activity: T): T =>
  inTenant(activity, tenant);

function gateUnderTest(env: Record<string, string> = { AZURE_TENANT_ID: TENANT_ID }) {
  const refusals: TenantRefusal[] = [];
  const handled: string[] = [];
  let clock = Date.parse('2026-01-05T10:00:00Z');
  const adapter = new TestAdapter(async (context) => {
    handled.push(context.activity.type);
  });
  adapter.use(
    new TenantGate({
      policy: new TenantPolicy(loadConfig(env).tenants),
      log: createLogger({ level: 'silent' }),
      audit: async (refusal) => void refusals.push(refusal),
      now: () => clock,
    }),
  );
  const send = async (activity: unknown) => {
    const before = adapter.activeQueue.length;
    await adapter.processActivity(activity as Partial<Activity>);
    return adapter.activeQueue.slice(before) as Partial<Activity>[];
  };
  return { send, refusals, handled, advance: (ms: number) => (clock += ms) };
}

describe('the tenant gate', () => {
  it('lets an activity of the home tenant through to the bot', async () => {
    const gate = gateUnderTest();
    expect(await gate.send(channelMessage('show devices', { serviceUrl }))).toEqual([]);
    expect(gate.handled).toEqual(['message']);
    expect(gate.refusals).toEqual([]);
  });

  it('a message from another tenant never reaches the bot: one polite sentence, one audit entry', async () => {
    const gate = gateUnderTest();
    const replies = await gate.send(from(FOREIGN, channelMessage('show incidents', { serviceUrl })));
    expect(gate.handled).toEqual([]);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: 'message', text: NOT_SERVED });
    expect(replies[0].attachments ?? []).toEqual([]);
    expect(gate.refusals).toEqual([
      expect.objectContaining({
        tenantId: FOREIGN,
        action: 'message',
        reason: `tenant ${FOREIGN} is not served`,
        userId: '6a1f4c2e-1111-4a5b-9c3d-000000000001',
      }),
    ]);
  });

  it('a click from another tenant is answered with the sentence as a message, no card', async () => {
    const gate = gateUnderTest();
    const click = from(FOREIGN, cardClick('scan', { deviceId: 'a'.repeat(40) }, 'act-1', { serviceUrl }));
    const replies = await gate.send(click);
    expect(gate.handled).toEqual([]);
    expect(replies).toEqual([
      expect.objectContaining({
        type: 'invokeResponse',
        value: {
          status: 200,
          body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: NOT_SERVED },
        },
      }),
    ]);
    expect(gate.refusals.map((r) => r.action)).toEqual(['click scan']);
  });

  it('an install from another tenant gets the sentence once for the two activities Teams sends, and is audited twice', async () => {
    const gate = gateUnderTest();
    const first = await gate.send(from(FOREIGN, installationUpdate('add', { serviceUrl })));
    const second = await gate.send(from(FOREIGN, botAddedToTeam({ serviceUrl })));
    expect(gate.handled).toEqual([]);
    expect(first.map((a) => a.text)).toEqual([NOT_SERVED]);
    expect(second).toEqual([]);
    expect(gate.refusals.map((r) => r.action)).toEqual(['install', 'install']);
    // A removal from there is refused too (nothing of it was stored), and nothing is said.
    expect(await gate.send(from(FOREIGN, botRemovedFromTeam({ serviceUrl })))).toEqual([]);
    expect(gate.refusals.map((r) => r.action)).toEqual(['install', 'install', 'uninstall']);
  });

  it('an activity whose tenant fields disagree, or that names its tenant once, is refused', async () => {
    const gate = gateUnderTest();
    const message = channelMessage('show devices', { serviceUrl });
    await gate.send({ ...message, conversation: { ...message.conversation, tenantId: FOREIGN } });
    await gate.send({ ...message, channelData: { ...message.channelData, tenant: undefined } });
    expect(gate.handled).toEqual([]);
    expect(gate.refusals.map((r) => r.reason)).toEqual([
      `the activity names two tenants (${TENANT_ID} and ${FOREIGN})`,
      'the activity does not name its tenant in both places',
    ]);
  });

  it('ALLOWED_TENANTS are served too', async () => {
    const gate = gateUnderTest({ AZURE_TENANT_ID: TENANT_ID, ALLOWED_TENANTS: FOREIGN });
    await gate.send(from(FOREIGN, channelMessage('help', { serviceUrl })));
    expect(gate.handled).toEqual(['message']);
  });

  it('local mode on the simulated source with no tenant named serves every tenant, as before', async () => {
    const gate = gateUnderTest({});
    await gate.send(from(FOREIGN, channelMessage('help', { serviceUrl })));
    expect(gate.handled).toEqual(['message']);
  });

  it(`writes at most ${REFUSAL_AUDITS_PER_MINUTE} refusals of one tenant a minute to the audit log`, async () => {
    const gate = gateUnderTest();
    for (let i = 0; i < REFUSAL_AUDITS_PER_MINUTE + 10; i++) {
      await gate.send(from(FOREIGN, channelMessage('show devices', { serviceUrl })));
    }
    expect(gate.refusals).toHaveLength(REFUSAL_AUDITS_PER_MINUTE);
    gate.advance(60_001);
    await gate.send(from(FOREIGN, channelMessage('show devices', { serviceUrl })));
    expect(gate.refusals).toHaveLength(REFUSAL_AUDITS_PER_MINUTE + 1);
    expect(gate.handled).toEqual([]);
  });
});
