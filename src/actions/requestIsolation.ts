/**
 * `Request isolation` / `Selective isolation` / `Request release`: a remediation request that waits for a second
 * person's approval. Nothing is sent to Defender here; one open request per device at a time.
 */
import type { CardAction } from '../cards/verbs';
import { isAllowed } from '../config';
import { operationLabel } from '../cards/styles';
import type { DefenderApi } from '../defender/api';
import type { Claim } from '../store/claims';
import type { Person, RemediationRequest } from '../store/requests';
import type { Tracker } from '../store/trackers';
import { audit } from './audit';
import { clickedDevice, clickerOnly, replaceForAll, type ClickContext } from './clickContext';
import { afterAnswer, byDeadline } from './deadline';
import { expireRequest, requestOperation, showRequestCard } from './expiry';
import { claimIntent, inStartGrace, intentKey, type IntentData } from './intents';
import { newTrackerId } from './launch';
import { NOT_AN_OPERATOR } from './refusals';
import { refusalCard, requestCard } from './statusCards';
import type { ClickOutcome } from './types';

/** What a remediation request asks for. */
export type RemediationOperation = { kind: 'isolate'; isolationType: 'Full' | 'Selective' } | { kind: 'release' };

/** What the device looked like when the request was made: its name and why containment may be wanted. */
export interface DeviceContext {
  name?: string;
  reason?: string;
}

/** The open request (or the click still creating it) that holds a device's containment intent. */
type OpenRequest = { request: RemediationRequest; tracker?: Tracker } | { creatingBy: Person; at: string };

/** Handles `requestIsolation`. */
export function requestIsolation(
  ctx: ClickContext,
  data: Extract<CardAction, { verb: 'requestIsolation' }>['data'],
): Promise<ClickOutcome> {
  return requestRemediation(ctx, { kind: 'isolate', isolationType: data.isolationType }, data.deviceId);
}

/** Handles `requestRelease`. */
export function requestRelease(
  ctx: ClickContext,
  data: Extract<CardAction, { verb: 'requestRelease' }>['data'],
): Promise<ClickOutcome> {
  return requestRemediation(ctx, { kind: 'release' }, data.deviceId);
}

/** The reason shown on a request: the device's active alerts when it was requested. */
export async function describeDevice(
  defender: Pick<DefenderApi, 'getMachine' | 'listMachineAlerts'>,
  deviceId: string,
  knownName?: string,
): Promise<DeviceContext> {
  const [machine, alerts] = await Promise.all([
    knownName ? { computerDnsName: knownName } : defender.getMachine(deviceId).catch(() => undefined),
    defender.listMachineAlerts(deviceId).catch(() => undefined),
  ]);
  const active = (alerts ?? []).filter((a) => a.status.toLowerCase() !== 'resolved');
  const rank = (s: string) => ['informational', 'low', 'medium', 'high'].indexOf(s.toLowerCase());
  const worst = [...active].sort((a, b) => rank(b.severity) - rank(a.severity))[0];
  const count = `${active.length} active alert${active.length === 1 ? '' : 's'} on the device`;
  const reason = !alerts
    ? undefined
    : worst
      ? `${count}; most severe: ${worst.title} (${worst.severity})`
      : 'No active alerts on the device when requested';
  return { name: machine?.computerDnsName || undefined, reason };
}

