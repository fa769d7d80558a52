/**
 * The production configuration on Node 22 LTS, the runtime infra/azure.bicep deploys (`NODE|22-lts`): the bot runs
 * on Node 22 with `npm start`'s flags, keeps its state in Azure Tables (STORE=azure, on Azurite) and talks to
 * Defender through the live client (DEFENDER_SOURCE=live): tokens from a local Entra authority, the simulated
 * tenant served over HTTPS as its Graph and Defender for Endpoint APIs. Then the smoke path through /api/messages
 * with the recording connector: install, `help`, `show devices`, a scan click to its final status, `digest daily`.
 *
 * Node 22 is the npm package node@22 (it ships the binary), fetched with npx into npm's cache on the first run and
 * taken from there afterwards. package.json does not depend on it: its `node` bin would replace Node 20 in every npm
 * script. When it cannot be had (no registry and nothing cached) this test fails with one line saying so, under CI
 * and elsewhere: `npm ci` needs the same registry. SQLite stays out of this run: better-sqlite3 is compiled for the
 * Node that ran `npm ci` (NODE_MODULE_VERSION 115 for Node 20; Node 22 needs 127), and App Service runs STORE=azure.
 * The bot runs from src/ through the swc hook, as every end-to-end test does; @swc/core is a Node-API addon and
 * loads on both.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { ANALYST, APPROVER, channelMessage } from '../helpers/activities';
import { startAzurite, type RunningAzurite } from '../helpers/azurite';
import { nodeFlagsOf, startBot, type BotProcess } from '../helpers/botProcess';
import { startFakeCloud, type FakeCloud } from '../helpers/fakeCloud';
import { readableCardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';
import {
  button,
  click,
  command,
  install,
  statusHistory,
  statusOf,
  waitForCard,
  type Conversation,
} from './actionsHarness';

const ROOT = join(__dirname, '..', '..');
const NODE_22 = 'node@22';
const TABLE_PREFIX = `node22${randomUUID().slice(0, 8)}`;

/** One line per step into the test output, so the CI log shows what ran on Node 22. */
const say = (line: string): void => void process.stderr.write(`Node 22 smoke: ${line}\n`);

/** Runs `npx <args>` in the project; resolves with stdout or rejects with the last line of its error output. */
function npx(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npx', args, { cwd: ROOT, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const last = stderr.trim().split('\n').filter(Boolean).at(-1) ?? error.message;
      reject(new Error(last));
    });
  });
}

/** The Node 22 binary of the npm package node@22: from npm's cache when it is there, else from the registry. */
async function node22(): Promise<{ path: string; version: string }> {
  const script = ['--package', NODE_22, '--', 'node', '-p', 'process.execPath + "\\n" + process.version'];
  let output: string;
  try {
    output = await npx(['--yes', '--offline', ...script], 60_000);
  } catch {
    try {
      output = await npx(['--yes', ...script], 240_000);
    } catch (error) {
      throw new Error(
        `Node 22 could not be fetched as the npm package ${NODE_22} (the registry npm ci uses must be reachable ` +
          `once; npm caches it): ${(error as Error).message}`,
      );
    }
  }
  const [path, version] = output.trim().split('\n');
  return { path, version };
}

let runtime: { path: string; version: string };
let azurite: RunningAzurite;
let cloud: FakeCloud;
let connector: RecordingConnector;
let simulator: RunningSimulator;
let bot: BotProcess;
let conversation: Conversation;

beforeAll(async () => {
  const started = Date.now();
  runtime = await node22();
  say(`${runtime.version} from the npm package ${NODE_22} (${Date.now() - started} ms)`);
  [azurite, cloud, connector] = await Promise.all([startAzurite(), startFakeCloud(), startRecordingConnector()]);
  simulator = await startSimulator({
    seed: 7,
    actionStepSeconds: 2,
    alertIntervalMinutes: 0,
    requireAuth: true,
    tls: { cert: readFileSync(cloud.certificate.certPath), key: readFileSync(cloud.certificate.keyPath) },
  });
  const { port } = new URL(simulator.url);
  bot = await startBot(
    {
      ...cloud.env(),
      // The simulated tenant is both APIs, under two host names as Graph and Defender for Endpoint have.
      GRAPH_ENDPOINT: `https://127.0.0.1:${port}`,
      DEFENDER_ENDPOINT: `https://localhost:${port}`,
      STORE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_TABLE_PREFIX: TABLE_PREFIX,
      SECURITY_OPERATORS: ANALYST.aadObjectId,
      SECURITY_APPROVERS: APPROVER.aadObjectId,
      TRACKER_POLL_SECONDS: '1',
    },
    { node: runtime.path, nodeArgs: nodeFlagsOf('start'), timeoutMs: 60_000 },
  );
  conversation = { bot, connector };
  say(`bot up on ${runtime.version}: STORE=azure (Azurite), DEFENDER_SOURCE=live over https (${simulator.url})`);
}, 360_000);

