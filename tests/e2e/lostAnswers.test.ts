/**
 * Issue 10 acceptance: "A scan, an investigation and an isolation whose POST answer is lost each end with the card
 * showing the action Defender really has." The real bot as a child process, the simulated tenant in this process
 * losing the answers after the action started (connection reset, or no answer until the bot's timeout), and the
 * recording connector as Teams.
 */
import { ANALYST, APPROVER } from '../helpers/activities';
import {
  button,
  click,
  CLEO,
  command,
  defenderRequests,
  freshDevice,
  install,
  latestCard,
  startActionsEnv,
  statusHistory,
  statusOf,
  textOf,
  waitForCard,
  type ActionsEnv,
} from './actionsHarness';

const ids = (...users: { aadObjectId: string }[]) => users.map((u) => u.aadObjectId).join(',');

let env: ActionsEnv;

beforeAll(async () => {
  env = await startActionsEnv({
    stepSeconds: 2,
    env: {
      SECURITY_OPERATORS: ids(ANALYST, APPROVER, CLEO),
      SECURITY_APPROVERS: ids(APPROVER, CLEO),
      // An answer that never comes is given up after 2 s (the default is 30 s).
      DEFENDER_TIMEOUT_MS: '2000',
    },
  });
  await install(env);
});

afterAll(async () => {
  await env?.close();
});

/** The next POST to `verb` on `deviceId` starts its action and then loses its answer (`kind`). */
function loseNextAnswer(deviceId: string, verb: string, kind: 'resetAfterAction' | 'hangAfterAction'): void {
  env.simulator.tenant.setFaults({
    rules: [{ path: `/api/machines/${deviceId}/${verb}$`, method: 'POST', kind, count: 1 }],
  });
}

/** Whatever the card showed: never a refusal, never "not started" or "not confirmed". */
function expectNeverRefused(activityId: string, answerCard: unknown): void {
  const shown = [
    textOf(answerCard),
    ...env.connector
      .delivered()
      .filter((c) => c.method === 'PUT' && c.activityId === activityId)
      .map((c) => textOf(c.body?.attachments?.[0]?.content)),
  ];
  for (const text of shown) expect(text).not.toMatch(/refused|was not started|not confirmed|Failed:/i);
}

afterEach(() => env.simulator.tenant.clearFaults());

describe('issue 10 acceptance: a POST whose answer is lost ends with the card showing the action Defender has', () => {
  it('a scan whose connection is reset after Defender started it: the card follows that scan to Succeeded', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await command(env, `scan ${device.name}`);
    loseNextAnswer(device.id, 'runAntiVirusScan', 'resetAfterAction');
    const scan = button(card, 'Run antivirus scan');
    const answer = await click(env, scan.verb, scan.data, activityId);
    expect(answer.status).toBe(200);

    await waitForCard(env, activityId, (c) => statusOf(c) === 'Succeeded', 'the scan to reach Succeeded');
    const action = device.actions!.at(-1)!;
    expect(device.actions).toHaveLength(1);
    expect(textOf(latestCard(env, activityId))).toContain(action.id);
    expect(defenderRequests(env, 'POST', new RegExp(`/api/machines/${device.id}/runAntiVirusScan$`))).toHaveLength(1);
    const lost = env.simulator.tenant.requestLog().filter((e) => e.fault === 'resetAfterAction');
    expect(lost).toHaveLength(1);
    expect(statusHistory(env, activityId).at(-1)).toBe('Succeeded');
    expectNeverRefused(activityId, answer.card);
  });

  it('an investigation whose answer never comes: the card shows the investigation Defender started', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await command(env, `scan ${device.name}`);
    loseNextAnswer(device.id, 'startInvestigation', 'hangAfterAction');
    const investigate = button(card, 'Start investigation');
    const answer = await click(env, investigate.verb, investigate.data, activityId);
    expect(answer.status).toBe(200);

    const investigation = () => env.simulator.tenant.data.investigations.filter((i) => i.device.id === device.id);
    await waitForCard(
      env,
      activityId,
      (c) => ['Running', 'Benign', 'Pending approval'].includes(statusOf(c) ?? ''),
      'the investigation Defender started to show on the card',
      25_000,
    );
    expect(investigation()).toHaveLength(1);
    expect(env.simulator.tenant.requestLog().filter((e) => e.fault === 'hangAfterAction')).toHaveLength(1);
    expect(textOf(latestCard(env, activityId))).toContain(String(investigation()[0].id));
    expect(defenderRequests(env, 'POST', new RegExp(`/api/machines/${device.id}/startInvestigation$`))).toHaveLength(1);
    expectNeverRefused(activityId, answer.card);
  });

  it('an approved isolation whose connection is reset: the request card follows that isolation to Succeeded', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await command(env, `scan ${device.name}`);
    const isolate = button(card, 'Request isolation');
    const requested = await click(env, isolate.verb, isolate.data, activityId, ANALYST);
    const approve = button(requested.card, 'Approve');
    loseNextAnswer(device.id, 'isolate', 'resetAfterAction');
    const approved = await click(env, approve.verb, approve.data, activityId, CLEO);
    expect(approved.status).toBe(200);

    await waitForCard(
      env,
      activityId,
      (c) => /Action status\s*Succeeded/.test(textOf(c)),
      'the isolation Defender started to succeed on the request card',
      25_000,
    );
    expect(textOf(latestCard(env, activityId))).toContain('Approved by Cleo Checker');
    expect(device.actions?.filter((a) => a.type === 'Isolate')).toHaveLength(1);
    expect(
      env.simulator.tenant.requestLog().filter((e) => e.fault === 'resetAfterAction').length,
    ).toBeGreaterThanOrEqual(2);
    expect(defenderRequests(env, 'POST', new RegExp(`/api/machines/${device.id}/isolate$`))).toHaveLength(1);
    expectNeverRefused(activityId, approved.card);
    const audit = textOf((await command(env, 'show audit', APPROVER)).card);
    expect(audit).toMatch(/answer was lost/);
  });
});
