/**
 * Card actions end to end (issue 3): the real bot as a child process, the simulated tenant in this process as its
 * Defender, and a recording Bot Framework connector as `serviceUrl`. Each acceptance line of the issue is quoted in
 * a test name; the behaviours behind them (buttons, authorization, refusals, audit, `scan <device>`) come after.
 */
import { expireOverdueRequests } from '../../src/actions/expiry';
import { loadConfig } from '../../src/config';
import type { Services } from '../../src/services';
import { repositories } from '../../src/store';
import { SqliteRecordStore } from '../../src/store/sqlite';
import { ANALYST, APPROVER, OUTSIDER } from '../helpers/activities';
import { executeActions } from '../helpers/recordingConnector';
import { testMembers } from '../helpers/members';
import {
  button,
  click,
  CLEO,
  command,
  defenderRequests,
  DREW,
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
      SECURITY_OPERATORS: ids(ANALYST, APPROVER, CLEO, DREW),
      SECURITY_APPROVERS: ids(APPROVER, CLEO, DREW),
    },
  });
  await install(env);
});

afterAll(async () => {
  await env?.close();
});

/** Posts `scan <name>` and returns the device card and its activity id. */
async function deviceCardOf(name: string, user = ANALYST) {
  const answer = await command(env, `scan ${name}`, user);
  expect(textOf(answer.card)).toContain(name);
  return answer;
}

const scanPath = (id: string) => new RegExp(`^/api/machines/${id}/runAntiVirusScan$`);
const isolatePath = (id: string) => new RegExp(`^/api/machines/${id}/isolate$`);

