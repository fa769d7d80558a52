/**
 * Incident triage in-process: the card router and the command router over the real Defender client and an in-process
 * simulated tenant (so every PATCH and comment is counted by the tenant's request log), with a Teams member lookup
 * the test controls. (The same behaviours are proven over HTTPS in tests/e2e/triage.test.ts.)
 */
import pino from 'pino';
import { CardRouter } from '../../../src/actions';
import { rememberCard } from '../../../src/actions/postedCards';
import { ActionTracker } from '../../../src/actions/tracker';
import type { ClickOutcome, PrincipalLookup } from '../../../src/actions/types';
import { CommandRouter } from '../../../src/commands';
import { loadConfig } from '../../../src/config';
import { DefenderClient } from '../../../src/defender/client';
import type { Messenger } from '../../../src/messenger';
import type { Services } from '../../../src/services';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { repositories } from '../../../src/store';
import type { Person } from '../../../src/store/requests';
import { SqliteRecordStore } from '../../../src/store/sqlite';
import { executeActions, readableCardText } from '../../helpers/recordingConnector';
import { ANN, BOB, CLEO, CONVERSATION, OLLY } from './fakeServices';
import { testMembers } from '../../helpers/members';

const UPN: Record<string, string> = {
  [ANN.id]: 'ann.analyst@contoso.com',
  [BOB.id]: 'bob.approver@contoso.com',
  [CLEO.id]: 'cleo.checker@contoso.com',
  [OLLY.id]: 'olly.outsider@contoso.com',
};
const CARD_ID = 'card-1';

let sim: RunningSimulator;
let services: Services;
let tracker: ActionTracker;
let router: CardRouter;
let commands: CommandRouter;
let lookups: string[];
let updates: { activityId: string; card: any }[];
let lookupFails: string | undefined;
/** How far the bot's clock is ahead of the real one. */
let offsetMs: number;

beforeEach(async () => {
  sim = await startSimulator({ seed: 11, alertIntervalMinutes: 0 });
  lookups = [];
  updates = [];
  lookupFails = undefined;
  offsetMs = 0;
  const messenger: Messenger = {
    post: async () => 'posted',
    update: async (_conversationId, activityId, card) => {
      updates.push({ activityId, card });
    },
  };
  const config = loadConfig({
    DEFENDER_SOURCE: 'simulated',
    SECURITY_OPERATORS: [ANN.id, BOB.id, CLEO.id].join(','),
    SECURITY_APPROVERS: [BOB.id].join(','),
  });
  services = {
    config,
    log: pino({ level: 'silent' }),
    defender: new DefenderClient({
      graphEndpoint: sim.url,
      defenderEndpoint: sim.url,
      graphScope: 'https://graph.microsoft.com/.default',
      defenderScope: 'https://api.securitycenter.microsoft.com/.default',
    }),
    stores: repositories(new SqliteRecordStore(':memory:')),
    messenger,
    now: () => new Date(Date.now() + offsetMs),
    instanceId: 'test',
    members: testMembers(config),
  };
  tracker = new ActionTracker(services);
  router = new CardRouter(services, tracker);
  commands = new CommandRouter(services, { subscriptionsChanged: () => undefined });
});

afterEach(async () => {
  await tracker.stop();
  await sim.close();
});

/** The Teams member lookup as the bot hands it over: counted, and failing when the test says so. */
function lookupOf(user: Person): PrincipalLookup {
  return async () => {
    lookups.push(user.name);
    if (lookupFails) throw new Error(lookupFails);
    return UPN[user.id];
  };
}

function click(verb: string, data: unknown, user: Person = ANN, cardActivityId = CARD_ID): Promise<ClickOutcome> {
  return router.handle({
    verb,
    data,
    user,
    conversation: CONVERSATION,
    cardActivityId,
    principalName: lookupOf(user),
  });
}

/** An open, unassigned incident of the tenant, posted on a kept `show incidents` card. */
async function postedIncidents(): Promise<string> {
  const reply = await commands.handle({ text: 'show incidents', user: ANN, conversation: CONVERSATION });
  await rememberCard(services, CONVERSATION.id, CARD_ID, reply.cards[0], 'sent');
  const open = sim.tenant.data.incidents.find((i) => i.status === 'active' && !i.assignedTo);
  if (!open) throw new Error('no open unassigned incident in the tenant');
  return String(open.id);
}

