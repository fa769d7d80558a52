/**
 * Graceful shutdown, end to end: SIGTERM while a slow command, a scan click and a scheduled digest are all waiting
 * on Defender (every simulated API call takes 1.5 s). The command and the click still get their answers, new
 * requests are refused, no claim is left held, and the process exits 0.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { Claim } from '../../src/store/claims';
import { repositories } from '../../src/store';
import { SqliteRecordStore } from '../../src/store/sqlite';
import { botAddedToTeam, cardClick, channelMessage, CHANNEL_ID } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { cardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';
import { startWatchingProxy, type WatchingProxy } from '../helpers/watchingProxy';

const LATENCY_MS = 1500;

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
let proxy: WatchingProxy;
let storePath: string;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5 });
  proxy = await startWatchingProxy(simulator.url);
  connector = await startRecordingConnector();
  storePath = join(mkdtempSync(join(tmpdir(), 'ws-shutdown-')), 'watch.db');
  bot = await startBot({
    SIMULATOR_URL: proxy.url,
    STORE: `sqlite:${storePath}`,
    // A daily digest every second, so one is always collecting when the signal comes.
    DIGEST_DAILY_CRON: '* * * * * *',
  });
});

afterAll(async () => {
  await bot?.kill();
  await connector?.close();
  await proxy?.close();
  await simulator?.close();
});

/** Requests the simulator has seen so far. */
async function apiRequests(): Promise<{ method: string; path: string; status: number | null }[]> {
  return (await (await fetch(`${simulator.url}/_simulator/requests`)).json()).requests;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** POSTs an activity without waiting; resolves with status and body, or the network error. */
function post(activity: unknown): Promise<{ status: number; body: any } | { error: string }> {
  return bot.send(activity).catch((error: unknown) => ({ error: String(error) }));
}

test('SIGTERM lets in-flight work finish, refuses new work, leaves no claim held and exits 0', async () => {
  const serviceUrl = connector.url;
  expect((await bot.send(botAddedToTeam({ serviceUrl }))).status).toBe(200);
  await connector.waitFor((calls) => calls.some((c) => c.conversationId === CHANNEL_ID), 10_000, 'the welcome card');
  const device = (await (await fetch(`${simulator.url}/api/machines?$top=1`)).json()).value[0];
  await fetch(`${simulator.url}/_simulator/requests`, { method: 'DELETE' });
  simulator.tenant.setLatency(LATENCY_MS);

  // A slow command and a scan click, both waiting on the simulated tenant when the signal comes.
  const command = post(channelMessage('show pending actions', { serviceUrl }));
  const click = post(cardClick('scan', { deviceId: device.id, scanType: 'Quick' }, 'card-1', { serviceUrl }));
  const waitingOn = (method: string, path: RegExp) =>
    proxy.inFlight().some((r) => r.method === method && path.test(r.path));
  await waitUntil(
    async () =>
      waitingOn('GET', /^\/api\/investigations/) &&
      waitingOn('POST', /\/runAntiVirusScan$/) &&
      waitingOn('GET', /^\/v1\.0\/security\//),
    'the command, the click and a digest to be waiting on Defender',
  );
  const exited = new Promise<number | null>((resolve) => bot.child.once('exit', (code) => resolve(code)));
  bot.child.kill('SIGTERM');
  await waitUntil(async () => /shutting down/.test(bot.output()), 'the shutdown to begin');

  // New work is refused while the old finishes.
  const lateHelp = channelMessage('help', { serviceUrl });
  const late = await post(lateHelp);
  if ('status' in late) expect(late.status).toBe(503);
  else expect(late.error).toMatch(/fetch failed|ECONNREFUSED|socket/i);

  // The command in flight was answered, in the thread it was asked in.
  const answered = await command;
  expect(answered).toMatchObject({ status: 200 });
  const reply = connector
    .delivered()
    .filter((c) => c.method === 'POST' && c.conversationId.startsWith(`${CHANNEL_ID};messageid=`))
    .flatMap((c) => c.body?.attachments ?? []);
  expect(reply.map((a: any) => cardText(a.content)).join('\n')).toMatch(/pending/i);

  // The click in flight was answered with a card, and its scan reached Defender once.
  const clicked = await click;
  expect(clicked).toMatchObject({
    status: 200,
    body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' },
  });
  expect(await exited).toBe(0);
  const scans = (await apiRequests()).filter((e) => e.method === 'POST' && /runAntiVirusScan$/i.test(e.path));
  expect(scans).toHaveLength(1);
  expect(connector.calls.filter((c) => c.conversationId === lateHelp.conversation.id)).toEqual([]);

  // No claim is left held by the process that stopped. Fire claims are finished, released or expired; a click's
  // intent stays held only while its Defender action runs (that is what stops a second scan), so every live intent
  // must point at a stored tracker of an action Defender accepted and that has not ended.
  const stores = repositories(new SqliteRecordStore(storePath));
  try {
    const now = new Date().toISOString();
    const live = async (table: 'claims' | 'intents') =>
      (await stores.records.list<Claim<{ trackerId?: string }>>(table)).filter(
        (r) => !r.value.doneAt && r.value.expiresAt > now,
      );
    expect((await live('claims')).map((r) => `${r.key} held by ${r.value.owner} until ${r.value.expiresAt}`)).toEqual(
      [],
    );
    const leaked: string[] = [];
    for (const intent of await live('intents')) {
      const trackerId = intent.value.data?.trackerId;
      const tracker = trackerId ? await stores.trackers.get(trackerId) : undefined;
      if (!tracker?.defenderId || tracker.finishedAt) leaked.push(`${intent.key} held by ${intent.value.owner}`);
    }
    expect(leaked).toEqual([]);
  } finally {
    await stores.records.close();
  }
  expect(bot.output()).not.toMatch(/unhandled rejection|uncaught/i);
});