describe('issue 3 acceptance', () => {
  it('"A click on `Run antivirus scan` sends exactly one `runAntiVirusScan` POST for that device; the card in the conversation then shows Pending, InProgress and Succeeded as the simulator progresses."', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const scan = button(card, 'Run antivirus scan');
    expect(scan).toMatchObject({ verb: 'scan', data: { deviceId: device.id, scanType: 'Quick' } });

    const answer = await click(env, scan.verb, scan.data, activityId);
    expect(answer.status).toBe(200);
    expect(statusOf(answer.card)).toBe('Pending');

    await waitForCard(env, activityId, (c) => statusOf(c) === 'Succeeded', 'the scan card to reach Succeeded');
    expect(statusHistory(env, activityId)).toEqual(['Pending', 'In progress', 'Succeeded']);
    expect(defenderRequests(env, 'POST', scanPath(device.id))).toHaveLength(1);
    // The card was followed with GET machineactions/{id}, and Defender was told who asked.
    expect(defenderRequests(env, 'GET', /^\/api\/machineactions\/[0-9a-f-]{36}$/).length).toBeGreaterThanOrEqual(2);
    const action = device.actions!.at(-1)!;
    expect(action.comment).toBe(
      `Antivirus scan (Quick) requested by Ann Analyst (aad:${ANALYST.aadObjectId}) from Microsoft Teams via Watchstander`,
    );
    expect(textOf(latestCard(env, activityId))).toContain('Ann Analyst');
  });

  it('"Ten identical invokes sent concurrently, and a repeat after one second, result in one POST."', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const scan = button(card, 'Run antivirus scan');
    // Ten at once, by two people (a double-click, a retried invoke and a colleague on the same button).
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => click(env, scan.verb, scan.data, activityId, i % 2 ? ANALYST : APPROVER)),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const repeat = await click(env, scan.verb, scan.data, activityId);

    expect(defenderRequests(env, 'POST', scanPath(device.id))).toHaveLength(1);
    expect([...answers, repeat].every((a) => a.status === 200)).toBe(true);
    const shownRunning = [...answers, repeat].filter((a) => textOf(a.card).includes('Already running'));
    expect(shownRunning).toHaveLength(10);
    expect(textOf(repeat.card)).toContain(device.name);
    // The Full scan button is the same intent ("scan this device"): it starts nothing either.
    const full = button(card, 'Full scan');
    await click(env, full.verb, full.data, activityId);
    expect(defenderRequests(env, 'POST', scanPath(device.id))).toHaveLength(1);
  });

  it('"A click by a user outside `SECURITY_OPERATORS` sends nothing to Defender, answers with the reason, is audited."', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const before = env.connector.calls.length;
    for (const title of ['Run antivirus scan', 'Start investigation', 'Request isolation']) {
      const b = button(card, title);
      const answer = await click(env, b.verb, b.data, activityId, OUTSIDER);
      expect(answer.status).toBe(200);
      expect(textOf(answer.card)).toContain(
        'Only security operators can run scans, start investigations or request isolation',
      );
    }
    expect(defenderRequests(env, 'POST', new RegExp(device.id))).toHaveLength(0);
    // Nothing changed for the others: the clicked card was not replaced.
    expect(env.connector.calls.slice(before).filter((c) => c.method === 'PUT')).toHaveLength(0);

    const audit = await command(env, 'show audit', APPROVER);
    const text = textOf(audit.card);
    expect(text).toContain('Olly Outsider');
    expect(text).toMatch(/refused[\s\S]*not in SECURITY_OPERATORS/);
    expect(text).toContain(device.name);
  });

  it('"The requester approving their own isolation request sends nothing; an approver\'s Approve sends exactly one `isolate` POST" (three approvers clicking at once)', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name, APPROVER);
    const isolate = button(card, 'Request isolation');
    expect(isolate).toMatchObject({ verb: 'requestIsolation', data: { deviceId: device.id, isolationType: 'Full' } });

    const requested = await click(env, isolate.verb, isolate.data, activityId, APPROVER);
    expect(requested.status).toBe(200);
    const requestText = textOf(requested.card);
    expect(requestText).toContain('Remediation request: Isolation (Full)');
    expect(requestText).toContain('Bob Approver');
    expect(requestText).toContain('Pending: waiting for an approver');
    const approve = button(requested.card, 'Approve');
    button(requested.card, 'Reject');

    const own = await click(env, approve.verb, approve.data, activityId, APPROVER);
    expect(textOf(own.card)).toContain('a second person must approve or reject it');
    expect(defenderRequests(env, 'POST', isolatePath(device.id))).toHaveLength(0);

    const decisions = await Promise.all(
      [CLEO, DREW, CLEO].map((who) => click(env, approve.verb, approve.data, activityId, who)),
    );
    expect(decisions.every((d) => d.status === 200)).toBe(true);
    expect(defenderRequests(env, 'POST', isolatePath(device.id))).toHaveLength(1);
    const approver = textOf(
      decisions.find((d) => /Approved by/.test(textOf(d.card)) && !/Already/.test(textOf(d.card)))!.card,
    ).match(/Approved by (Cleo Checker|Drew Deputy)/)![1];
    expect(device.actions!.at(-1)!.comment).toContain(
      `requested by Bob Approver (aad:${APPROVER.aadObjectId}) and approved by ${approver}`,
    );

    // The request card follows the isolation to its end.
    await waitForCard(
      env,
      activityId,
      (c) => /Action status\s*Succeeded/.test(textOf(c)),
      'the isolation to succeed on the request card',
    );
    expect(textOf(latestCard(env, activityId))).toContain(`Approved by ${approver}`);
  });

  it('"Reject … send[s] none": a rejected request closes and never reaches Defender', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const isolate = button(card, 'Selective isolation');
    const requested = await click(env, isolate.verb, isolate.data, activityId, ANALYST);
    const reject = button(requested.card, 'Reject');
    const rejected = await click(env, reject.verb, reject.data, activityId, APPROVER);
    expect(textOf(rejected.card)).toContain('Rejected by Bob Approver');
    expect(executeActions(rejected.card)).toHaveLength(0);
    // An Approve that arrives after the rejection starts nothing.
    const late = await click(env, 'approve', reject.data, activityId, CLEO);
    expect(textOf(late.card)).toContain('Already rejected by Bob Approver');
    expect(defenderRequests(env, 'POST', new RegExp(`^/api/machines/${device.id}/`))).toHaveLength(0);
  });

  it('"… and expiry (with a controllable clock) send none"; `show pending actions` lists the open request with Approve/Reject until then', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const isolate = button(card, 'Request isolation');
    const requested = await click(env, isolate.verb, isolate.data, activityId, ANALYST);
    const approve = button(requested.card, 'Approve');

    const pending = await command(env, 'show pending actions', APPROVER);
    expect(executeActions(pending.card)).toEqual(
      expect.arrayContaining([
        { title: 'Approve', verb: 'approve', data: approve.data },
        { title: 'Reject', verb: 'reject', data: approve.data },
      ]),
    );

    // The expiry sweep, run on the bot's store with a clock 25 hours ahead (APPROVAL_TTL_HOURS is 24).
    const store = new SqliteRecordStore(env.storePath);
    const updates: { activityId: string; card: unknown }[] = [];
    const later = new Date(Date.now() + 25 * 3_600_000);
    const config = loadConfig({ SIMULATOR_URL: env.simulator.url, STORE: `sqlite:${env.storePath}` });
    const services: Services = {
      config,
      log: (await import('pino')).default({ level: 'silent' }),
      defender: undefined as never, // expiry never calls Defender
      stores: repositories(store),
      messenger: {
        post: async () => undefined,
        update: async (_c, id, c) => void updates.push({ activityId: id, card: c }),
      },
      members: testMembers(config),
      now: () => later,
      instanceId: 'expiry-test',
    };
    try {
      const expired = await expireOverdueRequests(services);
      expect(expired.map((r) => r.id)).toEqual([approve.data.requestId]);
      expect(updates.map((u) => u.activityId)).toEqual([activityId]);
      expect(textOf(updates[0].card)).toContain('Expired at');
    } finally {
      await store.close();
    }

    const tooLate = await click(env, approve.verb, approve.data, activityId, APPROVER);
    expect(textOf(tooLate.card)).toMatch(/Expired at/);
    expect(executeActions(tooLate.card)).toHaveLength(0);
    expect(defenderRequests(env, 'POST', new RegExp(`^/api/machines/${device.id}/`))).toHaveLength(0);
    const stillPending = await command(env, 'show pending actions', APPROVER);
    expect(JSON.stringify(stillPending.card)).not.toContain(approve.data.requestId);
  });

  it('"Tampered clicks (device id `../x`, an unknown verb, missing or extra fields, a 1 MB string) send nothing to Defender and get a 4xx or an "invalid request" card; the bot keeps answering."', async () => {
    const device = freshDevice(env);
    const { activityId } = await deviceCardOf(device.name);
    const before = env.simulator.tenant.requestLog().length;
    const tampered: [unknown, unknown][] = [
      ['scan', { deviceId: '../x', scanType: 'Quick' }],
      ['scan', { deviceId: `${device.id}/../../isolate`, scanType: 'Quick' }],
      ['wipeDevice', { deviceId: device.id }],
      [42, { deviceId: device.id }],
      ['scan', { deviceId: device.id }],
      ['scan', { deviceId: device.id, scanType: 'Quick', comment: 'extra' }],
      ['approve', {}],
      ['scan', { deviceId: 'a'.repeat(1024 * 1024), scanType: 'Quick' }],
      ['requestIsolation', { deviceId: device.id, isolationType: 'x'.repeat(1024 * 1024) }],
    ];
    for (const [verb, data] of tampered) {
      const answer = await click(env, verb, data, activityId);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    expect(env.simulator.tenant.requestLog().slice(before)).toEqual([]);
    // Still answering: a command, a valid click, and the health probe.
    expect(textOf((await command(env, 'help')).card)).toContain('scan');
    expect((await fetch(`${env.bot.url}/healthz`)).status).toBe(200);
    const audit = textOf((await command(env, 'show audit', APPROVER)).card);
    expect(audit).toContain('invalid');
  });

  it('"With 10 s simulator latency, the invoke is still answered within 5 s and the card is updated when the call ends."', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const scan = button(card, 'Run antivirus scan');
    await fetch(`${env.simulator.url}/_simulator/latency`, { method: 'PUT', body: JSON.stringify({ ms: 10_000 }) });
    let answer: Awaited<ReturnType<typeof click>>;
    try {
      answer = await click(env, scan.verb, scan.data, activityId);
    } finally {
      // Requests already waiting keep their 10 s; the status checks after them are fast again.
      await fetch(`${env.simulator.url}/_simulator/latency`, { method: 'PUT', body: JSON.stringify({ ms: 0 }) });
    }
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(5000);
    expect(statusOf(answer.card)).toBe('Requested — waiting for Defender');
    await waitForCard(
      env,
      activityId,
      (c) => ['Pending', 'In progress', 'Succeeded'].includes(statusOf(c) ?? ''),
      'the card to show Defender’s answer',
      25_000,
    );
    expect(defenderRequests(env, 'POST', scanPath(device.id))).toHaveLength(1);
  });
});