function writes(method: 'PATCH' | 'POST') {
  return sim.tenant
    .requestLog()
    .filter((e) => e.method === method && e.path.startsWith('/v1.0/security/incidents/'))
    .map((e) => e.path);
}

function text(outcome: ClickOutcome, which: 'card' | 'clicker' = 'card'): string {
  if (outcome.kind === 'invalid') throw new Error(`invalid: ${outcome.message}`);
  const card = which === 'clicker' && outcome.kind === 'replaceForAll' ? outcome.clickerCard : outcome.card;
  return readableCardText(card);
}

/** The state line and buttons of an incident's row in a card. */
function rowOf(card: unknown, incidentId: string): { facts: string; buttons: string[] } {
  let row: any;
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.id === `incident-state-${incidentId}`) row ??= node;
    Object.values(node).forEach(walk);
  };
  walk(card);
  if (!row) throw new Error(`no row of incident ${incidentId}`);
  return { facts: readableCardText(row.items[0]), buttons: executeActions(row).map((b) => b.title) };
}

const cardOf = (outcome: ClickOutcome): any => (outcome.kind === 'invalid' ? undefined : outcome.card);

describe('Assign to me and Take over', () => {
  it('assigns to the clicker’s own UPN with one PATCH; the row changes for everyone, the clicker is told', async () => {
    const id = await postedIncidents();
    const outcome = await click('assignIncident', { incidentId: id });
    expect(outcome.kind).toBe('replaceForAll');
    expect(writes('PATCH')).toEqual([`/v1.0/security/incidents/${id}`]);
    expect(sim.tenant.data.incidentsById.get(Number(id))!.assignedTo).toBe('ann.analyst@contoso.com');
    const row = rowOf(cardOf(outcome), id);
    expect(row.facts).toContain('assigned to ann.analyst@contoso.com');
    expect(row.buttons).toEqual(['Take over', 'Resolve…']);
    expect(text(outcome, 'clicker')).toContain(`Incident ${id} is now assigned to you (ann.analyst@contoso.com).`);
    expect(text(outcome)).not.toContain('now assigned to you');
    // The other rows are as they were posted, and the kept copy follows the change.
    expect((await services.stores.cards.get(CONVERSATION.id, CARD_ID))!.card).toEqual(cardOf(outcome));
    const audit = (await services.stores.audit.recent(5)).map((e) => `${e.action}:${e.outcome}:${e.incidentId}`);
    expect(audit).toEqual(expect.arrayContaining([`assign incident:allowed:${id}`, `assign incident:succeeded:${id}`]));
  });

  it('a repeated click (a retry, a double-click) makes no second PATCH', async () => {
    const id = await postedIncidents();
    await click('assignIncident', { incidentId: id });
    const again = await click('assignIncident', { incidentId: id });
    const third = await click('takeOverIncident', { incidentId: id });
    expect(writes('PATCH')).toHaveLength(1);
    expect(text(again, 'clicker')).toMatch(/Ann Analyst just assigned incident \d+ to ann\.analyst@contoso\.com/);
    expect(text(third, 'clicker')).toMatch(/Nothing was changed/);
  });

  it('two people clicking Assign to me at once: one PATCH, one owner, the other told who', async () => {
    const id = await postedIncidents();
    const [ann, cleo] = await Promise.all([
      click('assignIncident', { incidentId: id }, ANN),
      click('assignIncident', { incidentId: id }, CLEO),
    ]);
    expect(writes('PATCH')).toHaveLength(1);
    const owner = sim.tenant.data.incidentsById.get(Number(id))!.assignedTo;
    const [winner, loser] = owner === UPN[ANN.id] ? [ann, cleo] : [cleo, ann];
    const winnerName = owner === UPN[ANN.id] ? 'Ann Analyst' : 'Cleo Checker';
    expect(text(winner, 'clicker')).toContain('is now assigned to you');
    expect(text(loser, 'clicker')).toContain(winnerName);
    expect(text(loser, 'clicker')).toContain('Nothing was changed');
  });

  it('Assign to me on an incident someone else has changes nothing and says who has it; Take over takes it', async () => {
    const id = await postedIncidents();
    await click('assignIncident', { incidentId: id }, BOB);
    // Two minutes later (Bob's change has settled), Ann's card still offers Assign to me.
    offsetMs = 2 * 60_000;
    const refused = await click('assignIncident', { incidentId: id }, ANN);
    expect(writes('PATCH')).toHaveLength(1);
    expect(text(refused, 'clicker')).toContain('already assigned to bob.approver@contoso.com');
    expect(rowOf(cardOf(refused), id).buttons[0]).toBe('Take over');

    const taken = await click('takeOverIncident', { incidentId: id }, ANN);
    expect(writes('PATCH')).toHaveLength(2);
    expect(sim.tenant.data.incidentsById.get(Number(id))!.assignedTo).toBe('ann.analyst@contoso.com');
    expect(text(taken, 'clicker')).toContain(`You took over incident ${id} from bob.approver@contoso.com.`);
    expect(rowOf(cardOf(taken), id).facts).toContain('assigned to ann.analyst@contoso.com');
  });

  it('someone outside SECURITY_OPERATORS changes nothing: no lookup, no PATCH, a refusal in the audit log', async () => {
    const id = await postedIncidents();
    const outcome = await click('assignIncident', { incidentId: id }, OLLY);
    expect(outcome.kind).toBe('clickerOnly');
    expect(text(outcome)).toContain('Only security operators can triage incidents');
    expect(lookups).toEqual([]);
    expect(writes('PATCH')).toEqual([]);
    const [entry] = await services.stores.audit.recent(1);
    expect(entry).toMatchObject({
      userName: 'Olly Outsider',
      action: 'assign incident',
      outcome: 'refused',
      incidentId: id,
    });
  });

  it('a failed member lookup refuses the click clearly and never falls back to anything on the card', async () => {
    const id = await postedIncidents();
    lookupFails = 'the member lookup answered HTTP 404 MemberNotFoundInConversation';
    const outcome = await click('assignIncident', { incidentId: id });
    expect(outcome.kind).toBe('clickerOnly');
    expect(text(outcome)).toContain('Teams could not say who you are');
    expect(writes('PATCH')).toEqual([]);
    const [entry] = await services.stores.audit.recent(1);
    expect(entry.outcome).toBe('refused');
    expect(entry.detail).toContain('MemberNotFoundInConversation');
    // An owner smuggled into the card's data is not a click at all.
    const tampered = await click('assignIncident', { incidentId: id, assignedTo: 'mallory@evil.example' });
    expect(tampered.kind).toBe('invalid');
  });

  it('a click without a way to ask Teams (no lookup) is refused', async () => {
    const id = await postedIncidents();
    const outcome = await router.handle({
      verb: 'assignIncident',
      data: { incidentId: id },
      user: ANN,
      conversation: CONVERSATION,
      cardActivityId: CARD_ID,
    });
    expect(text(outcome)).toContain('Teams could not say who you are');
    expect(writes('PATCH')).toEqual([]);
  });

  it('an incident Defender does not know: nothing changed, the reason shown', async () => {
    await postedIncidents();
    const outcome = await click('assignIncident', { incidentId: '999999' });
    expect(outcome.kind).toBe('clickerOnly');
    expect(text(outcome)).toContain('Microsoft Graph could not read the incident: incident not found.');
  });

  it('a PATCH whose answer is lost is not called a failure that changed nothing', async () => {
    const id = await postedIncidents();
    sim.tenant.setFaults({ rules: [{ path: `/security/incidents/${id}$`, method: 'PATCH', kind: 'reset', count: 1 }] });
    const outcome = await click('assignIncident', { incidentId: id });
    expect(outcome.kind).toBe('clickerOnly');
    expect(text(outcome)).toContain('The change may have been made all the same');
    expect(text(outcome)).not.toContain('Nothing was changed');
    const [entry] = await services.stores.audit.recent(1);
    expect(entry).toMatchObject({ action: 'assign incident', outcome: 'failed', incidentId: id });
    // The claim was given back: the next click reads Defender again and finishes the job.
    const again = await click('assignIncident', { incidentId: id });
    expect(text(again, 'clicker')).toContain('is now assigned to you');
  });

  it('a click on a card Watchstander does not keep still assigns, and only the clicker sees the result', async () => {
    const id = await postedIncidents();
    const outcome = await click('assignIncident', { incidentId: id }, ANN, 'unknown-card');
    expect(outcome.kind).toBe('clickerOnly');
    expect(writes('PATCH')).toHaveLength(1);
    expect(text(outcome)).toContain('This older card stays as it was for the others');
  });

  it('a card replaced by a card without incident rows is no longer kept', async () => {
    await postedIncidents();
    const replaced = await router.handle({
      verb: 'showDevice',
      data: { deviceId: sim.tenant.data.devices[0].id },
      user: ANN,
      conversation: CONVERSATION,
      cardActivityId: CARD_ID,
    });
    expect(replaced.kind).toBe('replaceForAll');
    expect(await services.stores.cards.get(CONVERSATION.id, CARD_ID)).toBeUndefined();
  });
});

