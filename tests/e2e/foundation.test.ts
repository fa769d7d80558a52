/**
 * The foundation end to end: the real server with the simulated tenant and a recording connector, activities sent
 * exactly as Teams sends them in a team channel.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { botAddedToTeam, channelMessage, CHANNEL_ID, installationUpdate } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { readableCardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

/** Card text without the zero-width characters escaping inserts. */
const plain = readableCardText;

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 7 });
  connector = await startRecordingConnector();
  bot = await startBot({
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-e2e-')), 'watch.db')}`,
  });
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await simulator?.close();
});

/** Sends a channel message and returns the card of the reply it caused. */
async function ask(text: string): Promise<any> {
  const before = replies().length;
  const res = await bot.send(channelMessage(text, { serviceUrl: connector.url }));
  expect(res.status).toBe(200);
  await connector.waitFor(() => replies().length > before, 15_000, `a reply to "${text}"`);
  return replies().at(-1)!;
}

function replies(): any[] {
  return connector
    .delivered()
    .filter((c) => c.method === 'POST' && c.conversationId.includes(';messageid='))
    .flatMap((c) => (c.body?.attachments ?? []).map((a: any) => a.content));
}

test('GET /healthz names the Defender source and the store', async () => {
  const res = await fetch(`${bot.url}/healthz`);
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({ status: 'ok', defenderSource: 'simulated', store: 'sqlite' });
});

test('installing the bot in a team posts one welcome card into the channel and subscribes it', async () => {
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  expect((await bot.send(installationUpdate('add', { serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor((calls) => calls.some((c) => c.conversationId === CHANNEL_ID), 10_000, 'the welcome card');
  await new Promise((r) => setTimeout(r, 500));
  const welcome = connector.cards(CHANNEL_ID);
  expect(welcome).toHaveLength(1);
  const text = plain(welcome[0].card);
  expect(text).toMatch(/Simulated tenant/);
  expect(text).toMatch(/daily/i);
  expect(text).toMatch(/weekly/i);
  expect(text).toMatch(/monthly/i);
});

test('help answers with the commands and this channel’s subscriptions', async () => {
  const text = plain(await ask('help'));
  for (const command of ['show pending actions', 'show incidents', 'show devices', 'secure score', 'subscribe']) {
    expect(text).toContain(command);
  }
  expect(text).toMatch(/no API/i);
});

test('show pending actions lists PendingApproval investigations and open machine actions, no finished ones', async () => {
  const card = await ask('show pending actions');
  const text = plain(card);
  const api = async (path: string) => (await (await fetch(`${simulator.url}${path}`)).json()).value as any[];
  const pendingInvestigations = await api(
    `/api/investigations?$filter=${encodeURIComponent("state eq 'PendingApproval'")}`,
  );
  const openActions = await api(
    `/api/machineactions?$filter=${encodeURIComponent("status eq 'Pending' or status eq 'InProgress'")}`,
  );
  expect(pendingInvestigations.length).toBeGreaterThan(0);
  expect(openActions.length).toBeGreaterThan(0);
  for (const investigation of pendingInvestigations) expect(text).toContain(investigation.computerDnsName);
  for (const action of openActions) expect(text).toContain(action.computerDnsName);
  expect(text).not.toMatch(/\b(Succeeded|TimeOut|Cancelled)\b/);
  expect(text).toMatch(/Action center/i);
});

test('show incidents high lists the open high-severity incidents only', async () => {
  const text = plain(await ask('show incidents high'));
  const incidents = (await (await fetch(`${simulator.url}/v1.0/security/incidents?$top=50`)).json()).value as any[];
  const open = incidents.filter((i) => i.status !== 'resolved');
  const high = open.filter((i) => i.severity === 'high');
  const others = open.filter((i) => i.severity !== 'high' && !high.some((h) => h.displayName === i.displayName));
  expect(high.length).toBeGreaterThan(0);
  for (const incident of high.slice(0, 5)) expect(text).toContain(incident.displayName.slice(0, 40));
  for (const incident of others) expect(text).not.toContain(incident.displayName);
});

test('unknown text gets a hint and the help card', async () => {
  const text = plain(await ask('make me a sandwich'));
  expect(text).toContain('make me a sandwich');
  expect(text).toContain('show pending actions');
});

test('a malformed JSON body gets a 4xx and the server keeps answering', async () => {
  const res = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"type": "message", "text": ',
  });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const notAnActivity = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '[1,2,3]',
  });
  expect(notAnActivity.status).toBe(400);
  expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
});

test('PORT=abc stops the start with exit code 1 and one line naming PORT', () => {
  const result = spawnSync(
    process.execPath,
    ['--require', join(__dirname, '../helpers/swcRegister.js'), join(__dirname, '../../src/index.ts')],
    { env: { PATH: process.env.PATH ?? '', PORT: 'abc' }, encoding: 'utf8', timeout: 30_000 },
  );
  expect(result.status).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/PORT/);
  expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
});
