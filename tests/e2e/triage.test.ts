/**
 * Incident triage end to end over HTTPS: the real server on the live path (`DEFENDER_SOURCE=live`), app-only tokens
 * from the fake token authority, every Graph call over https to the fake cloud, which checks the token and passes the
 * call on to the simulated tenant (whose request log counts each PATCH and comment). Teams is the recording
 * connector, which also answers the member lookup the bot makes to learn who clicked.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import {
  ANALYST,
  APPROVER,
  botAddedToTeam,
  cardClick,
  channelMessage,
  OUTSIDER,
  TEAM_ID,
  type TestUser,
} from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { postedDigests, waitForDigest } from '../helpers/digests';
import { startFakeCloud, type FakeCloud } from '../helpers/fakeCloud';
import { readableCardText, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

jest.setTimeout(120_000);

const CLEO: TestUser = {
  id: '29:1cleo-teams-id',
  name: 'Cleo Checker',
  aadObjectId: '6a1f4c2e-4444-4a5b-9c3d-000000000004',
  userPrincipalName: 'cleo.checker@contoso.com',
};

let simulator: RunningSimulator;
let cloud: FakeCloud;
let connector: RecordingConnector;
let bot: BotProcess;
/** When the analyst's assignment on the digest was made, and on which incident. */
let assigned: { id: string; at: number } | undefined;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 7, alertIntervalMinutes: 0 });
  cloud = await startFakeCloud({ upstream: simulator.url });
  connector = await startRecordingConnector({ members: [ANALYST, APPROVER, OUTSIDER, CLEO] });
  bot = await startBot({
    ...cloud.env(),
    STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-triage-')), 'watch.db')}`,
    SECURITY_OPERATORS: [ANALYST, APPROVER, CLEO].map((u) => u.aadObjectId).join(','),
    SECURITY_APPROVERS: APPROVER.aadObjectId,
    DIGEST_DAILY_CRON: '*/10 * * * * *',
    DIGEST_CATCHUP_SECONDS: '2',
    DIGEST_FIRE_LEASE_SECONDS: '10',
    LOG_LEVEL: 'warn',
  });
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
});

afterAll(async () => {
  await bot?.stop();
  await connector?.close();
  await cloud?.close();
  await simulator?.close();
});

/** One incident row of a card: its id, title line, state line and buttons. */
interface Row {
  id: string;
  title: string;
  facts: string;
  buttons: { title: string; verb: string; data: any }[];
}

