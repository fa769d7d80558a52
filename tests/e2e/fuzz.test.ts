/**
 * Bad input, end to end: thousands of generated malformed and hostile activities and invokes sent to one real bot
 * process with bounded concurrency. None may crash it, leave an unhandled rejection, reach a Defender write endpoint
 * or read anything but the list and device endpoints, get a 5xx, or come back with injected markup unescaped.
 *
 * The generator is seeded: the seed is printed, and `FUZZ_SEED=<n> npx jest tests/e2e/fuzz.test.ts` repeats a run.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { channelMessage } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { EVIL_HOST, hostileRequests, type HostileRequest } from '../helpers/hostileRequests';
import { cardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_COUNT ?? 2400);
const CONCURRENCY = 20;

/** Read endpoints the commands may call; ids must be well-formed. Anything else in the simulator log is a finding. */
const ALLOWED_READS: RegExp[] = [
  /^\/v1\.0\/security\/(incidents|alerts_v2|secureScores|secureScoreControlProfiles)$/i,
  /^\/api\/(machines|alerts|machineactions|investigations|recommendations|remediationTasks|deviceavinfo|exposureScore|configurationScore)$/i,
  /^\/api\/machines\/[0-9a-f]{40}(\/alerts)?$/,
  /^\/api\/machineactions\/[0-9a-f-]{36}$/,
  /^\/api\/investigations\/[A-Za-z0-9_-]{1,128}$/,
];

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
const uploadsBefore = new Set(readdirSync(tmpdir()));

beforeAll(async () => {
  process.stdout.write(`fuzz seed ${SEED} (repeat with FUZZ_SEED=${SEED})\n`);
  simulator = await startSimulator({ seed: 11 });
  connector = await startRecordingConnector();
  bot = await startBot({
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-fuzz-')), 'watch.db')}`,
    LOG_LEVEL: 'warn',
    // The hostile messages come from a few senders: without this the command rate limit (tested on its own in
    // tests/e2e/quota.test.ts) would drop most of them before they reach the handlers this test is about.
    COMMAND_LIMIT_PER_PERSON: '1000000',
    COMMAND_LIMIT_PER_CONVERSATION: '1000000',
    CHAT_QUOTA_SHARE: 'off',
  });
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await simulator?.close();
});

interface Outcome {
  request: HostileRequest;
  status: number;
  body: string;
}

