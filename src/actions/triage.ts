/**
 * Incident triage from Teams — `Assign to me`, `Take over`, `Resolve incident`, and `assign <incident id> to me` —
 * held to the bar of the device actions: only `SECURITY_OPERATORS` may triage; the person is the Teams member behind
 * the click (their user principal name from the member lookup, never anything a card carries); one claim per
 * incident and intent in `stores.intents`, so two clicks at once make one change and the other is told who made it;
 * Defender's own state is read first, so a repeated click changes nothing; every step is in the audit log.
 *
 * Each step is `prepare` (authorize, ask Teams who it is, claim) and then the Defender part, returned as a promise
 * that never rejects, so a click can answer within its budget and let Defender finish in the background.
 */
import { isOpenIncident, verdictLabel, type IncidentView, type NoticeLine } from '../cards';
import { isAllowed } from '../config';
import { DefenderNetworkError } from '../defender/errors';
import type { IncidentClassification } from '../defender/incidentTriage';
import type { Incident } from '../defender/models';
import type { Services } from '../services';
import type { AuditOutcome } from '../store/audit';
import type { Claim } from '../store/claims';
import type { Person } from '../store/requests';
import { readableError } from '../views/sections';
import { toIncidentView } from '../views/incidents';
import { audit } from './audit';
import { incidentComment } from './comment';
import { claimIntent, inStartGrace, releaseIntent, type IntentData } from './intents';
import { newTrackerId } from './launch';
import { NOT_A_TRIAGER } from './refusals';
import type { PrincipalLookup } from './types';

/** Who triages, from where. */
export interface TriageRequest {
  user: Person;
  conversationId: string;
  /** The person's user principal name, from Teams. */
  principalName?: PrincipalLookup;
}

/** How a triage step ended. */
export type TriageOutcome =
  /** Not allowed, or Teams could not say who it is: nothing was read or changed. */
  | { kind: 'refused'; title: string; text: string }
  /** Nothing to change (Defender already says so), or someone else is changing it right now. */
  | { kind: 'unchanged'; notice: NoticeLine; incident?: IncidentView }
  | { kind: 'changed'; notice: NoticeLine; incident: IncidentView }
  /** Defender refused or could not be reached; nothing (or not everything) was changed. */
  | { kind: 'failed'; notice: NoticeLine; incident?: IncidentView };

/** A step that was refused at once, or started: its outcome comes when Defender has answered (never rejects). */
export type TriageStart =
  | { kind: 'refused'; outcome: Extract<TriageOutcome, { kind: 'refused' }> }
  | { kind: 'started'; result: Promise<TriageOutcome> };

/** Who an incident goes to: `Assign to me` takes an unassigned one, `Take over` one someone else has. */
export type AssignMode = 'assign' | 'takeOver';

/** A resolution: classification and determination as Graph spells them, and the analyst's comment. */
export interface Resolution {
  classification: IncidentClassification;
  determination: string;
  comment?: string;
}

/** Longest wait for Teams to say who clicked. */
export const MEMBER_LOOKUP_MS = 2500;

/**
 * How long a change just made holds its incident: a click that still reads Defender from before the change (Graph
 * may answer a read with the old state for a moment) is told who made it instead of making a second change.
 */
export const TRIAGE_SETTLE_MS = 60_000;

/** The audit names of the triage steps. */
export const TRIAGE_ACTIONS = {
  assign: 'assign incident',
  takeOver: 'take over incident',
  resolve: 'resolve incident',
  resolveForm: 'open resolve form',
} as const;

/** A Teams user principal name: `name@domain`, no spaces or control characters, at most 256 characters. */
export function isPrincipalName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 256 &&
    /^[^@\s\u0000-\u001f\u007f]+@[^@\s\u0000-\u001f\u007f]+$/.test(value)
  );
}

/** The row of an incident, with the alert count of an earlier read when this one has no alerts. */
export function incidentRowView(incident: Incident, alertsFrom?: Incident): IncidentView {
  const view = toIncidentView(incident);
  return incident.alerts ? view : { ...view, alertCount: alertsFrom?.alerts?.length ?? 0 };
}

