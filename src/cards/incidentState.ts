/**
 * The part of an incident row that triage changes: its state line (status, verdict, age, owner, alerts) and its
 * buttons — `Assign to me` or `Take over`, `Resolve…`, `Open in Defender` (SPEC §3).
 *
 * The state sits in a Container whose `id` names the incident, so a card posted earlier can have exactly that part
 * replaced after a change (`replaceIncidentState`) while every other row stays as the channel saw it. Cards with
 * incident rows are fitted `INCIDENT_CARD_HEADROOM` bytes under the Teams limit, so every row can be assigned or
 * resolved later, with a notice on top, and still fit; a change that would not fit is refused, never sent.
 */
import {
  actionSet,
  container,
  openUrl,
  subtleText,
  type AdaptiveCard,
  type CardButton,
  type CardElement,
  type Container,
} from './elements';
import { formatAge, plural } from './format';
import { MAX_CARD_BYTES, cardBytes } from './limits';
import { defenderLink } from './links';
import { noticeBlock } from './notice';
import { OPEN_IN_DEFENDER } from './sections';
import { statusLabel } from './styles';
import { escapeText } from './text';
import { executeAction } from './verbs';
import type { CardContext, IncidentView, NoticeLine } from './views';

/** Button titles that are part of the product contract (SPEC §3), and the form's own. */
export const TRIAGE_TITLES = {
  assign: 'Assign to me',
  takeOver: 'Take over',
  resolve: 'Resolve…',
  resolveIncident: 'Resolve incident',
  cancel: 'Cancel',
} as const;

/** Bytes kept free on cards with incident rows: a row's later state and a notice on top fit in them. */
export const INCIDENT_CARD_HEADROOM = 2048;

/** The largest card with incident rows a builder makes. */
export const INCIDENT_CARD_BUDGET = MAX_CARD_BYTES - INCIDENT_CARD_HEADROOM;

const STATE_ID_PREFIX = 'incident-state-';

const CLASSIFICATION_LABELS: Record<string, string> = {
  truePositive: 'True positive',
  informationalExpectedActivity: 'Informational, expected activity',
  falsePositive: 'False positive',
};

const DETERMINATION_LABELS: Record<string, string> = {
  multiStagedAttack: 'Multistage attack',
  maliciousUserActivity: 'Malicious user activity',
  compromisedAccount: 'Compromised account',
  compromisedUser: 'Compromised account',
  malware: 'Malware',
  phishing: 'Phishing',
  unwantedSoftware: 'Unwanted software',
  other: 'Other',
  securityTesting: 'Security test',
  lineOfBusinessApplication: 'Line-of-business application',
  confirmedActivity: 'Confirmed activity',
  confirmedUserActivity: 'Confirmed activity',
  notMalicious: 'Not malicious',
  clean: 'Not malicious',
  notEnoughDataToValidate: 'Not enough data to validate',
  insufficientData: 'Not enough data to validate',
  apt: 'Advanced persistent threat',
  securityPersonnel: 'Security personnel',
};

/** "True positive" for `truePositive`; Defender's own word (escaped) for a value Watchstander does not know. */
export function classificationLabel(classification: string): string {
  return CLASSIFICATION_LABELS[classification] ?? statusLabel(classification);
}

/** "Not malicious" for `notMalicious` (and its older spelling `clean`). */
export function determinationLabel(determination: string): string {
  return DETERMINATION_LABELS[determination] ?? statusLabel(determination);
}

/** "True positive: Malware", or just the classification while undetermined; empty while unclassified. */
export function verdictLabel(classification?: string, determination?: string): string {
  if (!classification || classification === 'unknown') return '';
  const what = classificationLabel(classification);
  return determination && determination !== 'unknown' ? `${what}: ${determinationLabel(determination)}` : what;
}

/** Open incidents (active, in progress, awaiting action) can be triaged; resolved and merged ones cannot. */
export function isOpenIncident(status: string): boolean {
  return status === 'active' || status === 'inProgress' || status === 'awaitingAction';
}

/** True when the id is a Graph incident id, so its buttons would pass `parseCardAction`. */
export function isIncidentId(id: string): boolean {
  return /^\d{1,20}$/.test(id);
}

/** The Container `id` of an incident's state. */
export function incidentStateId(incidentId: string): string {
  return `${STATE_ID_PREFIX}${incidentId}`;
}