afterAll(async () => {
  await bot?.stop();
  await simulator?.close();
  await connector?.close();
  await cloud?.close();
  await azurite?.stop();
});

/** The text of every card delivered so far. */
const cardTexts = (): string[] => connector.cards().map(({ card }) => readableCardText(card));

test('the bot runs on Node 22 with the production store and Defender source, and starts clean', async () => {
  expect(runtime.version).toMatch(/^v22\.\d+\.\d+$/);
  const health = await (await fetch(`${bot.url}/healthz`)).json();
  expect(health).toMatchObject({ status: 'ok', defenderSource: 'live', store: 'azure' });
  expect(bot.output()).not.toMatch(/DeprecationWarning/);
  expect(JSON.parse(bot.output().split('\n')[0])).toMatchObject({ service: 'watchstander' });
});

test('install: one welcome card in the channel', async () => {
  await install(conversation);
  await connector.waitFor(() => cardTexts().some((t) => t.includes('Watchstander is on watch')), 20_000, 'welcome');
  say('install → welcome card');
});

test('help answers with the commands', async () => {
  const { card } = await command(conversation, 'help');
  expect(readableCardText(card)).toContain('Watchstander commands');
  say('help → the commands card');
});

test('show devices, then "Run antivirus scan": the card follows the scan to its final status', async () => {
  const { activityId, card } = await command(conversation, 'show devices');
  expect(readableCardText(card)).toMatch(/Devices with active alerts or high risk/);
  const scan = button(card, 'Run antivirus scan');
  const answer = await click(conversation, scan.verb, scan.data, activityId);
  expect(answer.status).toBe(200);
  expect(statusOf(answer.card)).toBe('Pending');
  await waitForCard(conversation, activityId, (c) => statusOf(c) === 'Succeeded', 'the scan to succeed', 30_000);
  expect(statusHistory(conversation, activityId)).toEqual(['Pending', 'In progress', 'Succeeded']);
  const posts = simulator.tenant.requestLog().filter((e) => e.method === 'POST' && /runAntiVirusScan$/.test(e.path));
  expect(posts).toHaveLength(1);
  say(`show devices → scan clicked → ${statusHistory(conversation, activityId).join(' → ')}`);
}, 60_000);

test('digest daily posts the daily digest to the channel', async () => {
  const res = await bot.send(channelMessage('digest daily', { serviceUrl: connector.url }));
  expect(res.status).toBe(200);
  await connector.waitFor(() => cardTexts().some((t) => t.includes('Daily security digest')), 30_000, 'digest');
  const digest = cardTexts().find((t) => t.includes('Daily security digest'))!;
  expect(digest).toMatch(/Incidents/);
  expect(digest).not.toMatch(/Simulated tenant/);
  say('digest daily → daily digest posted');
}, 45_000);

test('every Graph and Defender call carried a bearer token of its own scope, and the state is in Azure Tables', async () => {
  const calls = simulator.tenant.requestLog().filter((e) => e.api === 'graph' || e.api === 'defender');
  expect(calls.filter((e) => e.api === 'graph').length).toBeGreaterThan(0);
  expect(calls.filter((e) => e.api === 'defender').length).toBeGreaterThan(0);
  const { port } = new URL(simulator.url);
  for (const call of calls) {
    const token = /^Bearer (\S+)$/.exec(call.authorization ?? '')?.[1];
    const scope = call.api === 'graph' ? `https://127.0.0.1:${port}/.default` : cloud.defenderScope;
    expect({ path: call.path, scope: token && cloud.scopeOf(token) }).toEqual({ path: call.path, scope });
  }

  const tableOptions = { allowInsecureConnection: true };
  const rows = async (table: string): Promise<number> => {
    const name = `${TABLE_PREFIX}${table[0].toUpperCase()}${table.slice(1)}`;
    const client = TableClient.fromConnectionString(azurite.connectionString, name, tableOptions);
    let count = 0;
    for await (const _entity of client.listEntities()) count++;
    return count;
  };
  expect(await rows('conversations')).toBeGreaterThan(0);
  expect(await rows('audit')).toBeGreaterThan(0);
  say(`${calls.length} Graph/Defender calls over https, each with its own scope's token; state in Azure Tables`);
});
