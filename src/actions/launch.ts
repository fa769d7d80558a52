/**
 * Starts a Defender action the bot will follow: the tracker is stored first (so a restart still knows about it),
 * then Defender is called, and the outcome — started, or refused with a readable reason — is recorded. When the
 * answer to the call is lost, Defender is asked whether the action started before anything is recorded
 * (`lostAnswer.ts`): a found action is followed as if the answer had come.
 */
import { randomUUID } from 'node:crypto';
import type { Services } from '../services';
import type { Person } from '../store/requests';
import type { HeldIntent, TrackedOperation, Tracker } from '../store/trackers';
import { auditLater } from './audit';
import { releaseIntent, START_GRACE_MS } from './intents';
import { answerMayBeLost, findStartedAction, type FoundAction } from './lostAnswer';
import { defenderRefusal, lostAnswerUnconfirmed } from './refusals';
import { NOT_STARTED, REQUESTED } from './statusCards';
import { operationLabel } from '../cards/styles';

/** An action to start for a click, once it is authorized and its intent claimed. */
export interface ActionPlan {
  trackerId: string;
  operation: TrackedOperation;
  device: { id: string; name: string };
  requestedBy: Person;
  /** Who approved it, for a remediation request. */
  approvedBy?: Person;
  requestId?: string;
  intent: HeldIntent;
  conversationId: string;
  /** The card to keep current. */
  activityId?: string;
  /** The Defender `Comment`. */
  comment: string;
  /** The device name from Defender, when `device.name` is only a placeholder (the id). */
  lookupName?: Promise<string | undefined>;
}

/**
 * How the start ended: started, or not started with the reason — `unconfirmed` when Defender's answer was lost and
 * Defender shows no such action (it may not have started; it was not refused).
 */
export type LaunchResult =
  | { started: true; tracker: Tracker }
  | { started: false; tracker: Tracker; reason: string; unconfirmed?: boolean };

/** What Defender answered (or, for a lost answer, what its lists show), whichever the call. */
export interface Started {
  defenderId: string;
  status: string;
  deviceName?: string;
  at: string;
  /** Found by a lookup after the answer was lost. */
  foundAfterLostAnswer?: boolean;
}

/** A new tracker id. */
export function newTrackerId(): string {
  return randomUUID().replace(/-/g, '');
}

/** The Defender for Endpoint call of an operation, as the audit log names it. */
export function defenderCallName(operation: TrackedOperation): string {
  return { scan: 'runAntiVirusScan', investigation: 'startInvestigation', isolate: 'isolate', release: 'unisolate' }[
    operation.kind
  ];
}

/** "investigation" or "machine action", as the audit log names what Defender created. */
export function trackedNoun(operation: TrackedOperation): string {
  return operation.kind === 'investigation' ? 'investigation' : 'machine action';
}

/** Stores the tracker of `plan`; returns it and the Defender call running in the background (it never rejects). */
export async function launch(
  services: Services,
  plan: ActionPlan,
  onStarted: (tracker: Tracker) => void,
): Promise<{ tracker: Tracker; result: Promise<LaunchResult> }> {
  const now = services.now();
  const tracker: Tracker = {
    id: plan.trackerId,
    kind: plan.operation.kind === 'investigation' ? 'investigation' : 'machineAction',
    label: operationLabel(plan.operation),
    operation: plan.operation,
    intent: plan.intent,
    deviceId: plan.device.id,
    deviceName: plan.device.name,
    requestedBy: plan.requestedBy,
    requestedAt: now.toISOString(),
    ...(plan.requestId ? { requestId: plan.requestId } : {}),
    status: REQUESTED,
    history: [],
    conversationId: plan.conversationId,
    ...(plan.activityId ? { activityId: plan.activityId } : {}),
    // Not polled before Defender answers; if the bot stops meanwhile, the tracker is settled after the grace time.
    nextCheckAt: new Date(now.getTime() + START_GRACE_MS).toISOString(),
    checks: 0,
    comment: plan.comment,
  };
  await services.stores.trackers.save(tracker);
  const result = callDefender(services, plan)
    .catch((error: unknown) => afterLostAnswer(services, plan, now, error))
    .then(
      (started) => recordStarted(services, plan, started, onStarted),
      (error: unknown) => recordRefused(services, plan, error),
    )
    .catch((err: unknown): LaunchResult => {
      services.log.error({ err, trackerId: tracker.id }, 'could not record the outcome of a Defender call');
      return { started: false, tracker, reason: 'the outcome could not be recorded (details in the bot log)' };
    });
  return { tracker, result };
}

async function callDefender(services: Services, plan: ActionPlan): Promise<Started> {
  const { defender } = services;
  const { id } = plan.device;
  const op = plan.operation;
  const action =
    op.kind === 'scan'
      ? await defender.runAntiVirusScan(id, plan.comment, op.scanType)
      : op.kind === 'isolate'
        ? await defender.isolate(id, plan.comment, op.isolationType)
        : op.kind === 'release'
          ? await defender.unisolate(id, plan.comment)
          : undefined;
  if (action) {
    return {
      defenderId: action.id,
      status: action.status,
      deviceName: action.computerDnsName,
      at: action.lastUpdateDateTimeUtc ?? services.now().toISOString(),
    };
  }
  const investigation = await defender.startInvestigation(id, plan.comment);
  return {
    defenderId: investigation.id,
    status: investigation.state,
    deviceName: investigation.computerDnsName || undefined,
    at: investigation.startTime ?? services.now().toISOString(),
  };
}

