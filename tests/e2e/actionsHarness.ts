/**
 * Shared set-up of the card-action end-to-end tests: a simulated tenant in the test process, a recording
 * connector as `serviceUrl`, and the real bot as a child process, plus small helpers to post commands, click
 * buttons and read what Defender was sent and what the cards show.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { DeviceRecord } from '../../src/simulator/records';
import { botAddedToTeam, cardClick, channelMessage, type TestUser } from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import {
  executeActions,
  readable,
  readableCardText,
  startRecordingConnector,
  type RecordingConnector,
} from '../helpers/recordingConnector';

/** A second and third approver, for two-person and concurrent approvals. */
export const CLEO: TestUser = {
  id: '29:1cleo-teams-id',
  name: 'Cleo Checker',
  aadObjectId: '6a1f4c2e-4444-4a5b-9c3d-000000000004',
};
export const DREW: TestUser = {
  id: '29:1drew-teams-id',
  name: 'Drew Deputy',
  aadObjectId: '6a1f4c2e-5555-4a5b-9c3d-000000000005',
};

/** One test environment. */
export interface ActionsEnv {
  simulator: RunningSimulator;
  connector: RecordingConnector;
  bot: BotProcess;
  storePath: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** What the conversation helpers below need: a bot and the connector it answers through. */
export type Conversation = Pick<ActionsEnv, 'bot' | 'connector'>;

/** Starts the simulator, the connector and a bot (`TRACKER_POLL_SECONDS=1`, actions step every `stepSeconds`). */
export async function startActionsEnv(options: {
  stepSeconds: number;
  env?: Record<string, string>;
}): Promise<ActionsEnv> {
  const simulator = await startSimulator({
    seed: 7,
    devices: 40,
    actionStepSeconds: options.stepSeconds,
    alertIntervalMinutes: 0,
  });
  const connector = await startRecordingConnector();
  const storePath = join(mkdtempSync(join(tmpdir(), 'ws-actions-')), 'watch.db');
  const env = {
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${storePath}`,
    TRACKER_POLL_SECONDS: '1',
    LOG_LEVEL: 'warn',
    // These tests click and ask far faster than people do, against a simulated tenant without quotas: the command
    // rate limits and the chat share of the quota (tests/e2e/quota.test.ts) are not what they are about.
    COMMAND_LIMIT_PER_PERSON: '1000000',
    COMMAND_LIMIT_PER_CONVERSATION: '1000000',
    CHAT_QUOTA_SHARE: 'off',
    ...options.env,
  };
  const bot = await startBot(env);
  const result: ActionsEnv = {
    simulator,
    connector,
    bot,
    storePath,
    env,
    async close() {
      await result.bot.stop();
      await connector.close();
      await simulator.close();
    },
  };
  return result;
}

/** All readable text of a card. */
export function textOf(card: unknown): string {
  return readableCardText(card);
}

/** The `Status` fact of an action card. */
export function statusOf(card: unknown): string | undefined {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.title === 'Status' && typeof o.value === 'string') found ??= readable(o.value);
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return found;
}

/** Installs the bot in the test channel. */
export async function install(env: Conversation): Promise<void> {
  const { status } = await env.bot.send(botAddedToTeam({ serviceUrl: env.connector.url }));
  expect(status).toBe(200);
}

/** Sends "@Watchstander <text>" as `user`; returns the card the bot answered with and the activity id it lives at. */
export async function command(
  env: Conversation,
  text: string,
  user?: TestUser,
): Promise<{ activityId: string; card: any }> {
  const before = env.connector.calls.length;
  const { status } = await env.bot.send(channelMessage(text, { serviceUrl: env.connector.url, user }));
  expect(status).toBe(200);
  const reply = env.connector.calls.slice(before).find((c) => c.method === 'POST' && c.createdId);
  const card = reply?.body?.attachments?.[0]?.content;
  if (!reply || !card) throw new Error(`no card answered "${text}"`);
  return { activityId: reply.createdId!, card };
}

/** The `Action.Execute` of a card with this title. */
export function button(card: unknown, title: string): { verb: string; data: any } {
  const found = executeActions(card).find((a) => a.title === title);
  if (!found)
    throw new Error(
      `no "${title}" button; buttons: ${executeActions(card)
        .map((a) => a.title)
        .join(', ')}`,
    );
  return found;
}

/** Clicks a button of the card at `activityId`; returns the invoke answer, its card and how long it took. */
export async function click(env: Conversation, verb: unknown, data: unknown, activityId: string, user?: TestUser) {
  const started = Date.now();
  const { status, body } = await env.bot.send(
    cardClick(verb, data, activityId, { serviceUrl: env.connector.url, user }),
  );
  return { status, body, card: body?.value, ms: Date.now() - started };
}

/** Defender requests the simulator received with this method whose path matches. */
export function defenderRequests(env: ActionsEnv, method: string, path: RegExp) {
  return env.simulator.tenant
    .requestLog()
    .filter((e) => e.api === 'defender' && e.method === method && path.test(e.path));
}

/** Every state the card at `activityId` was put in (answers and updates), in order, as its Status fact. */
export function statusHistory(env: Conversation, activityId: string): string[] {
  const statuses = env.connector
    .delivered()
    .filter((c) => c.method === 'PUT' && c.activityId === activityId)
    .map((c) => statusOf(c.body?.attachments?.[0]?.content))
    .filter((s): s is string => s !== undefined);
  return statuses.filter((s, i) => i === 0 || statuses[i - 1] !== s);
}

/** The card now shown at `activityId`. */
export function latestCard(env: Conversation, activityId: string): any {
  return env.connector.latestCards().get(activityId);
}

/** Waits until the card at `activityId` satisfies `predicate`. */
export async function waitForCard(
  env: Conversation,
  activityId: string,
  predicate: (card: any) => boolean,
  what: string,
  timeoutMs = 20_000,
) {
  await env.connector.waitFor(
    () => {
      const card = latestCard(env, activityId);
      return card !== undefined && predicate(card);
    },
    timeoutMs,
    what,
  );
}

const used = new Set<string>();

/** A healthy onboarded Windows device no other test used: scans, investigations and isolation all work on it. */
export function freshDevice(env: ActionsEnv): DeviceRecord {
  const roles = new Set(Object.values(env.simulator.tenant.facts.devices).map((d) => d?.id));
  const device = env.simulator.tenant.data.devices.find(
    (d) =>
      !used.has(d.id) &&
      !roles.has(d.id) &&
      d.health === 'Active' &&
      d.onboarding === 'Onboarded' &&
      d.os.canScan &&
      d.os.canIsolate &&
      d.os.canInvestigate &&
      (d.actions ?? []).length === 0 &&
      // a unique name prefix, so `scan <name>` finds exactly this device
      env.simulator.tenant.data.devices.filter((o) => o.name.toLowerCase().startsWith(d.name.toLowerCase())).length ===
        1,
  );
  if (!device) throw new Error('no fresh device left in the simulated tenant');
  used.add(device.id);
  return device;
}
