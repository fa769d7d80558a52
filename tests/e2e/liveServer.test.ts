/**
 * The live path through the real server: `DEFENDER_SOURCE=live` with the token authority, Graph and Defender for
 * Endpoint all served over https by a local fake cloud (self-signed certificate trusted with NODE_EXTRA_CA_CERTS).
 * Nothing simulator-specific is involved: the bot talks to the documented APIs and token endpoint only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOT_SERVED } from '../../src/bot/tenantGate';
import { channelMessage, FOREIGN_TENANT_ID, inTenant } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { startFakeCloud, type FakeCloud } from '../helpers/fakeCloud';
import { cardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

let cloud: FakeCloud;
let connector: RecordingConnector;
let bot: BotProcess;

beforeAll(async () => {
  cloud = await startFakeCloud();
  connector = await startRecordingConnector();
  bot = await startBot({
    ...cloud.env(),
    STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-live-')), 'watch.db')}`,
  });
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await cloud?.close();
});

test('show pending actions over the live path: one token per scope, each API call carries its own scope’s token', async () => {
  const res = await bot.send(channelMessage('show pending actions', { serviceUrl: connector.url }));
  expect(res.status).toBe(200);
  await connector.waitFor((calls) => calls.some((c) => c.method === 'POST' && c.body?.attachments?.length), 20_000);
  const card = connector.delivered().find((c) => c.body?.attachments?.length)!.body.attachments[0].content;
  const text = cardText(card);
  expect(text).not.toMatch(/Simulated tenant/);
  expect(text).toMatch(/PendingApproval|pending approval/i);

  const scopes = new Set(cloud.tokenRequests.filter((t) => t.token).map((t) => cloud.scopeOf(t.token!)));
  expect(scopes).toEqual(new Set([cloud.defenderScope]));
  const defenderCalls = cloud.apiCalls.filter((c) => c.path.startsWith('/api/'));
  expect(defenderCalls.length).toBeGreaterThanOrEqual(2);
  for (const call of defenderCalls) expect(call.tokenScope).toBe(cloud.defenderScope);

  await bot.send(channelMessage('show incidents', { serviceUrl: connector.url }));
  await connector.waitFor((calls) => cloud.apiCalls.some((c) => c.path.includes('/security/incidents')), 20_000);
  const graphCalls = cloud.apiCalls.filter((c) => c.path.startsWith('/v1.0/'));
  expect(graphCalls.length).toBeGreaterThanOrEqual(1);
  for (const call of graphCalls) expect(call.tokenScope).toBe(cloud.graphScope);
  const allScopes = new Set(cloud.tokenRequests.filter((t) => t.token).map((t) => cloud.scopeOf(t.token!)));
  expect(allScopes).toEqual(new Set([cloud.graphScope, cloud.defenderScope]));
});

test('on the live source the tenant gate is always on: a message from another tenant costs no token and no API call', async () => {
  const before = { api: cloud.apiCalls.length, tokens: cloud.tokenRequests.length, calls: connector.calls.length };
  const res = await bot.send(
    inTenant(channelMessage('show devices', { serviceUrl: connector.url }), FOREIGN_TENANT_ID),
  );
  expect(res.status).toBe(200);
  await connector.waitFor((calls) => calls.length > before.calls, 20_000, 'the refusal');
  const reply = connector.calls.slice(before.calls);
  expect(reply.map((c) => [c.body?.text, c.body?.attachments ?? []])).toEqual([[NOT_SERVED, []]]);
  expect(cloud.apiCalls.length).toBe(before.api);
  expect(cloud.tokenRequests.length).toBe(before.tokens);
});
