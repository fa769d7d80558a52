/**
 * Fault tolerance, end to end: the simulated tenant injects each fault kind on every API call — 429 with
 * Retry-After, 500, 503, connection resets, timeouts, truncated and invalid JSON, a looping `@odata.nextLink` — and
 * the bot still answers every command with its failed sections marked unavailable, still delivers the digest,
 * still answers clicks, never leaves an unhandled rejection and stays up. Outbound, Teams throttling and transient
 * connector failures (429, 412, 502, 504) are retried until the reply is delivered.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_KINDS, startSimulator, type FaultKind, type RunningSimulator } from '../../src/simulator';
import { botAddedToTeam, cardClick, channelMessage, CHANNEL_ID } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { readableCardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

/** Card text without the zero-width characters escaping inserts. */
const plain = readableCardText;

const COMMANDS = ['show pending actions', 'secure score', 'show devices', 'show incidents', 'digest daily'];

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
let devices: { id: string; computerDnsName: string }[];

beforeAll(async () => {
  simulator = await startSimulator({ seed: 9 });
  connector = await startRecordingConnector();
  bot = await startBot({
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-faults-')), 'watch.db')}`,
    // A hung Defender call gives up after 1 s (then twice more for a read), not the production 30 s.
    DEFENDER_TIMEOUT_MS: '1000',
    // Every call fails and is retried, many commands a minute from one person: the command rate limits and the chat
    // share of the quota would answer most of them instead (they have their own test, tests/e2e/quota.test.ts).
    COMMAND_LIMIT_PER_PERSON: '1000000',
    COMMAND_LIMIT_PER_CONVERSATION: '1000000',
    CHAT_QUOTA_SHARE: 'off',
  });
  devices = (await (await fetch(`${simulator.url}/api/machines?$top=20`)).json()).value;
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor((calls) => calls.some((c) => c.conversationId === CHANNEL_ID), 10_000, 'the welcome card');
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await simulator?.close();
});

/** Sends a command in a new thread; resolves with the text of the card (or message) replied into that thread. */
async function ask(text: string, timeoutMs = 40_000): Promise<{ text: string; isCard: boolean }> {
  const activity = channelMessage(text, { serviceUrl: connector.url });
  const res = await bot.send(activity);
  expect(res.status).toBe(200);
  const inThread = () =>
    connector
      .delivered()
      .filter(
        (c) => c.method === 'POST' && c.conversationId === activity.conversation.id && c.body?.type === 'message',
      );
  await connector.waitFor(() => inThread().length > 0, timeoutMs, `a reply to "${text}"`);
  const reply = inThread()[0].body;
  const cards = (reply.attachments ?? []).map((a: any) => plain(a.content));
  return { text: cards.length ? cards.join('\n') : String(reply.text ?? ''), isCard: cards.length > 0 };
}

/**
 * The fault kinds in the order the blocks run: `loopingNextLink` last, because only lists fail under it, and a chat
 * read that succeeds is reused for 30 s (src/quota/shield.ts): a block after it would be answered from those results.
 */
const KINDS = [...FAULT_KINDS.filter((k) => k !== 'loopingNextLink'), 'loopingNextLink' as const];

describe.each(KINDS.map((kind, i) => [kind, i] as [FaultKind, number]))(
  'with every API call failing: %s',
  (kind, i) => {
    beforeAll(async () => {
      await fetch(`${simulator.url}/_simulator/requests`, { method: 'DELETE' });
      simulator.tenant.setFaults({ rules: [{ path: '^/(v1\\.0|api)/', kind }], retryAfterSeconds: 1 });
    });

    afterAll(() => {
      simulator.tenant.clearFaults();
    });

    it('answers every command with a card whose failed sections say unavailable, and delivers the digest', async () => {
      const answers = await Promise.all(COMMANDS.map((command) => ask(command)));
      const problems = answers.flatMap((answer, n) => {
        const found: string[] = [];
        if (!answer.isCard) found.push('no card');
        if (kind !== 'loopingNextLink' && !/unavailable/i.test(answer.text)) found.push('nothing marked unavailable');
        if (/Something went wrong|at \S+\.(ts|js):\d+/.test(answer.text)) found.push('an apology or a stack trace');
        return found.map((problem) => `${COMMANDS[n]}: ${problem} (${answer.text.slice(0, 120)})`);
      });
      expect(problems).toEqual([]);
      // The digest is the digest (not an apology), whatever failed inside it.
      expect(answers[COMMANDS.indexOf('digest daily')].text).toMatch(/daily/i);
      if (kind === 'loopingNextLink') {
        expect(answers.some((a) => /unavailable/i.test(a.text))).toBe(true);
      }
      const injected = simulator.tenant.requestLog().filter((e) => e.fault === kind);
      expect(injected.length).toBeGreaterThan(0);
    });

    it('answers a scan click with a card', async () => {
      const device = devices[i];
      const res = await bot.send(
        cardClick('scan', { deviceId: device.id, scanType: 'Quick' }, `card-${kind}`, { serviceUrl: connector.url }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
      expect(plain(res.body.value)).not.toMatch(/at \S+\.(ts|js):\d+/);
    });
  },
);

describe('Teams connector failures', () => {
  it.each([
    ['429 twice, with Retry-After', 429, 2],
    ['412', 412, 1],
    ['502', 502, 1],
    ['504', 504, 1],
  ])('a command reply is still delivered when Teams answers %s first', async (_what, status, count) => {
    const before = connector.calls.length;
    connector.failNext(status, count, status === 429 ? 1 : undefined);
    const answer = await ask('help');
    expect(answer.text).toContain('show pending actions');
    const refused = connector.calls.slice(before).filter((c) => c.status === status);
    expect(refused).toHaveLength(count);
  });
});

describe('after all that', () => {
  it('is still up, answers help, reports healthy, and logged no unhandled rejection', async () => {
    expect(bot.child.exitCode).toBeNull();
    const answer = await ask('help');
    expect(answer.text).toContain('show pending actions');
    const health = await fetch(`${bot.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    expect(bot.output()).not.toMatch(/unhandled rejection|uncaught|UnhandledPromiseRejection/i);
  });
});
