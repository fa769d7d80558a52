/**
 * A remediation request (isolate or release a device): who asked, why, until when, and where it stands.
 * `Approve` / `Reject` appear only while it is pending and not expired.
 */
import { machineActionSteps, stepLine, WAITING_FOR_DEFENDER } from './actionStatus';
import { BUTTON_TITLES } from './deviceActions';
import {
  actionSet,
  cardTitle,
  container,
  fact,
  factSet,
  subtleText,
  textBlock,
  type AdaptiveCard,
  type CardElement,
  type Container,
  type TextBlock,
} from './elements';
import { formatAge, formatTime, formatTimeAndAge, formatTimeLeft, isPast } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { noticeBlock } from './notice';
import { deviceName } from './rows';
import { portalButton } from './sections';
import { operationLabel, statusLabel } from './styles';
import { escapeOr, escapeText } from './text';
import { executeAction } from './verbs';
import type { CardContext, NoticeLine, RemediationOperation, RemediationRequestView } from './views';

const REQUEST_ID = /^[0-9a-z]{8,40}$/;

/** "Isolation (Full)", "Isolation (Selective)", "Release from isolation". */
export function remediationLabel(operation: RemediationOperation): string {
  return operationLabel(operation);
}

/** True while the request can still be approved or rejected: pending and before its expiry. */
export function isAwaitingApproval(request: RemediationRequestView, now: Date): boolean {
  return request.state.kind === 'pending' && !isPast(request.expiresAt, now);
}

/** `Approve` (positive) and `Reject` (destructive), or nothing once the request is decided or expired. */
export function approvalButtons(request: RemediationRequestView, now: Date): CardElement[] {
  if (!isAwaitingApproval(request, now) || !REQUEST_ID.test(request.id)) return [];
  const data = { requestId: request.id };
  return [
    actionSet([
      executeAction(BUTTON_TITLES.approve, { verb: 'approve', data }, 'positive'),
      executeAction(BUTTON_TITLES.reject, { verb: 'reject', data }, 'destructive'),
    ]),
  ];
}

/** Where the request stands, in one colored line. */
export function requestStateLine(ctx: CardContext, request: RemediationRequestView): TextBlock {
  const { state } = request;
  if (state.kind === 'pending') {
    return isPast(request.expiresAt, ctx.now)
      ? textBlock(`Expired at ${formatTime(request.expiresAt, ctx)}`, { color: 'Warning', weight: 'Bolder' })
      : textBlock(`Pending: waiting for an approver · ${formatTimeLeft(request.expiresAt, ctx.now)}`, {
          color: 'Accent',
          weight: 'Bolder',
        });
  }
  switch (state.kind) {
    case 'approved':
      return textBlock(`Approved by ${escapeOr(state.by, 'unknown', 80)} at ${formatTime(state.at, ctx)}`, {
        color: 'Good',
        weight: 'Bolder',
      });
    case 'rejected':
      return textBlock(
        `Rejected by ${escapeOr(state.by, 'unknown', 80)} at ${formatTime(state.at, ctx)}` +
          (state.comment ? `: ${escapeText(state.comment, 200)}` : ''),
        { color: 'Attention', weight: 'Bolder' },
      );
    case 'expired':
      return textBlock(`Expired at ${formatTime(state.at, ctx)}`, { color: 'Warning', weight: 'Bolder' });
    case 'failed':
      return textBlock(
        `${state.unconfirmed ? 'Not confirmed' : 'Failed'}: ${escapeOr(state.reason, 'unknown error', 300)}` +
          (state.at ? ` (${formatTime(state.at, ctx)})` : ''),
        { color: state.unconfirmed ? 'Warning' : 'Attention', weight: 'Bolder' },
      );
  }
}

/** A compact row for lists of pending requests: action, device, requester, age, time left, reason, buttons. */
export function requestRow(ctx: CardContext, request: RemediationRequestView): Container {
  return container(
    [
      textBlock(`**${remediationLabel(request.operation)}** on **${deviceName(request.deviceName)}**`),
      subtleText(
        [
          `requested by ${escapeOr(request.requestedBy, 'unknown', 80)}`,
          formatAge(request.requestedAt, ctx.now),
          formatTimeLeft(request.expiresAt, ctx.now),
        ].join(' · '),
      ),
      ...(request.reason ? [subtleText(`Reason: ${escapeText(request.reason, 200)}`)] : []),
      ...approvalButtons(request, ctx.now),
    ],
    { separator: true, spacing: 'Medium' },
  );
}

function actionProgress(request: RemediationRequestView): CardElement[] {
  if (request.state.kind !== 'approved' || !request.state.action) return [];
  const { action } = request.state;
  return [
    stepLine(machineActionSteps(action.status)),
    factSet([
      fact('Action status', action.status ? statusLabel(action.status) : WAITING_FOR_DEFENDER),
      ...(action.defenderActionId ? [fact('Defender action id', escapeText(action.defenderActionId, 80))] : []),
    ]),
  ];
}

/** The remediation request card; `notice` adds a line on top (e.g. "Already requested by Ann"). */
export function approvalCard(ctx: CardContext, request: RemediationRequestView, notice?: NoticeLine): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(
      ctx,
      [
        ...(notice ? [noticeBlock(notice)] : []),
        cardTitle(`Remediation request: ${remediationLabel(request.operation)}`),
        requestStateLine(ctx, request),
        ...actionProgress(request),
        factSet([
          fact('Device', deviceName(request.deviceName)),
          fact('Action', remediationLabel(request.operation)),
          fact('Reason', escapeOr(request.reason, 'none given', 300)),
          fact('Requested by', escapeOr(request.requestedBy, 'unknown', 80)),
          fact('Requested at', formatTimeAndAge(request.requestedAt, ctx)),
          fact('Expires at', formatTime(request.expiresAt, ctx)),
          fact('Request id', escapeText(request.id, 40)),
        ]),
        ...(isAwaitingApproval(request, ctx.now)
          ? [subtleText('Only an approver who is not the requester can approve; every decision is recorded.')]
          : []),
        ...approvalButtons(request, ctx.now),
      ],
      [portalButton(ctx, { page: 'device', id: request.deviceId })],
    ),
  );
}
