/**
 * P6: one scheduled daily fire for 1,000 subscribed channels, through a connector that enforces the Teams limits
 * (7 sends/s per conversation, 50/s in total, else 429 + Retry-After). Figures: the time from the fire to the last
 * post ÷ the rate-limit bound (1,000 ÷ 50/s = 20 s), and the Defender requests of that fire ÷ those of a fire for
 * one channel.
 *
 * The subscriptions are written into the bot's store before it starts (the same repositories the bot uses), and the
 * daily cron is set to a second a few seconds after the bot is up.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { conversationOf } from '../../../src/bot/activity';
import { openStore } from '../../../src/store';
import { botAddedToTeam } from '../../helpers/activities';
import { startBot, type BotProcess } from '../../helpers/botProcess';
import { startRecordingConnector, type RecordingConnector } from '../../helpers/recordingConnector';
import type { ScenarioResult } from '../report';
import { startSimulatorProcess, statsDelta, type SimulatorProcess } from '../simulatorProcess';
import { DIGEST_TENANT } from './digestCalls';

const LATENCY_MS = 100;
const TEAMS_SENDS_PER_SECOND = 50;
/** Seconds from starting the bot to the fire (the bot starts in one to three). */
const LEAD_SECONDS = 5;

const channelId = (i: number) => `19:benchChannel${String(i).padStart(5, '0')}@thread.tacv2`;

/** Writes `count` channels subscribed to the daily digest into a new SQLite store; returns its path. */
async function seedStore(count: number, serviceUrl: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'ws-bench-p6-')), 'watch.db');
  const stores = await openStore({ kind: 'sqlite', path });
  const now = new Date();
  for (let i = 0; i < count; i++) {
    const activity = botAddedToTeam({ serviceUrl, channelId: channelId(i) }) as unknown as Partial<Activity>;
    const conversation = conversationOf(activity, now);
    await stores.conversations.save(conversation);
    await stores.subscriptions.subscribe(conversation.id, 'daily', undefined, now);
  }
  await stores.records.close();
  return path;
}

/** The 6-field cron of one UTC second. */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

interface FireMeasure {
  conversations: number;
  delivered: number;
  throttled: number;
  defenderRequests: number;
  byPath: Record<string, number>;
  /** From the fire's first Defender request to the last post Teams accepted. */
  fanOutMs: number;
  /** From the scheduled second to the last post. */
  fromSlotMs: number;
  collectionMs?: number;
  botStartMs: number;
  readyBeforeSlot: boolean;
}

async function oneFire(
  simulator: SimulatorProcess,
  connector: RecordingConnector,
  count: number,
): Promise<FireMeasure> {
  const store = await seedStore(count, connector.url);
  const ids = new Set(Array.from({ length: count }, (_, i) => channelId(i)));
  // The slot is set before the bot starts (the cron is configuration); the bot is then given time to be ready.
  let bot: BotProcess | undefined;
  const startedAt = Date.now();
  try {
    const slot = new Date(Math.ceil((Date.now() + LEAD_SECONDS * 1000) / 1000) * 1000);
    bot = await startBot({
      SIMULATOR_URL: simulator.url,
      STORE: `sqlite:${store}`,
      DIGEST_DAILY_CRON: cronAt(slot),
      DIGEST_TIMEZONE: 'UTC',
      LOG_LEVEL: 'info',
    });
    // A bot not ready by the slot still fires it (its start-up sweep catches a missed slot up); noted, and the
    // fan-out is timed from the fire's first request anyway.
    const readyAt = Date.now();
    const readyBeforeSlot = readyAt < slot.getTime();
    await simulator.resetStats();
    const callsBefore = connector.calls.length;
    const posts = () =>
      connector.calls.slice(callsBefore).filter((c) => c.method === 'POST' && ids.has(c.conversationId));
    const deliveredIds = () =>
      new Set(
        posts()
          .filter((c) => c.status < 300)
          .map((c) => c.conversationId),
      );
    const timeoutMs = slot.getTime() - Date.now() + (count / TEAMS_SENDS_PER_SECOND) * 1000 * 3 + 30_000;
    await connector.waitFor(() => deliveredIds().size >= count, timeoutMs, `${count} digest posts`);
    const delivered = posts().filter((c) => c.status < 300);
    const lastAt = Math.max(...delivered.map((c) => c.at));
    const log = (await simulator.get('/_simulator/requests')) as { requests: { time: string }[] };
    const firstRequestAt = Math.min(...log.requests.map((r) => Date.parse(r.time)));
    const stats = statsDelta({ total: 0, byApi: {}, byPath: {}, byStatus: {} }, await simulator.stats());
    const collected = bot.logs().find((l) => typeof l.msg === 'string' && /digest collected with/.test(l.msg));
    return {
      conversations: count,
      delivered: deliveredIds().size,
      throttled: posts().filter((c) => c.status === 429).length,
      defenderRequests: stats.total,
      byPath: stats.byPath,
      fanOutMs: lastAt - firstRequestAt,
      fromSlotMs: lastAt - slot.getTime(),
      collectionMs: collected?.durationMs,
      botStartMs: readyAt - startedAt,
      readyBeforeSlot,
    };
  } finally {
    await bot?.stop();
  }
}

/** Runs P6. */
export async function digestFanOut(options: { quick: boolean }): Promise<ScenarioResult> {
  const count = options.quick ? 200 : 1000;
  const simulator = await startSimulatorProcess(DIGEST_TENANT, LATENCY_MS);
  const connector = await startRecordingConnector({ enforceTeamsLimits: true });
  try {
    const single = await oneFire(simulator, connector, 1);
    const many = await oneFire(simulator, connector, count);
    const boundMs = (count / TEAMS_SENDS_PER_SECOND) * 1000;
    const requestRatio = many.defenderRequests / single.defenderRequests;
    return {
      id: 'P6',
      title: `one daily fire to ${count.toLocaleString('en-US')} channels, Teams limits enforced`,
      figures: [
        {
          id: 'P6',
          figure: 'fan-out time ÷ rate-limit bound',
          value: many.fanOutMs / boundMs,
          measured: `${(many.fanOutMs / 1000).toFixed(1)} s; bound ${count} ÷ ${TEAMS_SENDS_PER_SECOND}/s = ${boundMs / 1000} s`,
          target: '≤ 1.1',
          met: many.fanOutMs / boundMs <= 1.1,
        },
        {
          id: 'P6',
          figure: `Defender requests, ${count} channels ÷ 1 channel`,
          value: requestRatio,
          measured: `${many.defenderRequests} vs ${single.defenderRequests} requests`,
          target: '= 1',
          met: requestRatio === 1,
        },
      ],
      details: { latencyMs: LATENCY_MS, single, many },
    };
  } finally {
    await connector.close();
    await simulator.stop();
  }
}
