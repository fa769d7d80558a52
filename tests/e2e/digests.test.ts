/**
 * Scheduled digests end to end: the real server with the simulated tenant and a recording connector, the daily
 * digest every 10 seconds, a restart on the same store.
 */
import { validateCard } from '../../src/cards';
import type { Stores } from '../../src/store';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { botAddedToTeam, channelMessage, CHANNEL_ID } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { logLines, openStore, plain, postedDigests, tempStorePath, waitForDigest } from '../helpers/digests';
import { startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

jest.setTimeout(120_000);

const STORE_PATH = tempStorePath();
const ENV = {
  STORE: `sqlite:${STORE_PATH}`,
  DIGEST_DAILY_CRON: '*/10 * * * * *',
  DIGEST_CATCHUP_SECONDS: '2',
  DIGEST_FIRE_LEASE_SECONDS: '10',
  // The "daily digest contents" lines name every incident a digest listed.
  LOG_LEVEL: 'debug',
};

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
let store: Stores;
/** Every digest card of this file, for the validation test at the end. */
const seenCards: any[] = [];
/** The incident the second test added (listed as new once, never again). */
let addedIncident = '';

beforeAll(async () => {
  simulator = await startSimulator({ seed: 11 });
  connector = await startRecordingConnector();
  bot = await startBot({ ...ENV, SIMULATOR_URL: simulator.url });
  store = openStore(STORE_PATH);
});

afterAll(async () => {
  await bot?.stop();
  await store?.records.close();
  await connector?.close();
  await simulator?.close();
});

/** Polls `probe` until it returns a value (at most 5 s). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + 5_000; ; ) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Titles listed as new (`**New** · title`) in a daily digest. */
function newTitles(text: string): string[] {
  return [...text.matchAll(/\*\*New\*\* · (.+)/g)].map((m) => m[1].trim());
}

test('installed in a channel with DIGEST_DAILY_CRON every 10 s, a daily digest arrives within 30 s with no message sent', async () => {
  const installedAt = Date.now();
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  const digest = await waitForDigest(connector, 'daily', 1, 30_000);
  seenCards.push(digest.card);
  expect(digest.call.at - installedAt).toBeLessThan(30_000);
  // A new post in the channel (not a reply), from the stored reference; no chat message was sent at all.
  expect(digest.call.path).toBe(`/v3/conversations/${CHANNEL_ID}/activities`);
  expect(connector.calls.some((c) => c.conversationId.includes(';messageid='))).toBe(false);
  expect(digest.text).toMatch(/First digest of this conversation: it covers the last 24 hours/);
  expect(digest.text).toMatch(/Incidents created or updated \(\d+\)/);
  expect(digest.text).toMatch(/New alerts/);
  expect(digest.text).toMatch(/Devices with active threats/);
  // Its activity id is stored with the subscription, and the watermark moved to the end of its window.
  const subscription = await eventually(async () => {
    const s = await store.subscriptions.get(CHANNEL_ID, 'daily');
    return s?.lastActivityId ? s : undefined;
  });
  expect(subscription.lastActivityId).toBe(digest.activityId);
  expect(Date.parse(subscription.watermark!)).toBeGreaterThan(installedAt);
});

test('after a new incident is added to the simulator, the next digest lists it as new and not the earlier ones', async () => {
  const before = postedDigests(connector, 'daily');
  const earlierNew = new Set(before.flatMap((d) => newTitles(d.text)));
  expect(earlierNew.size).toBeGreaterThan(0);

  const title = `Watchstander e2e ransomware ${Date.now()}`;
  const res = await fetch(`${simulator.url}/_simulator/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ severity: 'high', title }),
  });
  expect(res.status).toBe(201);
  const incident = (await res.json()) as { displayName: string };

  // The next digest whose window holds the new incident lists it as new.
  let next = await waitForDigest(connector, 'daily', before.length + 1, 15_000);
  if (!next.text.includes(title)) next = await waitForDigest(connector, 'daily', before.length + 2, 15_000);
  seenCards.push(next.card);
  const listedNew = newTitles(next.text);
  expect(listedNew).toContain(incident.displayName);
  for (const earlier of earlierNew) expect(listedNew).not.toContain(earlier);
  expect(next.text).not.toMatch(/First digest/);
  addedIncident = incident.displayName;
});

/** Adds an incident to the simulated tenant (`createdMinutesAgo`: a late one); returns its Graph form. */
async function addIncident(body: Record<string, unknown>): Promise<{ id: string; createdDateTime: string }> {
  const res = await fetch(`${simulator.url}/_simulator/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; createdDateTime: string };
}

/** The "daily digest contents" log lines posted after `after` (epoch ms), oldest first. */
function contentsSince(after: number): { newIncidents: string; updatedIncidents: string; time: number }[] {
  return logLines(bot.logs(), 'daily digest contents').filter((l) => l.time > after);
}

/** The incident ids of a "digest contents" list (`id@lastUpdateDateTime …`). */
const ids = (entries: string | undefined) => (entries ? entries.split(' ').map((e) => e.split('@')[0]) : []);

test('an incident created before the last digest but visible only after it (ingestion delay) is listed new in the next digest, once', async () => {
  const last = await waitForDigest(connector, 'daily', postedDigests(connector, 'daily').length + 1, 15_000);
  const watermark = Date.parse((await store.subscriptions.get(CHANNEL_ID, 'daily'))!.watermark!);
  expect(last).toBeDefined();
  // Created 20 minutes ago, before the window of the next digest starts: a window on createdDateTime misses it.
  const late = await addIncident({ severity: 'medium', createdMinutesAgo: 20 });
  expect(Date.parse(late.createdDateTime)).toBeLessThan(watermark);
  const addedAt = Date.now();
  const count = postedDigests(connector, 'daily').length;
  await waitForDigest(connector, 'daily', count + 2, 25_000);
  const listings = contentsSince(addedAt);
  expect(listings.filter((l) => ids(l.newIncidents).includes(late.id))).toHaveLength(1);
  expect(listings.filter((l) => ids(l.updatedIncidents).includes(late.id))).toHaveLength(0);
});

test('a merged incident is never listed again; the incident it was merged into is listed as updated, once', async () => {
  const from = await addIncident({ severity: 'low' });
  const into = await addIncident({ severity: 'high' });
  const count = postedDigests(connector, 'daily').length;
  await waitForDigest(connector, 'daily', count + 1, 15_000);
  await connector.waitFor(
    () => contentsSince(0).some((l) => ids(l.newIncidents).includes(into.id)),
    15_000,
    'both incidents listed as new',
  );
  const res = await fetch(`${simulator.url}/_simulator/incidents/${from.id}/merge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ into: into.id }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'redirected', redirectIncidentId: into.id });
  const mergedAt = Date.now();
  await waitForDigest(connector, 'daily', postedDigests(connector, 'daily').length + 2, 25_000);
  const listings = contentsSince(mergedAt);
  const all = listings.flatMap((l) => [...ids(l.newIncidents), ...ids(l.updatedIncidents)]);
  expect(all).not.toContain(from.id);
  expect(listings.filter((l) => ids(l.updatedIncidents).includes(into.id))).toHaveLength(1);
});

test('digest daily posts what the next scheduled digest would show, as a reply, and does not move the watermark', async () => {
  const before = await store.subscriptions.get(CHANNEL_ID, 'daily');
  const replies = () => connector.cards().filter((c) => c.call.conversationId.includes(';messageid='));
  const count = replies().length;
  expect((await bot.send(channelMessage('digest daily', { serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor(() => replies().length > count, 15_000, 'the on-demand digest');
  const card = replies().at(-1)!.card;
  seenCards.push(card);
  const text = plain(card);
  expect(text).toMatch(/Daily security digest/);
  expect(text).toMatch(/Posted on demand: the scheduled digest will still cover this period/);
  const after = await store.subscriptions.get(CHANNEL_ID, 'daily');
  // Only scheduled posts move the watermark (one may have happened meanwhile, never to the on-demand time).
  if (after?.lastSlot === before?.lastSlot) expect(after).toEqual(before);
  expect(logLines(bot.logs(), 'daily digest collected').some((l) => l.reason === 'command')).toBe(true);
});

test('restart with the same store: the subscription is still there, a digest missed while down is posted once, and the next arrives with no new install', async () => {
  expect(await bot.stop()).toBe(0);
  const stoppedAt = Date.now();
  const postsBefore = postedDigests(connector, 'daily').length;
  // Stay down across at least one slot (the cron fires at every 10th second).
  const slotPassed = Math.ceil((Date.now() + 1) / 10_000) * 10_000 + 500;
  await new Promise((r) => setTimeout(r, slotPassed - Date.now()));
  expect(postedDigests(connector, 'daily')).toHaveLength(postsBefore);
  expect(await store.subscriptions.get(CHANNEL_ID, 'daily')).toBeDefined();

  bot = await startBot({ ...ENV, SIMULATOR_URL: simulator.url });
  const caughtUp = await waitForDigest(connector, 'daily', postsBefore + 1, 15_000);
  seenCards.push(caughtUp.card);
  const next = await waitForDigest(connector, 'daily', postsBefore + 2, 15_000);
  seenCards.push(next.card);
  expect(next.call.at).toBeGreaterThan(stoppedAt);
  // The incident added earlier was new once; the digests after the restart do not list it as new again.
  expect(addedIncident).not.toBe('');
  for (const digest of [caughtUp, next]) expect(newTitles(digest.text)).not.toContain(addedIncident);

  const fires = logLines(bot.logs(), 'daily digest fire finished');
  const catchUps = fires.filter((l) => l.reason === 'catch-up');
  // The slots missed while down are caught up once, by their latest slot only.
  expect(catchUps).toHaveLength(1);
  expect(catchUps[0].posts).toEqual({ posted: 1 });
  const posted = logLines(bot.logs(), 'daily digest posted').map((l) => l.slot);
  expect(new Set(posted).size).toBe(posted.length);
  // No new install happened: one welcome card in the whole run.
  const welcomes = connector.cards(CHANNEL_ID).filter((c) => /Welcome|welcome/.test(plain(c.card)));
  expect(welcomes.length).toBeLessThanOrEqual(1);
});

test('every digest card parses in the adaptivecards library with no parse or validation errors', () => {
  expect(seenCards.length).toBeGreaterThanOrEqual(5);
  for (const card of seenCards) expect(validateCard(card)).toEqual([]);
});