async function send(request: HostileRequest): Promise<Outcome> {
  try {
    const res = await fetch(`${bot.url}/api/messages`, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'DELETE' ? undefined : request.body,
    });
    return { request, status: res.status, body: await res.text() };
  } catch (error) {
    // The server cut the connection (e.g. an oversized body): acceptable only if the process is still up.
    return { request, status: 0, body: String(error) };
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

/**
 * What users see of everything the bot sent: text and attachments of connector sends and of buffered replies, and
 * the card or message of invoke answers. (Addressing fields echo the inbound activity and are not rendered.)
 */
function rendered(outcomes: Outcome[]): { where: string; text: string }[] {
  const visible = (activity: any) => JSON.stringify([activity?.text, activity?.summary, activity?.attachments]);
  const answers = outcomes.flatMap((o) => {
    let body: any;
    try {
      body = JSON.parse(o.body);
    } catch {
      return [{ where: `answer to ${o.request.label}`, text: o.body }];
    }
    const parts = Array.isArray(body?.activities)
      ? body.activities.map(visible)
      : [JSON.stringify(body?.value ?? body)];
    return parts.map((text: string) => ({ where: `answer to ${o.request.label}`, text }));
  });
  return [
    ...connector.calls.map((c) => ({ where: `connector ${c.method} ${c.path.slice(0, 80)}`, text: visible(c.body) })),
    ...answers,
  ];
}

/** Places where `pattern` occurs, with some context, for a readable failure. */
function occurrences(items: { where: string; text: string }[], pattern: RegExp): string[] {
  const found: string[] = [];
  for (const { where, text } of items) {
    const match = pattern.exec(text);
    if (match) found.push(`${where}: …${text.slice(Math.max(0, match.index - 60), match.index + 60)}…`);
  }
  return found.slice(0, 10);
}

describe(`fuzz (seed ${SEED})`, () => {
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    const requests = hostileRequests(SEED, COUNT, connector.url);
    outcomes = await pool(requests, CONCURRENCY, send);
    const byStatus: Record<string, number> = {};
    for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    process.stdout.write(
      `fuzz: ${outcomes.length} requests, answers by status ${JSON.stringify(byStatus)}, ` +
        `${connector.calls.length} connector calls\n`,
    );
  }, 110_000);

  it(`sends at least 2,000 hostile requests`, () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(2000);
    const types = new Set(outcomes.map((o) => String(o.request.activityType ?? 'raw')));
    expect(types.has('message')).toBe(true);
    expect(types.has('invoke')).toBe(true);
    expect(outcomes.filter((o) => o.request.body.length > 1024 * 1024).length).toBeGreaterThan(0);
    // Not everything bounced off the schema: a good share reached the app and was answered there.
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(300);
    expect(connector.calls.length).toBeGreaterThan(100);
  });

  it('answers every one with a 2xx or a 4xx, never a 5xx or a dropped connection', () => {
    const bad = outcomes
      .filter((o) => !((o.status >= 200 && o.status < 300) || (o.status >= 400 && o.status < 500)))
      // A body over the 2 MB limit may be cut off while it is still being sent.
      .filter((o) => !(o.status === 0 && o.request.body.length > 2 * 1024 * 1024));
    expect(bad.map((o) => `${o.status} ${o.request.label}: ${o.body.slice(0, 200)}`)).toEqual([]);
  });

  it('answers a click with a card, a message or a 400 — never an internal error text', () => {
    const clicks = outcomes.filter(
      (o) =>
        o.request.activityType === 'invoke' &&
        o.status === 200 &&
        o.body &&
        o.request.label.includes('adaptiveCard/action'),
    );
    for (const click of clicks) {
      const body = JSON.parse(click.body);
      expect([200, 400]).toContain(body.statusCode);
      expect([
        'application/vnd.microsoft.card.adaptive',
        'application/vnd.microsoft.activity.message',
        'application/vnd.microsoft.error',
      ]).toContain(body.type);
    }
    const all = outcomes.map((o) => o.body).join('\n');
    expect(all).not.toMatch(/\bat \S+ \(\S+\.(ts|js):\d+:\d+\)/);
    expect(all).not.toMatch(/ENOTFOUND|ECONNREFUSED|TypeError|ReferenceError|Cannot read propert/);
  });

  it('never reaches a Defender write endpoint, and reads only list and device endpoints', async () => {
    const entries = (await (await fetch(`${simulator.url}/_simulator/requests`)).json()).requests as {
      method: string;
      path: string;
    }[];
    const writes = entries.filter((e) => e.method !== 'GET');
    expect(writes.map((e) => `${e.method} ${e.path}`)).toEqual([]);
    const unexpected = entries.filter((e) => !ALLOWED_READS.some((re) => re.test(e.path.split('?')[0])));
    expect(unexpected.map((e) => `${e.method} ${e.path}`)).toEqual([]);
  });

  it('sends no injected link, image, tag or mention unescaped, and no mention entity at all', () => {
    const sent = rendered(outcomes);
    expect(occurrences(sent, new RegExp(EVIL_HOST.replace('.', '\\.')))).toEqual([]);
    expect(occurrences(sent, /<(at|script|img|a)[\s>]/i)).toEqual([]);
    expect(occurrences(sent, /\]\(https?:/)).toEqual([]);
    const mentions = connector.calls.filter((c) => (c.body?.entities ?? []).some((e: any) => e?.type === 'mention'));
    expect(mentions).toHaveLength(0);
  });

  it('writes no uploaded file anywhere (multipart bodies are refused, not parsed)', () => {
    const uploads = readdirSync(tmpdir()).filter((name) => /^upload_/.test(name) && !uploadsBefore.has(name));
    expect(uploads).toEqual([]);
    expect(outcomes.filter((o) => o.request.label.includes('multipart')).every((o) => o.status === 415)).toBe(true);
  });

  it('stays up without an unhandled rejection or uncaught exception, and says so on /healthz', async () => {
    expect(bot.child.exitCode).toBeNull();
    expect(bot.output()).not.toMatch(
      /unhandled rejection|uncaught|UnhandledPromiseRejection|FATAL ERROR|heap out of memory/i,
    );
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
  });

  it('still answers help at the end', async () => {
    const before = connector.delivered().length;
    const res = await bot.send(channelMessage('help', { serviceUrl: connector.url }));
    expect(res.status).toBe(200);
    await connector.waitFor(
      (calls) => calls.length > before && connector.delivered().length > before,
      15_000,
      'the help reply',
    );
    const reply = connector
      .delivered()
      .slice(before)
      .find((c) => c.body?.attachments?.length);
    expect(reply).toBeDefined();
    expect(cardText(reply!.body.attachments[0].content).replace(/[\u200B\u2060]/g, '')).toContain(
      'show pending actions',
    );
  });
});
