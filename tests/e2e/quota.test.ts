/**
 * The quota shield end to end: one person sends `show devices` 200 times within 10 seconds while a scheduled daily
 * digest is due. The simulated tenant enforces the documented Defender for Endpoint and Graph quotas (429 +
 * `Retry-After` past 100 calls a minute / 1,500 an hour, and 150 Graph calls a minute).
 *
 * What is asserted are counts and completeness, never timings: how many Defender and Graph requests the burst cost
 * beyond a digest on its own, that no request was throttled, and that the digest due in the middle of the burst has
 * every section. The counts are printed for the README.
 */
import { API_QUOTAS } from '../../src/quota/limits';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { ANALYST, botAddedToTeam, channelMessage, CHANNEL_ID } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { logLines, postedDigests, tempStorePath, waitForDigest } from '../helpers/digests';
import { readableCardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

jest.setTimeout(120_000);

const MESSAGES = 200;
const BURST_MS = 10_000;

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
/** The one scheduled daily digest of the test (epoch ms): 4 s into the burst. */
let slot: number;

beforeAll(async () => {
  simulator = await startSimulator({
    seed: 11,
    alertIntervalMinutes: 0,
    rateLimits: {
      defenderPerMinute: API_QUOTAS.defender[0].max,
      defenderPerHour: API_QUOTAS.defender[1].max,
      graphPerMinute: API_QUOTAS.graph[0].max,
    },
  });
  connector = await startRecordingConnector();
  // One fire only, at a second far enough ahead for the bot to start and be installed first.
  slot = Math.ceil((Date.now() + 30_000) / 1000) * 1000;
  const at = new Date(slot);
  bot = await startBot({
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${tempStorePath()}`,
    DIGEST_DAILY_CRON: `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`,
    DIGEST_CATCHUP_SECONDS: '2',
    DIGEST_FIRE_LEASE_SECONDS: '10',
  });
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await simulator?.close();
});

const apiRequests = () => simulator.tenant.requestLog().filter((e) => e.api === 'graph' || e.api === 'defender');
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

test('200 "show devices" from one person in 10 s cost a bounded number of Defender calls, and the digest due meanwhile is complete', async () => {
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor(() => connector.cards(CHANNEL_ID).length === 1, 15_000, 'the welcome card');
  expect(Date.now()).toBeLessThan(slot - 4_000);

  await sleepUntil(slot - 4_000);
  const before = apiRequests().length;
  const replies = () =>
    connector.delivered().filter((c) => c.method === 'POST' && c.conversationId.includes(';messageid='));
  const repliesBefore = replies().length;

  const answers: Promise<number>[] = [];
  const started = Date.now();
  for (let i = 0; i < MESSAGES; i++) {
    await sleepUntil(started + (i * BURST_MS) / MESSAGES);
    const message = channelMessage('show devices', { serviceUrl: connector.url, user: ANALYST });
    answers.push(bot.send({ ...message, id: `${message.id}-${i}` }).then((r) => r.status));
  }
  expect(await Promise.all(answers)).toEqual(Array(MESSAGES).fill(200));
  const digest = await waitForDigest(connector, 'daily', 1, 30_000);
  const burstRequests = apiRequests().slice(before);

  // Completeness: every section of the digest due in the middle of the burst was read.
  const text = digest.text;
  expect(text).not.toMatch(/unavailable/i);
  for (const section of ['Incidents created or updated', 'New alerts', 'Devices with active threats']) {
    expect(text).toContain(section);
  }
  expect(digest.call.at).toBeGreaterThanOrEqual(slot);
  expect(postedDigests(connector, 'daily')).toHaveLength(1);

  // Nothing was throttled, in the whole test.
  expect(simulator.tenant.requestLog().filter((e) => e.status === 429)).toEqual([]);

  // The person's rate limit: 10 answered, one "too many" answer saying when to try again, the rest dropped.
  const answered = replies().slice(repliesBefore);
  const cards = answered.map((c) => readableCardText(c.body?.attachments?.[0]?.content));
  const devices = cards.filter((t) => t.includes('Devices with active alerts or high risk'));
  const tooMany = cards.filter((t) => t.includes('Too many commands'));
  expect(devices).toHaveLength(10);
  expect(tooMany).toHaveLength(1);
  expect(tooMany[0]).toMatch(/You have sent 10 commands in the last 60 seconds, the most I take; try again in \d+/);
  expect(answered).toHaveLength(11);

  // The cost: everything the simulator received during the burst, less what the digest's collection counted (the
  // commands read before the fire, then reuse that read for 30 s, so they send nothing while the digest collects).
  const fire = logLines(bot.logs(), 'daily digest collected').find((l) => l.reason === 'scheduled');
  const digestCost: number = fire.requests.total;
  const chatCost = burstRequests.length - digestCost;
  const byPath = new Map<string, number>();
  for (const e of burstRequests) {
    const path = e.path.split('?')[0];
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
  }
  process.stdout.write(
    `quota test: ${MESSAGES} "show devices" in ${BURST_MS / 1000} s -> ${burstRequests.length} Defender/Graph ` +
      `requests during the burst, of which a digest on its own costs ${digestCost}: the commands cost ${chatCost}; ` +
      `${devices.length} answered, ${tooMany.length} refusal; digest complete; 429s: 0; by path ${JSON.stringify([...byPath])}\n`,
  );
  expect(chatCost).toBeGreaterThan(0);
  expect(chatCost).toBeLessThanOrEqual(6);
});
