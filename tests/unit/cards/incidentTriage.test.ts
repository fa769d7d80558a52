import {
  cardBytes,
  dailyDigestCard,
  hasIncidentRow,
  hasIncidentRows,
  incidentState,
  incidentsCard,
  MAX_CARD_BYTES,
  replaceIncidentState,
  resolveFormCard,
  validateCard,
  verdictChoices,
  withNotice,
  type AdaptiveCard,
  type IncidentView,
} from '../../../src/cards';
import { INCIDENT_CARD_BUDGET } from '../../../src/cards/incidentState';
import { parseCardAction, VERDICTS } from '../../../src/cards/verbs';
import { cardContext, dailyDigestView, digestIncident, HOSTILE_TEXT, incidentView } from '../../helpers/cardFixtures';
import { readableCardText } from '../../helpers/recordingConnector';

const ctx = cardContext();

interface Button {
  type: string;
  title: string;
  verb?: string;
  data?: unknown;
  style?: string;
}

function buttonsOf(value: unknown, out: Button[] = []): Button[] {
  if (Array.isArray(value)) value.forEach((v) => buttonsOf(v, out));
  else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) out.push(node as unknown as Button);
    else Object.values(node).forEach((v) => buttonsOf(v, out));
  }
  return out;
}

const titles = (value: unknown) => buttonsOf(value).map((b) => b.title);

/** A copy of a card without the state of incident `id`. */
function withoutState(card: AdaptiveCard, id: string): unknown {
  return JSON.parse(JSON.stringify(card), (_key, value) =>
    Array.isArray(value) ? value.filter((v) => v?.id !== `incident-state-${id}`) : value,
  );
}

describe('incident rows', () => {
  it('an unassigned open incident offers Assign to me (highlighted), Resolve… and Open in Defender', () => {
    const state = incidentState(ctx, incidentView({ id: '77', assignedTo: undefined }));
    const [assign, resolve, portal] = buttonsOf(state);
    expect(assign).toMatchObject({ title: 'Assign to me', verb: 'assignIncident', data: { incidentId: '77' } });
    expect(assign.style).toBe('positive');
    expect(resolve).toMatchObject({ title: 'Resolve…', verb: 'resolveIncidentForm', data: { incidentId: '77' } });
    expect(portal).toMatchObject({ type: 'Action.OpenUrl', title: 'Open in Defender' });
    for (const b of [assign, resolve]) expect(() => parseCardAction(b.verb, b.data)).not.toThrow();
    expect(readableCardText(state)).toContain('unassigned');
  });

  it('an assigned incident says who has it and offers Take over', () => {
    const state = incidentState(ctx, incidentView({ assignedTo: 'bob@contoso.com', status: 'inProgress' }));
    expect(titles(state)).toEqual(['Take over', 'Resolve…', 'Open in Defender']);
    expect(readableCardText(state)).toMatch(/^In progress · .* · assigned to bob@contoso\.com · 3 alerts/);
  });

  it('a resolved or merged incident shows its verdict and only the portal button', () => {
    const resolved = incidentState(
      ctx,
      incidentView({ status: 'resolved', classification: 'falsePositive', determination: 'notMalicious' }),
    );
    expect(titles(resolved)).toEqual(['Open in Defender']);
    expect(readableCardText(resolved)).toMatch(/^Resolved · False positive: Not malicious · /);
    expect(titles(incidentState(ctx, incidentView({ status: 'redirected' })))).toEqual(['Open in Defender']);
    // The older spelling Defender may still send reads the same.
    const older = incidentState(
      ctx,
      incidentView({ status: 'resolved', classification: 'falsePositive', determination: 'clean' }),
    );
    expect(readableCardText(older)).toContain('False positive: Not malicious');
  });

  it('an incident whose id is not a Graph incident id gets no triage buttons', () => {
    expect(titles(incidentState(ctx, incidentView({ id: '12/../../x' })))).toEqual(['Open in Defender']);
  });

  it('an owner name from Defender is escaped like any Defender text', () => {
    const text = JSON.stringify(incidentState(ctx, incidentView({ assignedTo: HOSTILE_TEXT })));
    expect(text).not.toContain('](');
    expect(text).not.toContain('<at>');
  });
});