/** The user principal name of the person asking, or why Teams could not say. */
export async function whoIsAsking(request: TriageRequest): Promise<{ upn: string } | { problem: string }> {
  if (!request.principalName) return { problem: 'this kind of conversation cannot ask Teams who you are' };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Teams did not answer in time')), MEMBER_LOOKUP_MS);
  });
  try {
    const upn = await Promise.race([request.principalName(), timeout]);
    return isPrincipalName(upn) ? { upn } : { problem: 'Teams gave no user principal name for you' };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** What a step is, for its checks, its claim and the audit log. */
interface StepSpec {
  /** Audit name. */
  action: string;
  /** Claim key prefix: one change at a time per incident and intent. */
  intent: 'incident-owner' | 'incident-resolution';
  incidentId: string;
  /** What a held claim is doing, in words: "is changing its owner". */
  busy: string;
  /** What a finished claim did, from its `target`: "assigned it to ann@contoso.com". */
  done: (target: string) => string;
  /** The claim's `target`, once the person is known. */
  target: (upn: string) => string;
}

/** A step that passed its checks and holds its claim. */
interface Prepared {
  upn: string;
  /** Records a fact about this step. */
  record(outcome: AuditOutcome, detail: string, title?: string): Promise<void>;
  /** Marks the change made (the claim then holds for `TRIAGE_SETTLE_MS`). */
  complete(): Promise<void>;
  /** Gives the claim back when nothing was changed. */
  release(): Promise<void>;
}

/** Authorizes, asks Teams who it is, claims the incident's intent; or says why not. */
async function prepare(
  services: Services,
  request: TriageRequest,
  spec: StepSpec,
): Promise<{ refused: Extract<TriageOutcome, { kind: 'refused' } | { kind: 'unchanged' }> } | { prepared: Prepared }> {
  const { user, conversationId } = request;
  const record = (outcome: AuditOutcome, detail: string, title?: string) =>
    audit(services, {
      user,
      action: spec.action,
      incident: { id: spec.incidentId, title },
      outcome,
      detail,
      conversationId,
    });

  if (!isAllowed(services.config.operators, user)) {
    await record('refused', 'not in SECURITY_OPERATORS');
    return { refused: { kind: 'refused', title: 'Not allowed', text: NOT_A_TRIAGER } };
  }
  const asking = await whoIsAsking(request);
  if ('problem' in asking) {
    await record('refused', `Teams could not say who clicked: ${asking.problem}`);
    const text =
      `Teams could not say who you are (${asking.problem}), so nothing was changed: ` +
      'an incident is only ever given to the account Teams names, never to a name on a card.';
    return { refused: { kind: 'refused', title: 'Who are you?', text } };
  }
  const upn = asking.upn;

  const owner = newTrackerId();
  const key = `${spec.intent}|${spec.incidentId}`;
  const now = services.now();
  const data: IntentData = { requestedBy: user, requestedAt: now.toISOString(), target: spec.target(upn) };
  const claim = await claimIntent(services, key, owner, data, async (holder) => heldBy(services, holder, spec));
  if (!claim.won) {
    await record('duplicate', claim.running);
    return { refused: { kind: 'unchanged', notice: { tone: 'info', text: `${claim.running} Nothing was changed.` } } };
  }
  await record('allowed', `by ${upn}`);
  let settled = false;
  return {
    prepared: {
      upn,
      record,
      async complete() {
        settled = true;
        await services.stores.intents
          .complete(key, owner, services.now())
          .catch((err: unknown) => services.log.warn({ err, key }, 'could not mark a triage claim done'));
        // Given back once settled, so the intents table does not keep one record per incident ever triaged (a claim
        // left by a restart meanwhile is taken over by the next click, see `heldBy`).
        setTimeout(() => void releaseIntent(services, { key, owner }), TRIAGE_SETTLE_MS).unref();
      },
      async release() {
        if (!settled) await releaseIntent(services, { key, owner });
      },
    },
  };
}

/** What a held claim means for a new click (a sentence), or `undefined` when it is stale and may be taken over. */
function heldBy(services: Services, holder: Claim<IntentData>, spec: StepSpec): string | undefined {
  const who = holder.data?.requestedBy.name ?? 'Someone';
  if (holder.doneAt) {
    const age = services.now().getTime() - Date.parse(holder.doneAt);
    return age < TRIAGE_SETTLE_MS ? `${who} just ${spec.done(holder.data?.target ?? '')}.` : undefined;
  }
  return inStartGrace(services, holder) ? `${who} ${spec.busy} right now.` : undefined;
}

/** Case-insensitive, as user principal names are. */
function sameOwner(a: string | undefined, b: string): boolean {
  return !!a && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Why an incident cannot be triaged any more, or `undefined` while it is open. */
function closedReason(incident: Incident): string | undefined {
  if (isOpenIncident(incident.status)) return undefined;
  if (incident.status === 'redirected') return `Incident ${incident.id} was merged into another incident`;
  const verdict = verdictLabel(incident.classification, incident.determination);
  return `Incident ${incident.id} is already ${incident.status || 'closed'}${verdict ? ` (${verdict})` : ''}`;
}

/** `Assign to me` / `Take over` / `assign <id> to me`: one PATCH with the person's own user principal name. */
export async function assignIncident(
  services: Services,
  request: TriageRequest,
  incidentId: string,
  mode: AssignMode,
): Promise<TriageStart> {
  const spec: StepSpec = {
    action: mode === 'assign' ? TRIAGE_ACTIONS.assign : TRIAGE_ACTIONS.takeOver,
    intent: 'incident-owner',
    incidentId,
    busy: `is changing the owner of incident ${incidentId}`,
    done: (target) => `assigned incident ${incidentId} to ${target}`,
    target: (upn) => upn,
  };
  const ready = await prepare(services, request, spec);
  if ('refused' in ready) {
    const outcome = ready.refused;
    return outcome.kind === 'refused'
      ? { kind: 'refused', outcome }
      : { kind: 'started', result: Promise.resolve(outcome) };
  }
  return { kind: 'started', result: assignNow(services, ready.prepared, incidentId, mode) };
}

async function assignNow(
  services: Services,
  step: Prepared,
  incidentId: string,
  mode: AssignMode,
): Promise<TriageOutcome> {
  const { defender } = services;
  const { upn } = step;
  let before: Incident | undefined;
  try {
    before = await defender.getIncident(incidentId, { expandAlerts: true });
    const view = incidentRowView(before);
    const title = before.displayName;
    const closed = closedReason(before);
    if (closed) {
      await step.record('duplicate', closed, title);
      return { kind: 'unchanged', incident: view, notice: { tone: 'info', text: `${closed}. Nothing was changed.` } };
    }
    if (sameOwner(before.assignedTo, upn)) {
      await step.record('duplicate', `already assigned to ${upn}`, title);
      const text = `Incident ${incidentId} is already assigned to you (${upn}). Nothing was changed.`;
      return { kind: 'unchanged', incident: view, notice: { tone: 'info', text } };
    }
    if (mode === 'assign' && before.assignedTo) {
      await step.record('duplicate', `already assigned to ${before.assignedTo}`, title);
      const text =
        `Incident ${incidentId} is already assigned to ${before.assignedTo}. ` +
        'Nothing was changed; use Take over to take it from them.';
      return { kind: 'unchanged', incident: view, notice: { tone: 'info', text } };
    }
    const changed = await defender.updateIncident(incidentId, { assignedTo: upn });
    await step.complete();
    const was = before.assignedTo ? ` (was ${before.assignedTo})` : '';
    await auditStep(services, step, 'succeeded', `assigned to ${upn}${was}`, title);
    const text = before.assignedTo
      ? `You took over incident ${incidentId} from ${before.assignedTo}.`
      : `Incident ${incidentId} is now assigned to you (${upn}).`;
    return { kind: 'changed', incident: incidentRowView(changed, before), notice: { tone: 'success', text } };
  } catch (error) {
    return failed(services, step, error, before);
  } finally {
    await step.release();
  }
}

/** `Resolve incident`: one PATCH (status, classification, determination, resolving comment) and one comment. */
export async function resolveIncident(
  services: Services,
  request: TriageRequest,
  incidentId: string,
  resolution: Resolution,
): Promise<TriageStart> {
  const verdict = verdictLabel(resolution.classification, resolution.determination);
  const spec: StepSpec = {
    action: TRIAGE_ACTIONS.resolve,
    intent: 'incident-resolution',
    incidentId,
    busy: `is resolving incident ${incidentId}`,
    done: (target) => `resolved incident ${incidentId} as ${target}`,
    target: () => verdict,
  };
  const ready = await prepare(services, request, spec);
  if ('refused' in ready) {
    const outcome = ready.refused;
    return outcome.kind === 'refused'
      ? { kind: 'refused', outcome }
      : { kind: 'started', result: Promise.resolve(outcome) };
  }
  return { kind: 'started', result: resolveNow(services, request, ready.prepared, incidentId, resolution) };
}

async function resolveNow(
  services: Services,
  request: TriageRequest,
  step: Prepared,
  incidentId: string,
  resolution: Resolution,
): Promise<TriageOutcome> {
  const { defender } = services;
  const verdict = verdictLabel(resolution.classification, resolution.determination);
  let before: Incident | undefined;
  try {
    before = await defender.getIncident(incidentId, { expandAlerts: true });
    const title = before.displayName;
    const closed = closedReason(before);
    if (closed) {
      await step.record('duplicate', closed, title);
      const text = `${closed}. Nothing was changed.`;
      return { kind: 'unchanged', incident: incidentRowView(before), notice: { tone: 'info', text } };
    }
    const comment = incidentComment(`Resolved as ${verdict}`, request.user, step.upn, resolution.comment);
    const changed = await defender.updateIncident(incidentId, {
      status: 'resolved',
      classification: resolution.classification,
      determination: resolution.determination,
      resolvingComment: comment,
    });
    await step.complete();
    await auditStep(services, step, 'succeeded', `resolved as ${verdict}`, title);
    const view = incidentRowView(changed, before);
    try {
      await defender.addIncidentComment(incidentId, comment);
    } catch (error) {
      const reason = readableError(error);
      await auditStep(services, step, 'failed', `the comment was not added: ${reason}`, title);
      const text = `Incident ${incidentId} is resolved as ${verdict}, but Defender did not keep the comment: ${reason}`;
      return { kind: 'changed', incident: view, notice: { tone: 'warning', text } };
    }
    return {
      kind: 'changed',
      incident: view,
      notice: { tone: 'success', text: `Incident ${incidentId} resolved as ${verdict}.` },
    };
  } catch (error) {
    return failed(services, step, error, before);
  } finally {
    await step.release();
  }
}

/** Records a fact after Defender answered: a store failure then only reaches the log (the change is made). */
function auditStep(services: Services, step: Prepared, outcome: AuditOutcome, detail: string, title?: string) {
  return step
    .record(outcome, detail, title)
    .catch((err: unknown) => services.log.error({ err, outcome, detail }, 'could not write the audit log'));
}

async function failed(services: Services, step: Prepared, error: unknown, before?: Incident): Promise<TriageOutcome> {
  const reason = readableError(error);
  services.log.warn({ err: error }, 'incident triage failed');
  await auditStep(services, step, 'failed', reason, before?.displayName);
  // A change whose answer was lost (a reset or a timeout after sending) may still have been made: never say "nothing".
  const lost = error instanceof DefenderNetworkError && error.method !== 'GET';
  const text = lost
    ? `${reason} The change may have been made all the same: look at the incident again before trying once more.`
    : `${reason} Nothing was changed.`;
  return { kind: 'failed', incident: before ? incidentRowView(before) : undefined, notice: { tone: 'error', text } };
}