async function requestRemediation(
  ctx: ClickContext,
  operation: RemediationOperation,
  deviceId: string,
): Promise<ClickOutcome> {
  const { services, click, names } = ctx;
  const { user, conversation } = click;
  const { stores, config } = services;
  const action = operation.kind === 'isolate' ? 'request isolation' : 'request release';
  const device = await clickedDevice(ctx, deviceId);
  type RequestAudit = 'allowed' | 'refused' | 'duplicate' | 'requested';
  const auditClick = (outcome: RequestAudit, detail?: string, name = device.name) =>
    audit(services, { user, action, device: { id: deviceId, name }, outcome, detail, conversationId: conversation.id });

  if (!isAllowed(config.operators, user)) {
    await auditClick('refused', 'not in SECURITY_OPERATORS');
    return clickerOnly(refusalCard(services, 'Not allowed', NOT_AN_OPERATOR));
  }

  const requestId = newTrackerId();
  const now = services.now();
  const data: IntentData = { requestId, requestedBy: user, requestedAt: now.toISOString() };
  const key = intentKey(operation, deviceId);
  const claim = await claimIntent(services, key, requestId, data, (holder) => openRequest(ctx, holder));
  if (!claim.won) {
    const open = claim.running;
    if ('creatingBy' in open) {
      await auditClick('duplicate', `a request by ${open.creatingBy.name} is being created`);
      const text = `${open.creatingBy.name} is requesting containment of this device right now`;
      return clickerOnly(refusalCard(services, 'Already requested', text));
    }
    const { request, tracker } = open;
    const detail = `request ${request.id} by ${request.requestedBy.name} is ${request.state}`;
    await auditClick('duplicate', detail, request.deviceName);
    return clickerOnly(
      requestCard(services, request, tracker, {
        tone: 'info',
        text:
          `${operationLabel(requestOperation(request))} of this device was already requested by ` +
          `${request.requestedBy.name}. Nothing new was created.`,
      }),
    );
  }
  await auditClick('allowed');

  const described = describeDevice(services.defender, deviceId, device.name === deviceId ? undefined : device.name);
  const answer = await byDeadline(described, ctx.deadline);
  const context: DeviceContext = answer.late ? {} : answer.value;
  names.remember(deviceId, context.name);
  const request: RemediationRequest = {
    id: requestId,
    kind: operation.kind,
    ...(operation.kind === 'isolate' ? { isolationType: operation.isolationType } : {}),
    deviceId,
    deviceName: context.name ?? device.name,
    reason: context.reason ?? '',
    requestedBy: user,
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + config.approvalTtlHours * 3_600_000).toISOString(),
    state: 'pending',
    conversationId: conversation.id,
    ...(click.cardActivityId ? { activityId: click.cardActivityId } : {}),
  };
  await stores.requests.create(request);
  await auditClick('requested', `request ${requestId}; expires ${request.expiresAt}`, request.deviceName);

  if (answer.late) {
    // The device details came too late for the answer: the request card gets them when they arrive.
    const answeredAt = Date.now();
    void described
      .then(async (late) => {
        names.remember(deviceId, late.name);
        const { request: updated } = await stores.requests.update(requestId, (r) => ({
          ...r,
          deviceName: late.name ?? r.deviceName,
          reason: r.reason || late.reason || '',
        }));
        await afterAnswer(answeredAt);
        if (updated) await showRequestCard(services, updated);
      })
      .catch((err: unknown) => services.log.warn({ err, requestId }, 'could not complete a remediation request card'));
  }
  return replaceForAll(requestCard(services, request));
}

/** The open request behind a held intent, or `undefined` when it was decided and its action ended. */
async function openRequest(ctx: ClickContext, holder: Claim<IntentData>): Promise<OpenRequest | undefined> {
  const { services } = ctx;
  const id = holder.data?.requestId;
  const request = id ? await services.stores.requests.get(id) : undefined;
  if (!request) {
    if (!holder.data || !inStartGrace(services, holder)) return undefined;
    return { creatingBy: holder.data.requestedBy, at: holder.data.requestedAt };
  }
  const now = services.now();
  if (request.state === 'pending') {
    if (Date.parse(request.expiresAt) > now.getTime()) return { request };
    await expireRequest(services, request.id, now);
    return undefined;
  }
  if (request.state !== 'approved') return undefined;
  const tracker = await services.stores.trackers.get(request.id);
  if (tracker) return tracker.finishedAt ? undefined : { request, tracker };
  // Just approved: the isolation is being started.
  const decidedAt = Date.parse(request.decidedAt ?? request.requestedAt);
  return now.getTime() - decidedAt < 5 * 60_000 ? { request } : undefined;
}
