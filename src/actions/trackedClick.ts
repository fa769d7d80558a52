/**
 * The shape of a click that starts a Defender action right away (`Run antivirus scan`, `Start investigation`):
 * authorize → claim the intent → record → call Defender within the invoke budget → answer with the live card.
 */
import { isAllowed } from '../config';
import { operationLabel } from '../cards/styles';
import type { Claim } from '../store/claims';
import type { TrackedOperation, Tracker } from '../store/trackers';
import { audit } from './audit';
import { clickerOnly, replaceForAll, type ClickContext } from './clickContext';
import { defenderComment } from './comment';
import { byDeadline } from './deadline';
import { claimIntent, inStartGrace, intentKey, type IntentData } from './intents';
import { launch, newTrackerId } from './launch';
import { NOT_AN_OPERATOR } from './refusals';
import {
  actionCard,
  alreadyRunningNotice,
  notStartedTitle,
  REQUESTED,
  refusalCard,
  unconfirmedTitle,
} from './statusCards';
import type { ClickOutcome } from './types';

/** The audit name of a click that starts `operation`. */
export function clickAction(operation: TrackedOperation): string {
  if (operation.kind === 'scan') return `scan (${operation.scanType})`;
  return operation.kind === 'investigation' ? 'investigate' : operation.kind;
}

/** Handles a click that starts `operation` on a device. */
export async function startFromClick(
  ctx: ClickContext,
  operation: TrackedOperation,
  deviceId: string,
): Promise<ClickOutcome> {
  const { services, click, names } = ctx;
  const { user, conversation } = click;
  // The device name is not awaited before Defender is called: a known name is used at once, otherwise it is looked
  // up alongside the call (the action Defender returns names the device too), saving a round trip per click.
  const device = { id: deviceId, name: names.known(deviceId) ?? deviceId };
  const auditClick = (outcome: 'allowed' | 'refused' | 'duplicate', detail?: string) =>
    audit(services, { user, action: clickAction(operation), device, outcome, detail, conversationId: conversation.id });

  if (!isAllowed(services.config.operators, user)) {
    await auditClick('refused', 'not in SECURITY_OPERATORS');
    return clickerOnly(refusalCard(services, 'Not allowed', NOT_AN_OPERATOR));
  }

  const trackerId = newTrackerId();
  const key = intentKey(operation, deviceId);
  const data: IntentData = { trackerId, requestedBy: user, requestedAt: services.now().toISOString() };
  const claim = await claimIntent(services, key, trackerId, data, (holder) =>
    runningTracker(ctx, holder, operation, deviceId),
  );
  if (!claim.won) {
    const running = claim.running;
    const { requestedBy, requestedAt } = running;
    await auditClick('duplicate', `already running: ${running.label} by ${requestedBy.name} since ${requestedAt}`);
    return clickerOnly(actionCard(services, running, alreadyRunningNotice(services, requestedBy.name, requestedAt)));
  }
  await auditClick('allowed');

  const { tracker, result } = await launch(
    services,
    {
      trackerId,
      operation,
      device,
      requestedBy: user,
      intent: { key, owner: trackerId },
      conversationId: conversation.id,
      activityId: click.cardActivityId,
      comment: defenderComment(operationLabel(operation), user),
      lookupName: device.name === deviceId ? names.lookup(deviceId) : undefined,
    },
    (started) => {
      names.remember(deviceId, started.deviceName);
      ctx.tracker.follow(started);
    },
  );
  ctx.tracker.finishBeforeStop(result);
  const answer = await byDeadline(result, ctx.deadline);
  if (answer.late) {
    // Defender is slow: the card says "requested" now, and the outcome replaces it when the call ends.
    const answeredAt = Date.now();
    void result.then(() => ctx.tracker.showAfterAnswer(tracker.id, answeredAt));
    return replaceForAll(actionCard(services, tracker));
  }
  const outcome = answer.value;
  if (!outcome.started) {
    // Nothing started: only the clicker sees why; the card stays as it was for everyone else.
    const name = outcome.tracker.deviceName;
    if (outcome.unconfirmed) {
      return clickerOnly(refusalCard(services, unconfirmedTitle(operation, name), outcome.reason, 'warning'));
    }
    const title = notStartedTitle(operation, name);
    return clickerOnly(refusalCard(services, title, `Defender refused: ${outcome.reason}`, 'error'));
  }
  return replaceForAll(actionCard(services, outcome.tracker));
}

/** The running action behind a held intent, or `undefined` when it has ended (the claim is then stale). */
async function runningTracker(
  ctx: ClickContext,
  holder: Claim<IntentData>,
  operation: TrackedOperation,
  deviceId: string,
): Promise<Tracker | undefined> {
  const { services } = ctx;
  const id = holder.data?.trackerId;
  const tracker = id ? await services.stores.trackers.get(id) : undefined;
  if (tracker) return tracker.finishedAt ? undefined : tracker;
  if (!holder.data || !inStartGrace(services, holder)) return undefined;
  // The winning click is still storing its tracker: show what its claim says.
  return {
    id: id ?? holder.owner,
    kind: operation.kind === 'investigation' ? 'investigation' : 'machineAction',
    label: operationLabel(operation),
    operation,
    deviceId,
    deviceName: ctx.names.known(deviceId) ?? deviceId,
    requestedBy: holder.data.requestedBy,
    requestedAt: holder.data.requestedAt,
    status: REQUESTED,
    history: [],
    conversationId: ctx.click.conversation.id,
    nextCheckAt: holder.expiresAt,
    checks: 0,
  };
}
