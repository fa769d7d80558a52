/**
 * Card actions survive a restart (issue 3): the bot is killed while a scan it started is still running, a new
 * process starts on the same store, and the card still reaches its final state.
 */
import { startBot } from '../helpers/botProcess';
import {
  button,
  click,
  command,
  defenderRequests,
  freshDevice,
  install,
  startActionsEnv,
  statusHistory,
  statusOf,
  textOf,
  waitForCard,
  type ActionsEnv,
} from './actionsHarness';

let env: ActionsEnv;

beforeAll(async () => {
  // Each step of a simulated scan lasts 10 minutes, so however long the restart takes, the scan is still running
  // when the restarted bot is asked again; the test then moves the tenant's clock to the scan's end.
  env = await startActionsEnv({ stepSeconds: 600 });
  await install(env);
});

afterAll(async () => {
  await env?.close();
});

it('"After a restart in the middle of a scan, the card still reaches its final state."', async () => {
  const device = freshDevice(env);
  const { activityId, card } = await command(env, `scan ${device.name}`);
  const scan = button(card, 'Run antivirus scan');
  const answer = await click(env, scan.verb, scan.data, activityId);
  expect(statusOf(answer.card)).toBe('Pending');

  // A crash, not a clean stop: nothing gets the chance to hand over.
  await env.bot.kill();
  const restartedAt = Date.now();
  env.bot = await startBot(env.env);

  // The intent survived too: a click on the same button now shows the running scan and starts nothing.
  const again = await click(env, scan.verb, scan.data, activityId);
  expect(textOf(again.card)).toContain('Already running');

  env.simulator.tenant.advanceClock(2 * 600);
  await waitForCard(
    env,
    activityId,
    (c) => statusOf(c) === 'Succeeded',
    'the scan card to reach Succeeded after the restart',
    90_000,
  );
  const finalUpdate = env.connector
    .delivered()
    .filter((c) => c.method === 'PUT' && c.activityId === activityId)
    .find((c) => statusOf(c.body?.attachments?.[0]?.content) === 'Succeeded')!;
  expect(finalUpdate.at).toBeGreaterThan(restartedAt);
  expect(statusHistory(env, activityId)[0]).toBe('Pending');
  expect(statusHistory(env, activityId).at(-1)).toBe('Succeeded');
  expect(defenderRequests(env, 'POST', new RegExp(`^/api/machines/${device.id}/runAntiVirusScan$`))).toHaveLength(1);
});