function rowsOf(card: unknown): Row[] {
  const rows: Row[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.type === 'Column' && Array.isArray(node.items)) {
      const state = node.items.find((i: any) => typeof i?.id === 'string' && i.id.startsWith('incident-state-'));
      if (state) {
        rows.push({
          id: state.id.slice('incident-state-'.length),
          title: readableCardText(node.items[0]),
          facts: readableCardText(state.items[0]),
          buttons: state.items[1].actions.filter((a: any) => a.type === 'Action.Execute'),
        });
        return;
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(card);
  return rows;
}

/** "@Watchstander <text>" by `user`; the card of the reply and its activity id. */
async function command(text: string, user: TestUser): Promise<{ activityId: string; card: any }> {
  const before = connector.calls.length;
  expect((await bot.send(channelMessage(text, { serviceUrl: connector.url, user }))).status).toBe(200);
  const reply = connector.calls.slice(before).find((c) => c.method === 'POST' && c.createdId);
  if (!reply) throw new Error(`no reply to "${text}"`);
  return { activityId: reply.createdId!, card: reply.body.attachments[0].content };
}

/** Clicks `verb` with `data` on the card at `activityId`; the invoke's status and the card it answered. */
async function click(user: TestUser, verb: string, data: unknown, activityId: string) {
  const { status, body } = await bot.send(cardClick(verb, data, activityId, { serviceUrl: connector.url, user }));
  return { status, card: body?.value, text: readableCardText(body?.value) };
}

/** The PATCH and comment requests the tenant received for an incident. */
function writes(id: string) {
  const log = simulator.tenant.requestLog();
  return {
    patches: log.filter((e) => e.method === 'PATCH' && e.path === `/v1.0/security/incidents/${id}`),
    comments: log.filter((e) => e.method === 'POST' && e.path === `/v1.0/security/incidents/${id}/comments`),
  };
}

/** The card now shown at `activityId` to everyone (after updates). */
function shownCard(activityId: string): any {
  return connector.latestCards().get(activityId);
}

const record = (id: string) => simulator.tenant.data.incidentsById.get(Number(id))!;

test('Assign to me on the daily digest: one PATCH with the clicker’s UPN from Teams, the row changes for everyone', async () => {
  const digest = await waitForDigest(connector, 'daily', 1, 30_000);
  const row = rowsOf(digest.card).find((r) => r.buttons.some((b) => b.title === 'Assign to me'));
  if (!row) throw new Error('the first daily digest has no unassigned incident');
  const assign = row.buttons.find((b) => b.title === 'Assign to me')!;
  const lookupsBefore = connector.memberLookups().length;

  const answer = await click(ANALYST, assign.verb, assign.data, digest.activityId);
  assigned = { id: row.id, at: Date.now() };
  expect(answer.status).toBe(200);
  expect(answer.text).toContain(`Incident ${row.id} is now assigned to you (ann.analyst@contoso.com).`);

  // One PATCH, over https with the Graph token, carrying the UPN Teams gave (the card only carried the id).
  expect(writes(row.id).patches).toHaveLength(1);
  expect(record(row.id).assignedTo).toBe('ann.analyst@contoso.com');
  const patch = cloud.apiCalls.filter((c) => c.method === 'PATCH');
  expect(patch.map((c) => [c.path, c.tokenScope, c.status])).toEqual([
    [`/v1.0/security/incidents/${row.id}`, cloud.graphScope, 200],
  ]);
  const lookups = connector.memberLookups().slice(lookupsBefore);
  expect(lookups.map((c) => c.path)).toEqual([`/v3/conversations/${TEAM_ID}/members/${ANALYST.id}`]);

  // Everyone sees the digest with that row changed, and only that row.
  const shown = shownCard(digest.activityId);
  const after = rowsOf(shown).find((r) => r.id === row.id)!;
  expect(after.facts).toContain('assigned to ann.analyst@contoso.com');
  expect(after.buttons.map((b) => b.title)).toEqual(['Take over', 'Resolve…']);
  expect(readableCardText(shown)).not.toContain('now assigned to you');
  expect(rowsOf(shown).filter((r) => r.id !== row.id)).toEqual(rowsOf(digest.card).filter((r) => r.id !== row.id));
});

test('Resolve… with true positive / malware and a comment: one PATCH and one comment, the row resolved for everyone', async () => {
  const list = await command('show incidents', ANALYST);
  const row = rowsOf(list.card).find(
    (r) => r.id !== assigned?.id && r.buttons.some((b) => b.title === 'Assign to me'),
  )!;
  const putsBefore = connector.calls.filter((c) => c.method === 'PUT').length;

  const form = await click(ANALYST, 'resolveIncidentForm', { incidentId: row.id }, list.activityId);
  expect(form.text).toContain(`Resolve incident ${row.id}`);
  expect(form.card.body.some((e: any) => e.type === 'Input.ChoiceSet' && e.id === 'verdict')).toBe(true);
  // The form is the clicker's alone: nothing changed for the others.
  expect(connector.calls.filter((c) => c.method === 'PUT')).toHaveLength(putsBefore);

  const resolved = await click(
    ANALYST,
    'resolveIncident',
    { incidentId: row.id, verdict: 'truePositive:malware', comment: 'Dropper removed by a full scan' },
    list.activityId,
  );
  expect(resolved.text).toContain(`Incident ${row.id} resolved as True positive: Malware.`);
  expect(writes(row.id).patches).toHaveLength(1);
  expect(writes(row.id).comments).toHaveLength(1);
  const incident = record(row.id);
  expect(incident).toMatchObject({ status: 'resolved', classification: 'truePositive', determination: 'malware' });
  const comment =
    'Resolved as True positive: Malware by Ann Analyst (ann.analyst@contoso.com) from Microsoft Teams via ' +
    'Watchstander. Comment: Dropper removed by a full scan';
  expect(incident.comments!.map((c) => c.comment)).toEqual([comment]);
  expect(incident.resolvingComment).toBe(comment);

  const shownRow = rowsOf(shownCard(list.activityId)).find((r) => r.id === row.id)!;
  expect(shownRow.facts).toMatch(/^Resolved · True positive: Malware · /);
  expect(shownRow.buttons).toEqual([]);
});

test('two people click Assign to me at once: one PATCH, one owner, and both are told who has it', async () => {
  const list = await command('show incidents', APPROVER);
  const row = rowsOf(list.card).find((r) => r.buttons.some((b) => b.title === 'Assign to me'))!;
  const [ann, cleo] = await Promise.all([
    click(ANALYST, 'assignIncident', { incidentId: row.id }, list.activityId),
    click(CLEO, 'assignIncident', { incidentId: row.id }, list.activityId),
  ]);
  expect(writes(row.id).patches).toHaveLength(1);
  const owner = record(row.id).assignedTo;
  expect([ANALYST.userPrincipalName, CLEO.userPrincipalName]).toContain(owner);
  const [winner, loser, winnerName] =
    owner === ANALYST.userPrincipalName ? [ann, cleo, ANALYST.name] : [cleo, ann, CLEO.name];
  expect(winner.text).toContain(`is now assigned to you (${owner})`);
  expect(loser.text).toContain(winnerName);
  expect(loser.text).toContain('Nothing was changed');
  // Everyone's card (the loser's too) shows the owner.
  expect(rowsOf(shownCard(list.activityId)).find((r) => r.id === row.id)!.facts).toContain(`assigned to ${owner}`);
});

test('someone outside SECURITY_OPERATORS: no lookup, no PATCH, a refusal in the audit log', async () => {
  const list = await command('show incidents', OUTSIDER);
  const row = rowsOf(list.card).find((r) => r.buttons.length > 0 && writes(r.id).patches.length === 0)!;
  const [take] = row.buttons;
  const owner = record(row.id).assignedTo;
  const lookupsBefore = connector.memberLookups().length;
  const answer = await click(OUTSIDER, take.verb, take.data, list.activityId);
  expect(answer.status).toBe(200);
  expect(answer.text).toContain('Only security operators can triage incidents');
  expect(writes(row.id).patches).toHaveLength(0);
  expect(record(row.id).assignedTo).toBe(owner);
  expect(connector.memberLookups()).toHaveLength(lookupsBefore);

  const audit = readableCardText((await command('show audit', APPROVER)).card);
  const action = take.title === 'Take over' ? 'take over incident' : 'assign incident';
  expect(audit).toMatch(new RegExp(`Olly Outsider\\s+${action}\\s+Incident ${row.id}\\s+refused`));
});

test('a Teams member lookup that fails refuses the click: no PATCH, the reason in the audit log', async () => {
  const stranger: TestUser = { ...CLEO, id: '29:1not-a-member-id' };
  const list = await command('show incidents', CLEO);
  const row = rowsOf(list.card).find((r) => r.buttons.length > 0 && writes(r.id).patches.length === 0)!;
  const [take] = row.buttons;
  const answer = await click(stranger, take.verb, take.data, list.activityId);
  expect(answer.text).toContain('Teams could not say who you are');
  expect(answer.text).toContain('MemberNotFoundInConversation');
  expect(writes(row.id).patches).toHaveLength(0);
  const audit = readableCardText((await command('show audit', APPROVER)).card);
  expect(audit).toMatch(
    /Cleo Checker[\s\S]*refused\s+Teams could not say who clicked: the member lookup answered HTTP 404 MemberNotFound/,
  );
});

test('the next daily digests list the assigned incident as updated exactly once', async () => {
  const { id, at } = assigned!;
  const after = () => postedDigests(connector, 'daily').filter((d) => d.call.at > at);
  await connector.waitFor(() => after().length >= 3, 60_000, 'three daily digests after the assignment');
  const listing = after()
    .slice(0, 3)
    .map((d) => rowsOf(d.card).find((r) => r.id === id));
  const listed = listing.filter((r) => r !== undefined);
  expect(listed).toHaveLength(1);
  expect(listed[0]!.title).toMatch(/^\*\*Updated\*\* · /);
  expect(listed[0]!.facts).toContain('assigned to ann.analyst@contoso.com');
});