describe('Resolve…', () => {
  it('opens a form for the clicker only; Resolve incident makes one PATCH and one comment naming the person', async () => {
    const id = await postedIncidents();
    const form = await click('resolveIncidentForm', { incidentId: id });
    expect(form.kind).toBe('clickerOnly');
    const formCard = cardOf(form);
    expect(executeActions(formCard).map((b) => b.title)).toEqual(['Resolve incident', 'Cancel']);
    const choices = formCard.body.find((e: any) => e.type === 'Input.ChoiceSet').choices;
    expect(choices).toContainEqual({ title: 'True positive — Malware', value: 'truePositive:malware' });
    expect(writes('PATCH')).toEqual([]);

    const resolved = await click('resolveIncident', {
      incidentId: id,
      verdict: 'truePositive:malware',
      comment: 'Emotet dropper removed by a full scan',
    });
    expect(resolved.kind).toBe('replaceForAll');
    expect(writes('PATCH')).toHaveLength(1);
    expect(writes('POST')).toEqual([`/v1.0/security/incidents/${id}/comments`]);
    const record = sim.tenant.data.incidentsById.get(Number(id))!;
    expect(record).toMatchObject({ status: 'resolved', classification: 'truePositive', determination: 'malware' });
    const expected =
      'Resolved as True positive: Malware by Ann Analyst (ann.analyst@contoso.com) from Microsoft Teams via ' +
      'Watchstander. Comment: Emotet dropper removed by a full scan';
    expect(record.resolvingComment).toBe(expected);
    expect(record.comments!.map((c) => c.comment)).toEqual([expected]);
    const row = rowOf(cardOf(resolved), id);
    expect(row.facts).toMatch(/^Resolved · True positive: Malware ·/);
    expect(row.buttons).toEqual([]);
    expect(text(resolved, 'clicker')).toContain(`Incident ${id} resolved as True positive: Malware.`);
  });

  it('Resolve incident without a classification shows the form again and changes nothing', async () => {
    const id = await postedIncidents();
    const outcome = await click('resolveIncident', { incidentId: id, verdict: '', comment: 'kept' });
    expect(outcome.kind).toBe('clickerOnly');
    expect(text(outcome)).toContain('Choose a classification and determination first.');
    expect(cardOf(outcome).body.find((e: any) => e.type === 'Input.Text').value).toBe('kept');
    expect(writes('PATCH')).toEqual([]);
  });

  it('a wrong pairing or an old spelling cannot even be sent: the click is invalid', async () => {
    const id = await postedIncidents();
    for (const verdict of ['falsePositive:malware', 'falsePositive:clean', 'truePositive:apt', 'x']) {
      expect((await click('resolveIncident', { incidentId: id, verdict })).kind).toBe('invalid');
    }
    expect(writes('PATCH')).toEqual([]);
  });

  it('resolving twice makes one change; Cancel shows the card as it was', async () => {
    const id = await postedIncidents();
    const data = { incidentId: id, verdict: 'falsePositive:notMalicious', comment: '' };
    await click('resolveIncident', data);
    const again = await click('resolveIncident', data, CLEO);
    expect(writes('PATCH')).toHaveLength(1);
    expect(writes('POST')).toHaveLength(1);
    expect(text(again, 'clicker')).toMatch(/Ann Analyst just resolved incident \d+ as False positive: Not malicious/);
    const cancel = await click('closeResolveForm', { incidentId: id });
    expect(cardOf(cancel)).toEqual((await services.stores.cards.get(CONVERSATION.id, CARD_ID))!.card);
  });

  it('the form is for operators only', async () => {
    const id = await postedIncidents();
    const outcome = await click('resolveIncidentForm', { incidentId: id }, OLLY);
    expect(text(outcome)).toContain('Only security operators can triage incidents');
    const [entry] = await services.stores.audit.recent(1);
    expect(entry).toMatchObject({ action: 'open resolve form', outcome: 'refused' });
  });
});