describe('changing one row of a posted card', () => {
  const view = dailyDigestView();
  const card = dailyDigestCard(ctx, view);
  const incidents = view.incidents as IncidentView[];

  it('replaces exactly that incident’s state and leaves the rest as posted', () => {
    expect(hasIncidentRows(card)).toBe(true);
    const changed = incidentView({ ...incidents[2], assignedTo: 'alex@contoso.com' });
    const next = replaceIncidentState(card, changed.id, incidentState(ctx, changed))!;
    expect(next).toBeDefined();
    expect(readableCardText(next)).toContain('assigned to alex@contoso.com');
    expect(withoutState(next, changed.id)).toEqual(withoutState(card, changed.id));
    expect(card).toEqual(dailyDigestCard(ctx, view)); // the original is not touched
    expect(validateCard(next)).toEqual([]);
  });

  it('answers nothing for an incident the card does not show, or a card without incident rows', () => {
    expect(replaceIncidentState(card, '999', incidentState(ctx, incidentView({ id: '999' })))).toBeUndefined();
    const notice = { ...card, body: card.body.slice(0, 1) };
    expect(hasIncidentRows(notice)).toBe(false);
  });

  it('keeps the simulated label first when a notice goes on top', () => {
    const simulated = dailyDigestCard(cardContext({ simulated: true }), view);
    const noticed = withNotice(simulated, { tone: 'success', text: 'Assigned to you.' })!;
    expect(readableCardText(noticed.body[0])).toContain('Simulated tenant');
    expect(readableCardText(noticed.body[1])).toBe('Assigned to you.');
  });

  const many = Array.from({ length: 200 }, (_, i) =>
    digestIncident({ id: String(1000 + i), title: `${HOSTILE_TEXT} ${'x'.repeat(200)}`, assignedTo: undefined }),
  );
  const full = [
    incidentsCard(ctx, { incidents: many, total: 200 }),
    dailyDigestCard(ctx, dailyDigestView({ incidents: many })),
  ];

  it('a full card with incident rows keeps room for every row to be assigned and resolved, with a notice on top', () => {
    // A long user principal name (60 characters, dots escaped) and the longest verdict.
    const owner = `${'first.last.'.repeat(4)}x@contoso.example.com`.slice(0, 60);
    for (const posted of full) {
      expect(cardBytes(posted)).toBeLessThanOrEqual(INCIDENT_CARD_BUDGET);
      const assigned = (id: string) => incidentState(ctx, { ...incidentView({ id }), assignedTo: owner });
      const resolved = (id: string) =>
        incidentState(ctx, {
          ...incidentView({ id }),
          assignedTo: owner,
          status: 'resolved',
          classification: 'informationalExpectedActivity',
          determination: 'lineOfBusinessApplication',
        });
      const shown = many.filter(({ id }) => hasIncidentRow(posted, id)).map(({ id }) => id);
      expect(shown.length).toBeGreaterThanOrEqual(10);
      for (const state of [assigned, resolved]) {
        let changed: AdaptiveCard = posted;
        for (const id of shown) {
          const next = replaceIncidentState(changed, id, state(id));
          expect(next).toBeDefined();
          changed = next!;
        }
        const noticed = withNotice(changed, { tone: 'warning', text: 'z'.repeat(500) });
        expect(noticed).toBeDefined();
        expect(cardBytes(noticed!)).toBeLessThanOrEqual(MAX_CARD_BYTES);
      }
    }
  });

  it('a change that would not fit is refused, never made over the Teams limit', () => {
    const huge = incidentState(ctx, { ...incidentView({ id: many[0].id }), title: 'x' });
    const padded = { ...huge, items: [...huge.items, ...Array.from({ length: 400 }, () => huge.items[0])] };
    expect(replaceIncidentState(full[0], many[0].id, padded)).toBeUndefined();
  });
});

describe('the Resolve form', () => {
  it('offers every classification and determination pair Graph accepts, each as one choice', () => {
    const choices = verdictChoices();
    expect(choices.map((c) => c.value)).toEqual([...VERDICTS]);
    expect(choices.map((c) => c.title)).toEqual(
      expect.arrayContaining([
        'True positive — Malware',
        'True positive — Compromised account',
        'Informational, expected activity — Security test',
        'False positive — Not malicious',
        'False positive — Not enough data to validate',
      ]),
    );
    expect(VERDICTS).not.toContain('truePositive:apt');
  });

  it('sends the chosen pair and the comment with Resolve incident, and has a Cancel', () => {
    const card = resolveFormCard(ctx, { incident: incidentView() });
    expect(validateCard(card)).toEqual([]);
    const [resolve, cancel] = buttonsOf(card);
    expect(resolve).toMatchObject({ title: 'Resolve incident', verb: 'resolveIncident', style: 'positive' });
    expect(cancel).toMatchObject({ title: 'Cancel', verb: 'closeResolveForm' });
    // What Teams sends on a click: the button's data with the inputs merged in.
    const sent = { ...(resolve.data as object), verdict: 'truePositive:malware', comment: 'Removed' };
    expect(parseCardAction(resolve.verb, sent)).toEqual({ verb: 'resolveIncident', data: sent });
    const inputs = card.body.filter((e) => e.type.startsWith('Input.'));
    expect(inputs.map((i) => (i as { id: string }).id)).toEqual(['verdict', 'comment']);
  });
});
