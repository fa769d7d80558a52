/**
 * The weekly digest end to end: Secure Score and its 7-day change from the simulated 90-day history, the exposure
 * score change from the bot's own snapshots, and a Secure Score API that fails.
 */
import { validateCard } from '../../src/cards';
import { formatNumber } from '../../src/cards/format';
import { describeChange, FIRST_SNAPSHOT } from '../../src/cards/scores';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { botAddedToTeam } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import {
  factAfter,
  factValue,
  postedDigests,
  tempStorePath,
  waitForDigest,
  type PostedDigest,
} from '../helpers/digests';
import { startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

jest.setTimeout(90_000);

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
const seenCards: any[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5 });
  connector = await startRecordingConnector();
  bot = await startBot({
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${tempStorePath()}`,
    DIGEST_WEEKLY_CRON: '*/5 * * * * *',
  });
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await simulator?.close();
});

async function api(path: string): Promise<any> {
  const res = await fetch(`${simulator.url}${path}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** The first weekly digest posted after `count` digests that satisfies `test`. */
async function nextWeekly(
  count: number,
  test: (d: PostedDigest) => boolean,
  timeoutMs = 20_000,
): Promise<PostedDigest> {
  const match = () => postedDigests(connector, 'weekly').slice(count).find(test);
  await connector.waitFor(() => match() !== undefined, timeoutMs, 'a matching weekly digest');
  const digest = match()!;
  seenCards.push(digest.card);
  return digest;
}

test('the weekly digest shows the Secure Score change computed from the simulated history', async () => {
  const digest = await waitForDigest(connector, 'weekly', 1, 20_000);
  seenCards.push(digest.card);
  const history = (await api('/v1.0/security/secureScores?$top=8')).value as {
    createdDateTime: string;
    currentScore: number;
    maxScore: number;
  }[];
  const [latest] = history;
  const weekAgo = Date.parse(latest.createdDateTime) - 7 * 86_400_000 + 3_600_000;
  const before = history.find((s) => Date.parse(s.createdDateTime) <= weekAgo)!;
  expect(before).toBeDefined();
  const change = latest.currentScore - before.currentScore;
  expect(factAfter(digest.card, 'Secure Score', '7-day change')).toBe(describeChange(change, true, FIRST_SNAPSHOT));
  expect(factValue(digest.card, 'Secure Score')).toContain(formatNumber(latest.currentScore));
  expect(digest.text).toMatch(/Secure Score trend/);
  expect(digest.text).toMatch(/Top recommendations by impact \(\d+\)/);
  // The gauge is there, with a fallback for clients without charts.
  expect(JSON.stringify(digest.card)).toMatch(/"Chart\.Gauge"/);
});

test('after two snapshots, the weekly digest shows the exposure-score change', async () => {
  const first = postedDigests(connector, 'weekly')[0];
  expect(factAfter(first.card, 'Exposure score', '7-day change')).toBe(FIRST_SNAPSHOT);
  const s1 = (await api('/api/exposureScore')).score as number;
  // Two simulated days later the exposure score has moved.
  const count = postedDigests(connector, 'weekly').length;
  await fetch(`${simulator.url}/_simulator/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: 2 * 86_400 }),
  });
  const s2 = (await api('/api/exposureScore')).score as number;
  expect(s2).not.toBeCloseTo(s1, 1);
  const digest = await nextWeekly(count, (d) => factValue(d.card, 'Exposure score') === `${formatNumber(s2)} / 100`);
  expect(factAfter(digest.card, 'Exposure score', '7-day change')).toBe(describeChange(s2 - s1, false, FIRST_SNAPSHOT));
});

test('with Secure Score failing with 500, the weekly digest still posts, saying the score is unavailable', async () => {
  const rules = { rules: [{ path: 'secureScores', kind: '500' }] };
  const put = await fetch(`${simulator.url}/_simulator/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rules),
  });
  expect(put.status).toBe(200);
  const count = postedDigests(connector, 'weekly').length;
  try {
    const digest = await nextWeekly(count, (d) => /Section unavailable/.test(d.text));
    expect(digest.text).toMatch(/Microsoft Secure Score\s+Section unavailable: .*(500|server error|Graph)/i);
    // The rest of the digest is there.
    expect(factValue(digest.card, 'Exposure score')).toMatch(/\/ 100$/);
    expect(digest.text).toMatch(/Top recommendations by impact \(\d+\)/);
  } finally {
    await fetch(`${simulator.url}/_simulator/faults`, { method: 'DELETE' });
  }
});

test('every weekly digest card parses in the adaptivecards library with no parse or validation errors', () => {
  expect(seenCards.length).toBeGreaterThanOrEqual(3);
  for (const card of seenCards) expect(validateCard(card)).toEqual([]);
});