describe('a slow Defender', () => {
  it('the clicker is told at once; the card changes for everyone when Defender has answered', async () => {
    const id = await postedIncidents();
    sim.tenant.setLatency(1800);
    const outcome = await click('assignIncident', { incidentId: id });
    expect(outcome.kind).toBe('clickerOnly');
    expect(text(outcome)).toContain('Defender is slow to answer');
    await tracker.stop(); // waits for the background work
    const deadline = Date.now() + 10_000;
    while (updates.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(updates).toHaveLength(1);
    expect(updates[0].activityId).toBe(CARD_ID);
    expect(rowOf(updates[0].card, id).facts).toContain('assigned to ann.analyst@contoso.com');
    expect(writes('PATCH')).toHaveLength(1);
  });
});

describe('chat commands', () => {
  const say = (text: string, user: Person = ANN) =>
    commands.handle({ text, user, conversation: CONVERSATION, principalName: lookupOf(user) });

  it('`assign <id> to me` takes the same path as the button: one PATCH, then nothing on a repeat', async () => {
    const id = await postedIncidents();
    const reply = await say(`assign ${id} to me`);
    expect(readableCardText(reply.cards[0])).toContain(`Incident ${id} is now assigned to you`);
    expect(rowOf(reply.cards[0], id).buttons).toEqual(['Take over', 'Resolve…']);
    await say(`Assign ${id} to me`);
    expect(writes('PATCH')).toHaveLength(1);
    const refused = await say(`assign ${id} to me`, OLLY);
    expect(readableCardText(refused.cards[0])).toContain('Only security operators');
  });

  it('`assign` with something that is not an incident id is not a command', async () => {
    for (const text of ['assign ../1 to me', 'assign 1; drop to me', 'assign #12 to me', 'assign 12 to bob']) {
      const reply = await say(text);
      expect(readableCardText(reply.cards[0])).not.toContain('now assigned');
    }
    expect(readableCardText((await say('assign abc to me')).cards[0])).toContain('"abc" is not an incident id');
    expect(writes('PATCH')).toEqual([]);
  });

  it('`show my incidents` lists the open incidents assigned to the asker’s UPN, never resolved ones', async () => {
    const ids = sim.tenant.data.incidents
      .filter((i) => i.status === 'active')
      .slice(0, 3)
      .map((i) => String(i.id));
    await say(`assign ${ids[0]} to me`);
    await say(`assign ${ids[1]} to me`);
    await say(`assign ${ids[2]} to me`, CLEO);
    await click('resolveIncident', { incidentId: ids[1], verdict: 'truePositive:phishing' });
    const reply = await say('show my incidents');
    const card = reply.cards[0];
    expect(readableCardText(card)).toContain('Your open incidents (1)');
    expect(readableCardText(card)).toContain('Assigned to ann.analyst@contoso.com');
    expect(rowOf(card, ids[0]).facts).toContain('assigned to ann.analyst@contoso.com');
    expect(() => rowOf(card, ids[1])).toThrow();
    expect(() => rowOf(card, ids[2])).toThrow();
    const empty = await say('show my incidents', BOB);
    expect(readableCardText(empty.cards[0])).toContain('No open incident is assigned to you.');
  });

  it('`show my incidents` without Teams saying who asks says so', async () => {
    lookupFails = 'Teams did not answer in time';
    const reply = await say('show my incidents');
    expect(readableCardText(reply.cards[0])).toContain(
      'Teams could not say who you are (Teams did not answer in time)',
    );
  });
});
