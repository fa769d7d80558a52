/**
 * Several instances, end to end: three bot processes share one Azure Storage (Azurite), one simulated tenant and
 * one Teams connector. A daily digest fires every 5 s for a minute; halfway, the instance that is collecting a
 * digest is killed with SIGKILL and started again. Every fire is posted exactly once: no slot twice, no window twice,
 * and no slot missed outside the few seconds the dead instance's fire claim needs to be taken over. And the same
 * scan clicked on two instances at once reaches Defender once.
 */
import { randomUUID } from 'node:crypto';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { botAddedToTeam, cardClick, CHANNEL_ID } from '../helpers/activities';
import { startAzurite, type RunningAzurite } from '../helpers/azurite';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { cardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';
import { startWatchingProxy, type WatchingProxy } from '../helpers/watchingProxy';

const PERIOD_S = 5;
const RUN_S = 60;
const LEASE_S = 2;
const CATCH_UP_S = 1;

let azurite: RunningAzurite;
let simulator: RunningSimulator;
let connector: RecordingConnector;
/** One proxy per instance, so the test knows which instance is waiting on Defender. */
const proxies: WatchingProxy[] = [];
const bots: BotProcess[] = [];
/** Output of every process that ever ran, the killed one included. */
const finished: BotProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  [azurite, simulator, connector] = await Promise.all([
    startAzurite(),
    startSimulator({ seed: 21, latencyMs: 150 }),
    startRecordingConnector({ enforceTeamsLimits: true }),
  ]);
  env = {
    STORE: 'azure',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_TABLE_PREFIX: `fleet${randomUUID().slice(0, 8)}`,
    DIGEST_DAILY_CRON: `*/${PERIOD_S} * * * * *`,
    DIGEST_CATCHUP_SECONDS: String(CATCH_UP_S),
    DIGEST_FIRE_LEASE_SECONDS: String(LEASE_S),
  };
  for (let i = 0; i < 3; i++) proxies.push(await startWatchingProxy(simulator.url));
  bots.push(...(await Promise.all(proxies.map((proxy) => startBot({ ...env, SIMULATOR_URL: proxy.url })))));
}, 60_000);

afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.stop()));
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await connector?.close();
  await simulator?.close();
  await azurite?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** "<kind> digest posted" log lines of every instance: which slot, which Teams activity, which window start. */
function postedDigests(): { slot: string; activityId: string; since: string; pid: number }[] {
  return [...finished, ...bots].flatMap((bot) =>
    bot
      .logs()
      .filter((line) => line.msg === 'daily digest posted')
      .map((line) => ({ slot: line.slot, activityId: line.activityId, since: line.since, pid: bot.child.pid! })),
  );
}

test('a digest every 5 s for a minute, one instance killed halfway: each fire posted once', async () => {
  const started = Date.now();
  expect((await bots[0].send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);

  // The same scan clicked on two instances at the same moment, for three devices: one Defender POST each.
  const devices = (await (await fetch(`${simulator.url}/api/machines?$top=3`)).json()).value as { id: string }[];
  const clicks = await Promise.all(
    devices.flatMap((device, n) =>
      [bots[n % 3], bots[(n + 1) % 3]].map((bot) =>
        bot.send(
          cardClick('scan', { deviceId: device.id, scanType: 'Quick' }, `card-${n}`, { serviceUrl: connector.url }),
        ),
      ),
    ),
  );
  for (const click of clicks) {
    expect(click.status).toBe(200);
    expect(click.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  }
  const scans = simulator.tenant.requestLog().filter((e) => e.method === 'POST' && /\/runAntiVirusScan$/.test(e.path));
  for (const device of devices) expect(scans.filter((e) => e.path.includes(device.id))).toHaveLength(1);
  expect(clicks.map((c) => cardText(c.body.value)).join('\n')).toMatch(/already/i);

  // Halfway: kill the instance that is collecting a digest right now (only digests read Graph here; the trackers of
  // the scans read Defender), and start it again.
  await sleep(Math.max(0, started + (RUN_S / 2) * 1000 - Date.now()));
  let victim = -1;
  await waitUntil(
    () => (victim = proxies.findIndex((p) => p.inFlight().some((r) => r.path.startsWith('/v1.0/security/')))) >= 0,
    'an instance collecting a digest',
    3 * PERIOD_S * 1000,
  );
  const killedAt = Date.now();
  await bots[victim].kill();
  finished.push(bots[victim]);
  await sleep(1000);
  bots[victim] = await startBot({ ...env, SIMULATOR_URL: proxies[victim].url });

  await sleep(Math.max(0, started + RUN_S * 1000 - Date.now()));
  // Let the last fires of the minute finish before counting.
  await sleep((LEASE_S + CATCH_UP_S + 3) * 1000);

  const posts = postedDigests();
  const slots = posts.map((p) => p.slot).sort();
  process.stdout.write(
    `fleet: killed instance ${victim} (pid ${finished[0].child.pid}) at ${new Date(killedAt).toISOString()}; ` +
      `${posts.length} daily digests posted:\n${[...posts]
        .sort((a, b) => a.slot.localeCompare(b.slot))
        .map((p) => `  slot ${p.slot} by pid ${p.pid} as ${p.activityId}`)
        .join('\n')}\n`,
  );
  // 0 duplicates: no slot posted twice, no window posted twice, no Teams post that no fire accounts for.
  expect(slots.filter((slot, i) => slots.indexOf(slot) !== i)).toEqual([]);
  const sinces = posts.map((p) => p.since);
  expect(sinces.filter((since, i) => sinces.indexOf(since) !== i)).toEqual([]);
  const delivered = connector
    .cards(CHANNEL_ID)
    .filter(({ card }) => /Daily security digest/.test(cardText(card)))
    .map(({ activityId }) => activityId);
  expect(delivered.sort()).toEqual(posts.map((p) => p.activityId).sort());

  // 0 missed: every slot from the first after the install to the end of the minute was posted, except slots
  // within the takeover of the killed instance's fire (its lease, a sweep, one period), which the next post covers.
  const firstSlot = Math.ceil((started + 1000) / (PERIOD_S * 1000)) * PERIOD_S * 1000;
  const lastSlot = Math.floor((started + RUN_S * 1000) / (PERIOD_S * 1000)) * PERIOD_S * 1000;
  const takeoverFrom = killedAt - PERIOD_S * 1000;
  const takeoverUntil = killedAt + (LEASE_S + CATCH_UP_S + PERIOD_S) * 1000;
  const expected: string[] = [];
  for (let t = firstSlot; t <= lastSlot; t += PERIOD_S * 1000) {
    if (t < takeoverFrom || t > takeoverUntil) expected.push(new Date(t).toISOString());
  }
  expect(expected.length).toBeGreaterThanOrEqual(RUN_S / PERIOD_S - 4);
  expect(expected.filter((slot) => !slots.includes(slot))).toEqual([]);
  // What the dead instance left was taken over, not dropped: a slot of the takeover interval was posted too.
  expect(slots.some((slot) => Date.parse(slot) >= takeoverFrom && Date.parse(slot) <= takeoverUntil)).toBe(true);

  const output = [...finished, ...bots].map((bot) => bot.output()).join('\n');
  expect(output).not.toMatch(/unhandled rejection|uncaught/i);
  // The killed instance's unfinished fire was taken over once its lease ran out: by a survivor, or by the restarted
  // instance's start-up sweep (a new process), whichever came first — never by the dead process.
  const survivors = bots.map((bot) => bot.output()).join('\n');
  expect(survivors).toMatch(/taking over an unfinished digest fire/);
}, 120_000);
