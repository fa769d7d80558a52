/**
 * `Approve` / `Reject` on a remediation request: only a `SECURITY_APPROVERS` member who is not the requester.
 * The decision is a compare-and-set on the request, so concurrent approvals start exactly one Defender action;
 * a rejection (like an expiry) sends nothing.
 */
import type { CardAction } from '../cards/verbs';
import { operationLabel } from '../cards/styles';
import { isAllowed } from '../config';
import type { AuditOutcome } from '../store/audit';
import { mayBeSamePerson, type RemediationRequest } from '../store/requests';
import { audit } from './audit';
import { clickerOnly, replaceForAll, type ClickContext } from './clickContext';
import { defenderComment } from './comment';
import { afterAnswer, byDeadline } from './deadline';
import { expireRequest, requestOperation, showRequestCard } from './expiry';
import { intentKey, releaseIntent } from './intents';
import { launch } from './launch';
import { NOT_AN_APPROVER, OWN_REQUEST } from './refusals';
import { refusalCard, requestCard } from './statusCards';
import type { ClickOutcome } from './types';

/** Approve or reject. */
export type Decision = 'approve' | 'reject';

/** Handles `approve` and `reject`. */
export async function decide(
  ctx: ClickContext,
  decision: Decision,
  data: Extract<CardAction, { verb: 'approve' | 'reject' }>['data'],
): Promise<ClickOutcome> {
  const { services, click } = ctx;
  const { user, conversation } = click;
  const { stores, config } = services;
  const found = await stores.requests.get(data.requestId);
  const auditClick = (outcome: AuditOutcome, detail: string, request = found) =>
    audit(services, {
      user,
      action: decision,
      device: request ? { id: request.deviceId, name: request.deviceName } : undefined,
      outcome,
      detail: `request ${data.requestId}: ${detail}`,
      conversationId: conversation.id,
    });

  if (!isAllowed(config.approvers, user)) {
    await auditClick('refused', 'not in SECURITY_APPROVERS');
    return clickerOnly(refusalCard(services, 'Not allowed', NOT_AN_APPROVER));
  }
  if (!found) {
    await auditClick('refused', 'no such request');
    return clickerOnly(refusalCard(services, 'Unknown request', 'This remediation request does not exist (any more)'));
  }
  if (mayBeSamePerson(found.requestedBy, user)) {
    await auditClick('refused', 'the requester cannot decide their own request');
    return clickerOnly(refusalCard(services, 'Not allowed', OWN_REQUEST));
  }

  const now = services.now();
  if (found.state === 'pending' && Date.parse(found.expiresAt) <= now.getTime()) {
    const expired = (await expireRequest(services, found.id, now)) ?? (await stores.requests.get(found.id)) ?? found;
    await auditClick('refused', 'the request has expired', expired);
    return replaceForAll(requestCard(services, expired));
  }

  const { request, changed } = await stores.requests.update(found.id, (r) =>
    r.state === 'pending' && Date.parse(r.expiresAt) > now.getTime()
      ? { ...r, state: decision === 'approve' ? 'approved' : 'rejected', decidedBy: user, decidedAt: now.toISOString() }
      : undefined,
  );
  if (!changed || !request) {
    // Someone decided first (or it expired meanwhile): show where it stands, start nothing.
    const current = request ?? found;
    const tracker = current.state === 'approved' ? await stores.trackers.get(current.id) : undefined;
    const by = current.decidedBy ? ` by ${current.decidedBy.name}` : '';
    await auditClick('duplicate', `already ${current.state}${by}`, current);
    return clickerOnly(requestCard(services, current, tracker, { tone: 'info', text: alreadyDecided(current) }));
  }
  await auditClick(
    decision === 'approve' ? 'approved' : 'rejected',
    `${operationLabel(requestOperation(request))} requested by ${request.requestedBy.name}`,
    request,
  );

  if (decision === 'reject') {
    await releaseIntent(services, { key: intentKey(requestOperation(request), request.deviceId), owner: request.id });
    updateRequestCardElsewhere(ctx, request);
    return replaceForAll(requestCard(services, request));
  }
  return carryOut(ctx, request);
}

/** Why a late decision changes nothing, by where the request stands. */
export function alreadyDecided(request: RemediationRequest): string {
  const by = request.decidedBy?.name ?? 'an approver';
  switch (request.state) {
    case 'approved':
      return `Already approved by ${by}. Nothing new was started.`;
    case 'rejected':
      return `Already rejected by ${by}. Nothing was sent to Defender.`;
    case 'expired':
      return 'This request expired without a decision. Nothing was sent to Defender.';
    case 'failed':
      return request.unconfirmed
        ? `Already approved by ${by}, but Defender's answer was lost and the action is not confirmed. ` +
            'Check the Defender portal before requesting it again.'
        : `Already approved by ${by}, but Defender did not carry it out. Request it again to retry.`;
    case 'pending':
      return 'This request is still pending.';
  }
}

/** Starts the approved action (exactly once: only the approval that won the compare-and-set gets here). */
async function carryOut(ctx: ClickContext, request: RemediationRequest): Promise<ClickOutcome> {
  const { services, click } = ctx;
  const operation = requestOperation(request);
  const approver = click.user;
  const { tracker, result } = await launch(
    services,
    {
      trackerId: request.id,
      operation,
      device: { id: request.deviceId, name: request.deviceName },
      requestedBy: request.requestedBy,
      approvedBy: approver,
      requestId: request.id,
      intent: { key: intentKey(operation, request.deviceId), owner: request.id },
      conversationId: request.conversationId,
      activityId: request.activityId ?? click.cardActivityId,
      comment: defenderComment(operationLabel(operation), request.requestedBy, { approver, reason: request.reason }),
    },
    (started) => ctx.tracker.follow(started),
  );
  ctx.tracker.finishBeforeStop(result);
  const answer = await byDeadline(result, ctx.deadline);
  const answeredAt = Date.now();
  // Slow Defender: the card shows "approved — waiting for Defender" now, and the outcome when the call ends.
  if (answer.late) void result.then(() => ctx.tracker.showAfterAnswer(tracker.id, answeredAt));
  const current = (await services.stores.requests.get(request.id)) ?? request;
  const shown = answer.late ? tracker : answer.value.tracker;
  updateRequestCardElsewhere(ctx, current);
  return replaceForAll(requestCard(services, current, shown));
}

/** When the decision was clicked on another card (`show pending actions`), the request's own card follows. */
function updateRequestCardElsewhere(ctx: ClickContext, request: RemediationRequest): void {
  if (!request.activityId || request.activityId === ctx.click.cardActivityId) return;
  const answeredAt = Date.now();
  void afterAnswer(answeredAt)
    .then(async () => showRequestCard(ctx.services, (await ctx.services.stores.requests.get(request.id)) ?? request))
    .catch((err: unknown) =>
      ctx.services.log.warn({ err, requestId: request.id }, 'could not update a remediation request card'),
    );
}