/** The buttons of an incident: who can take it, resolving it, and the portal page. */
export function incidentButtons(ctx: CardContext, incident: IncidentView): CardButton[] {
  const portal = openUrl(OPEN_IN_DEFENDER, defenderLink(ctx, incident.webUrl, { page: 'incident', id: incident.id }));
  if (!isIncidentId(incident.id) || !isOpenIncident(incident.status)) return [portal];
  const incidentId = incident.id;
  const owner = incident.assignedTo
    ? executeAction(TRIAGE_TITLES.takeOver, { verb: 'takeOverIncident', data: { incidentId } })
    : executeAction(TRIAGE_TITLES.assign, { verb: 'assignIncident', data: { incidentId } }, 'positive');
  return [owner, executeAction(TRIAGE_TITLES.resolve, { verb: 'resolveIncidentForm', data: { incidentId } }), portal];
}

/** "Active · created 3 h ago · updated 5 min ago · assigned to ann@contoso.com · 2 alerts". */
export function incidentFacts(ctx: CardContext, incident: IncidentView): string {
  const verdict = verdictLabel(incident.classification, incident.determination);
  return [
    statusLabel(incident.status || 'unknown'),
    ...(verdict ? [verdict] : []),
    `created ${formatAge(incident.createdAt, ctx.now)}`,
    ...(incident.updatedAt ? [`updated ${formatAge(incident.updatedAt, ctx.now)}`] : []),
    incident.assignedTo ? `assigned to ${escapeText(incident.assignedTo, 60)}` : 'unassigned',
    plural(incident.alertCount, 'alert'),
  ].join(' · ');
}

/** An incident's state: its facts and its buttons, in one Container that names the incident. */
export function incidentState(ctx: CardContext, incident: IncidentView): Container {
  return container(
    [subtleText(incidentFacts(ctx, incident)), actionSet(incidentButtons(ctx, incident), { spacing: 'Small' })],
    { id: incidentStateId(incident.id), spacing: 'None' },
  );
}

/** True when a card has a row of incident `incidentId`. */
export function hasIncidentRow(card: unknown, incidentId: string): boolean {
  const id = incidentStateId(incidentId);
  return visit(card, (node) => node.id === id);
}

/** True when a card has at least one incident row whose state can be replaced. */
export function hasIncidentRows(card: unknown): boolean {
  let found = false;
  visit(card, (node) => {
    if (typeof node.id === 'string' && node.id.startsWith(STATE_ID_PREFIX)) found = true;
    return found;
  });
  return found;
}

/**
 * A copy of `card` with the state of incident `incidentId` replaced by `state` (wherever the incident has a row);
 * `undefined` when the card has no row of that incident, or the result would be over the Teams limit.
 */
export function replaceIncidentState(
  card: AdaptiveCard,
  incidentId: string,
  state: Container,
): AdaptiveCard | undefined {
  const id = incidentStateId(incidentId);
  let replaced = 0;
  const copy = rewrite(card, (node) => {
    if (node.type === 'Container' && node.id === id) {
      replaced++;
      return state;
    }
    return undefined;
  }) as AdaptiveCard;
  if (replaced === 0 || cardBytes(copy) > MAX_CARD_BYTES) return undefined;
  return copy;
}

/** A copy of `card` with `notice` on top (under the simulated label); `undefined` when it would not fit. */
export function withNotice(card: AdaptiveCard, notice: NoticeLine): AdaptiveCard | undefined {
  const [first, ...rest] = card.body;
  const banner = isSimulatedBanner(first);
  const body: CardElement[] = banner ? [first, noticeBlock(notice), ...rest] : [noticeBlock(notice), ...card.body];
  const result: AdaptiveCard = { ...card, body };
  return cardBytes(result) <= MAX_CARD_BYTES ? result : undefined;
}

function isSimulatedBanner(element: CardElement | undefined): boolean {
  return element?.type === 'Container' && element.style === 'attention' && element.bleed === true;
}

type Node = Record<string, unknown>;

/** Walks every object of a JSON tree until `stop` returns true. */
function visit(value: unknown, stop: (node: Node) => boolean): boolean {
  if (Array.isArray(value)) return value.some((item) => visit(item, stop));
  if (!value || typeof value !== 'object') return false;
  const node = value as Node;
  if (stop(node)) return true;
  return Object.values(node).some((child) => visit(child, stop));
}

/** A deep copy of a JSON tree where `replace` may swap any object for another. */
function rewrite(value: unknown, replace: (node: Node) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, replace));
  if (!value || typeof value !== 'object') return value;
  const swapped = replace(value as Node);
  if (swapped !== undefined) return swapped;
  return Object.fromEntries(Object.entries(value as Node).map(([key, child]) => [key, rewrite(child, replace)]));
}