/** Thrown when a lost answer's lookup found nothing: the outcome is unknown, not a refusal. */
export class StartUnconfirmed extends Error {
  constructor(
    readonly lost: unknown,
    readonly lookupFailure?: unknown,
  ) {
    super('the answer to a Defender POST was lost and no started action was found');
    this.name = 'StartUnconfirmed';
  }
}

/** Rethrows a refusal; for a lost answer, returns the action Defender shows, or throws `StartUnconfirmed`. */
async function afterLostAnswer(services: Services, plan: ActionPlan, sentAt: Date, error: unknown): Promise<Started> {
  if (!answerMayBeLost(error)) throw error;
  services.log.warn(
    { err: error, trackerId: plan.trackerId, deviceId: plan.device.id },
    `the answer to ${defenderCallName(plan.operation)} was lost; asking Defender whether it started`,
  );
  let found: FoundAction | undefined;
  try {
    found = await findStartedAction(services.defender, {
      operation: plan.operation,
      deviceId: plan.device.id,
      comment: plan.comment,
      since: sentAt,
    });
  } catch (lookupFailure) {
    throw new StartUnconfirmed(error, lookupFailure);
  }
  if (!found) throw new StartUnconfirmed(error);
  return startedOf(found, services.now());
}

/** A found action as the tracker records it. */
export function startedOf(found: FoundAction, now: Date): Started {
  if (found.kind === 'machineAction') {
    const { action } = found;
    return {
      defenderId: action.id,
      status: action.status,
      deviceName: action.computerDnsName,
      at: action.lastUpdateDateTimeUtc ?? now.toISOString(),
      foundAfterLostAnswer: true,
    };
  }
  const { investigation } = found;
  return {
    defenderId: investigation.id,
    status: investigation.state,
    deviceName: investigation.computerDnsName || undefined,
    at: investigation.startTime ?? now.toISOString(),
    foundAfterLostAnswer: true,
  };
}

async function recordStarted(
  services: Services,
  plan: ActionPlan,
  started: Started,
  onStarted: (tracker: Tracker) => void,
): Promise<LaunchResult> {
  const { stores, config } = services;
  const now = services.now();
  const deviceName = started.deviceName || (await plan.lookupName) || plan.device.name;
  const tracker = await stores.trackers.update(plan.trackerId, (t) => ({
    ...t,
    defenderId: started.defenderId,
    deviceName,
    status: started.status,
    history: started.status ? [...t.history, { status: started.status, at: now.toISOString() }] : t.history,
    // A tracker settled as "unknown" while the call was slow is followed again now that Defender answered.
    finishedAt: undefined,
    error: undefined,
    checks: 0,
    nextCheckAt: new Date(now.getTime() + config.trackerPollSeconds * 1000).toISOString(),
  }));
  if (plan.requestId) {
    await stores.requests.update(plan.requestId, (r) => ({ ...r, machineActionId: started.defenderId, deviceName }));
  }
  await auditLater(services, {
    user: plan.approvedBy ?? plan.requestedBy,
    action: defenderCallName(plan.operation),
    device: { id: plan.device.id, name: deviceName },
    outcome: 'requested',
    detail:
      `${trackedNoun(plan.operation)} ${started.defenderId}: ${started.status || 'status not given'}` +
      (started.foundAfterLostAnswer ? " (Defender's answer was lost; found in the device's action list)" : ''),
    conversationId: plan.conversationId,
  });
  onStarted(tracker!);
  return { started: true, tracker: tracker! };
}

async function recordRefused(services: Services, plan: ActionPlan, error: unknown): Promise<LaunchResult> {
  const { stores, log } = services;
  const now = services.now().toISOString();
  const deviceName = (await plan.lookupName) || plan.device.name;
  const unconfirmed = error instanceof StartUnconfirmed;
  const reason = unconfirmed
    ? lostAnswerUnconfirmed(error.lost, plan.operation, deviceName, error.lookupFailure)
    : defenderRefusal(error, plan.operation, deviceName);
  log.warn(
    {
      err: unconfirmed ? (error.lookupFailure ?? error.lost) : error,
      trackerId: plan.trackerId,
      deviceId: plan.device.id,
    },
    unconfirmed
      ? `${defenderCallName(plan.operation)} not confirmed: its answer was lost and Defender shows no such action`
      : `Defender did not start ${defenderCallName(plan.operation)}`,
  );
  const tracker = await stores.trackers.update(plan.trackerId, (t) => ({
    ...t,
    deviceName,
    status: NOT_STARTED,
    finishedAt: now,
    error: reason,
    ...(unconfirmed ? { unconfirmed: true } : {}),
  }));
  if (plan.requestId) {
    await stores.requests.update(plan.requestId, (r) => ({
      ...r,
      state: 'failed',
      error: reason,
      ...(unconfirmed ? { unconfirmed: true } : {}),
    }));
  }
  await releaseIntent(services, plan.intent);
  await auditLater(services, {
    user: plan.approvedBy ?? plan.requestedBy,
    action: defenderCallName(plan.operation),
    outcome: unconfirmed ? 'unconfirmed' : 'failed',
    detail: reason,
    device: { id: plan.device.id, name: deviceName },
    conversationId: plan.conversationId,
  });
  return { started: false, tracker: tracker!, reason, ...(unconfirmed ? { unconfirmed: true } : {}) };
}
