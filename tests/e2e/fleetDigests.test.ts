/**
 * Three bot processes sharing one store (SQLite here; the claims are the same on Azure Tables), one simulated tenant
 * and one recording connector, a digest every 5 seconds. The instance running a fire is killed with SIGKILL in the
 * middle of it and started again: another instance takes the fire over once its lease ran out, and every slot is
 * covered by exactly one posted digest (the taken-over fire posts its window, unless the next fire's digest already
 * covered it).
 */
import { fireAt, fireKey } from '../../src/digest/schedule';
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

test('three instances, the one running a fire killed with SIGKILL and restarted: every slot covered by exactly one digest', async () => {
  bots.push(...(await Promise.all([0, 1, 2].map(() => start()))));
  expect((await bots[0].send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  const installedAt = Date.now();

  // Two slots later, 300 ms into a fire: kill the instance that holds its claim.
  await sleep(untilNextSlot(300) + 5000);
  const slot = new Date(Math.floor(Date.now() / 5000) * 5000);
  const killedFire = fireAt('daily', CRON, slot, 'UTC');
  const claim = await store.fires.get(fireKey(killedFire));
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
  const windows = logLines(logs, 'daily digest posted')
    .map((l) => ({ slot: l.slot as string, since: l.since as string, until: l.until as string }))
    .sort((a, b) => a.since.localeCompare(b.since));
  const posts = postedDigests(connector, 'daily');
  // 0 duplicates: every Teams post is one logged digest, no window posted twice.
  expect(posts.length).toBe(windows.length);
  expect(new Set(windows.map((w) => w.since)).size).toBe(windows.length);
  // 0 missed: the windows follow one another without a gap, from the first digest after the install to the last.
  for (let i = 1; i < windows.length; i++) expect(windows[i].since).toBe(windows[i - 1].until);
  const first = Date.parse(windows[0].slot);
  const last = Date.parse(windows.at(-1)!.until);
  expect(first - installedAt).toBeLessThan(6_000);
  expect(stoppedAt - last).toBeLessThan(8_000);
  // Every slot had its own digest, but for the killed one, which at most shares the next slot's.
  expect(windows.length).toBeGreaterThanOrEqual(Math.floor((last - first) / 5000));
  // The killed slot is covered by exactly one of them.
  const killed = slot.toISOString();
  expect(windows.filter((w) => w.since < killed && killed <= w.until)).toHaveLength(1);
  // The killed instance's fire was taken over by another one after its lease.
  const takeovers = logLines(logs, 'taking over an unfinished digest fire');
  expect(takeovers.map((l) => l.key)).toContain(fireKey(killedFire));
  if (process.env.WATCHSTANDER_REPORT) {
    const byInstance = everyProcess.map((b) => logLines(b.logs(), 'daily digest posted').length);
    process.stdout.write(
      `fleet: ${JSON.stringify({ digests: windows.length, byInstance, takeovers: takeovers.length })}\n`,
    );
  }
});
