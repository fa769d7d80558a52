/**
 * Three bot processes sharing one store (SQLite here; the claims are the same on Azure Tables), one simulated tenant
 * and one recording connector, a digest every 5 seconds. The instance running a fire is killed with SIGKILL in the
 * middle of it and started again: another instance takes the fire over once its lease ran out, and every fire is
 * posted exactly once.
 */
import { fireKey } from '../../src/digest/schedule';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { Stores } from '../../src/store';
import { botAddedToTeam } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { logLines, openStore, postedDigests, tempStorePath } from '../helpers/digests';
import { startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

jest.setTimeout(120_000);

const CRON = '*/5 * * * * *';
const STORE_PATH = tempStorePath();
const ENV = {
  STORE: `sqlite:${STORE_PATH}`,
  DIGEST_DAILY_CRON: CRON,
  DIGEST_CATCHUP_SECONDS: '1',
  DIGEST_FIRE_LEASE_SECONDS: '2',
};

let simulator: RunningSimulator;
let connector: RecordingConnector;
let store: Stores;
const bots: BotProcess[] = [];
/** Every process started, the killed one included (its log counts too). */
const everyProcess: BotProcess[] = [];

async function start(): Promise<BotProcess> {
  const bot = await startBot({ ...ENV, SIMULATOR_URL: simulator.url });
  everyProcess.push(bot);
  return bot;
}

beforeAll(async () => {
  // Slow answers make each fire last about a second, long enough to kill the instance in the middle of one.
  simulator = await startSimulator({ seed: 21, latencyMs: 300 });
  connector = await startRecordingConnector();
  store = openStore(STORE_PATH);
});

afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  await store?.records.close();
  await connector?.close();
  await simulator?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Milliseconds until `offsetMs` after the next 5-second slot. */
const untilNextSlot = (offsetMs: number) => Math.ceil((Date.now() + 1) / 5000) * 5000 + offsetMs - Date.now();

test('three instances, the one running a fire killed with SIGKILL and restarted: every fire is posted exactly once', async () => {
  bots.push(...(await Promise.all([0, 1, 2].map(() => start()))));
  expect((await bots[0].send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  const installedAt = Date.now();

  // Two slots later, 300 ms into a fire: kill the instance that holds its claim.
  await sleep(untilNextSlot(300) + 5000);
  const slot = new Date(Math.floor(Date.now() / 5000) * 5000);
  const claim = await store.fires.get(fireKey({ kind: 'daily', cron: CRON, slot }));
  expect(claim).toBeDefined();
  expect(claim!.doneAt).toBeUndefined();
  const holder = bots.findIndex((b) => claim!.owner.includes(`-${b.child.pid}-`));
  expect(holder).toBeGreaterThanOrEqual(0);
  await bots[holder].kill();
  bots[holder] = await start();
  await sleep(untilNextSlot(2_500) + 5000);
  await Promise.all(bots.map((b) => b.stop()));
  const stoppedAt = Date.now();

  const logs = everyProcess.flatMap((b) => b.logs());
  const slots = logLines(logs, 'daily digest posted').map((l) => l.slot as string);
  const posts = postedDigests(connector, 'daily');
  // 0 duplicates: every post is one slot's, no slot twice.
  expect(posts.length).toBe(slots.length);
  expect(new Set(slots).size).toBe(slots.length);
  // 0 missed: every 5-second slot from the first digest to the last, the killed one included, was posted.
  const sorted = [...slots].sort();
  const first = Date.parse(sorted[0]);
  const last = Date.parse(sorted.at(-1)!);
  expect(first - installedAt).toBeLessThan(6_000);
  expect(stoppedAt - last).toBeLessThan(8_000);
  expect(sorted).toContain(slot.toISOString());
  expect(sorted.length).toBe((last - first) / 5000 + 1);
  // The killed instance's fire was taken over by another one after its lease.
  const takeovers = logLines(logs, 'taking over an unfinished digest fire');
  expect(takeovers.map((l) => l.key)).toContain(fireKey({ kind: 'daily', cron: CRON, slot }));
  if (process.env.WATCHSTANDER_REPORT) {
    const byInstance = everyProcess.map((b) => logLines(b.logs(), 'daily digest posted').length);
    process.stdout.write(
      `fleet: ${JSON.stringify({ slots: sorted.length, byInstance, takeovers: takeovers.length })}\n`,
    );
  }
});