describe('buttons, investigations, releases and refusals', () => {
  it('Start investigation sends one startInvestigation and follows the investigation on the card', async () => {
    const device = freshDevice(env);
    const { activityId, card } = await deviceCardOf(device.name);
    const investigate = button(card, 'Start investigation');
    const answer = await click(env, investigate.verb, investigate.data, activityId);
    expect(statusOf(answer.card)).toBe('Running');
    await waitForCard(
      env,
      activityId,
      (c) => statusOf(c) === 'Benign' || statusOf(c) === 'Pending approval',
      'the investigation to end',
      25_000,
    );
    expect(defenderRequests(env, 'POST', new RegExp(`^/api/machines/${device.id}/startInvestigation$`))).toHaveLength(
      1,
    );
    expect(defenderRequests(env, 'GET', /^\/api\/investigations\/\d+$/).length).toBeGreaterThanOrEqual(1);
  });

  it('an isolated device offers Request release; an approved release sends one unisolate', async () => {
    const isolated = env.simulator.tenant.facts.devices.isolated!;
    const { activityId, card } = await deviceCardOf(isolated.name);
    expect(executeActions(card).map((a) => a.title)).not.toContain('Request isolation');
    const release = button(card, 'Request release');
    const requested = await click(env, release.verb, release.data, activityId, ANALYST);
    expect(textOf(requested.card)).toContain('Release from isolation');
    const approve = button(requested.card, 'Approve');
    await click(env, approve.verb, approve.data, activityId, CLEO);
    expect(defenderRequests(env, 'POST', new RegExp(`^/api/machines/${isolated.id}/unisolate$`))).toHaveLength(1);
  });

  it('Defender refusals are readable: a scan already running, an offboarded device, an unsupported OS', async () => {
    const { pendingAction, offboarded, unsupportedOs } = env.simulator.tenant.facts.devices;
    const cases = [
      [pendingAction!, `a scan is already running on ${pendingAction!.name}`],
      [
        offboarded!,
        `not allowed on ${offboarded!.name} (runantivirusscan is not allowed on machine ${offboarded!.id}: the machine is offboarded)`,
      ],
      [unsupportedOs!, `the operating system of ${unsupportedOs!.name} does not support antivirus scans`],
    ] as const;
    for (const [device, reason] of cases) {
      const answer = await click(env, 'scan', { deviceId: device.id, scanType: 'Quick' }, 'some-card');
      expect(answer.status).toBe(200);
      expect(textOf(answer.card).toLowerCase()).toContain(reason.toLowerCase());
    }
  });

  it('`scan <device name>` never scans; several matches offer a choice, and none says so', async () => {
    const before = defenderRequests(env, 'POST', /./).length;
    const several = await command(env, 'scan srv');
    expect(textOf(several.card)).toMatch(/\d+ devices match/);
    const show = executeActions(several.card).find((a) => a.verb === 'showDevice')!;
    const shown = await click(env, show.verb, show.data, several.activityId);
    expect(executeActions(shown.card).map((a) => a.title)).toEqual(
      expect.arrayContaining(['Run antivirus scan', 'Full scan', 'Start investigation']),
    );

    const none = await command(env, 'scan no-such-device-anywhere');
    expect(textOf(none.card)).toContain('No device matched');
    const full = await command(env, `scan ${freshDevice(env).name} full`);
    expect(executeActions(full.card)[0].title).toBe('Full scan');
    expect(defenderRequests(env, 'POST', /./)).toHaveLength(before);
  });

  it('`show audit` is for approvers only', async () => {
    const refused = await command(env, 'show audit', ANALYST);
    expect(textOf(refused.card)).toContain('Only security approvers can see the audit log');
    const shown = await command(env, 'show audit', APPROVER);
    expect(textOf(shown.card)).toContain('Audit log');
  });
});
