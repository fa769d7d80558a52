/**
 * Remediation requests nobody decided in time expire (`APPROVAL_TTL_HOURS`): nothing is sent to Defender, the
 * request card says so, the audit log records it, and the device can be requested again.
 */
import { operationLabel } from '../cards/styles';
import type { Services } from '../services';
import type { RemediationRequest } from '../store/requests';
import { auditLater, SYSTEM } from './audit';
import { intentKey, releaseIntent } from './intents';
import { requestCard } from './statusCards';

/** The operation a request asks for. */
export function requestOperation(request: RemediationRequest) {
  return request.kind === 'isolate'
    ? ({ kind: 'isolate', isolationType: request.isolationType ?? 'Full' } as const)
    : ({ kind: 'release' } as const);
}

/** Expires every pending request whose time is up at `now`; returns those this call expired. */
export async function expireOverdueRequests(services: Services, now = services.now()): Promise<RemediationRequest[]> {
  const expired: RemediationRequest[] = [];
  for (const request of await services.stores.requests.pending()) {
    if (Date.parse(request.expiresAt) > now.getTime()) continue;
    const done = await expireRequest(services, request.id, now);
    if (done) expired.push(done);
  }
  return expired;
}

/** Expires one request if it is still pending and its time is up; returns it when this call expired it. */
export async function expireRequest(
  services: Services,
  id: string,
  now: Date,
): Promise<RemediationRequest | undefined> {
  const { request, changed } = await services.stores.requests.update(id, (r) =>
    r.state === 'pending' && Date.parse(r.expiresAt) <= now.getTime()
      ? { ...r, state: 'expired', decidedAt: now.toISOString() }
      : undefined,
  );
  if (!changed || !request) return undefined;
  await releaseIntent(services, { key: intentKey(requestOperation(request), request.deviceId), owner: request.id });
  await auditLater(services, {
    user: SYSTEM,
    action: 'expire request',
    device: { id: request.deviceId, name: request.deviceName },
    outcome: 'expired',
    detail:
      `${operationLabel(requestOperation(request))} requested by ${request.requestedBy.name} ` +
      `was not decided within ${services.config.approvalTtlHours} h; nothing was sent to Defender`,
    conversationId: request.conversationId,
  });
  await showRequestCard(services, request);
  return request;
}

/** Replaces the request's card with its current state; a refused update is logged. */
export async function showRequestCard(services: Services, request: RemediationRequest): Promise<void> {
  if (!request.activityId) return;
  const tracker = request.state === 'approved' ? await services.stores.trackers.get(request.id) : undefined;
  await services.messenger
    .update(request.conversationId, request.activityId, requestCard(services, request, tracker))
    .catch((err: unknown) =>
      services.log.warn({ err, requestId: request.id }, 'could not update a remediation request card'),
    );
}
