/**
 * Machine actions, investigations and remediation requests as cards show them.
 */
import type { InvestigationView, MachineActionView, RemediationRequestView, RemediationState } from '../cards';
import type { Investigation, MachineAction } from '../defender/models';
import type { RemediationRequest } from '../store/requests';

/** Maps a Defender machine action into a card row. */
export function toMachineActionView(action: MachineAction): MachineActionView {
  return {
    id: action.id,
    type: action.type,
    scope: action.scope,
    status: action.status,
    requestor: action.requestor,
    deviceId: action.machineId,
    deviceName: action.computerDnsName ?? action.machineId,
    createdAt: action.creationDateTimeUtc,
    updatedAt: action.lastUpdateDateTimeUtc,
  };
}

/** Maps a Defender automated investigation into a card row. */
export function toInvestigationView(investigation: Investigation): InvestigationView {
  return {
    id: investigation.id,
    deviceId: investigation.machineId,
    deviceName: investigation.computerDnsName || investigation.machineId,
    state: investigation.state,
    startedAt: investigation.startTime,
    endedAt: investigation.endTime,
  };
}

/** Maps a stored remediation request (and the status of the action it started) into its card view. */
export function toRequestView(request: RemediationRequest, actionStatus?: string): RemediationRequestView {
  const state: RemediationState =
    request.state === 'pending'
      ? { kind: 'pending' }
      : request.state === 'approved'
        ? {
            kind: 'approved',
            by: request.decidedBy?.name ?? 'an approver',
            at: request.decidedAt ?? request.requestedAt,
            action: { status: actionStatus, defenderActionId: request.machineActionId },
          }
        : request.state === 'rejected'
          ? {
              kind: 'rejected',
              by: request.decidedBy?.name ?? 'an approver',
              at: request.decidedAt ?? request.requestedAt,
            }
          : request.state === 'expired'
            ? { kind: 'expired', at: request.decidedAt ?? request.expiresAt }
            : {
                kind: 'failed',
                reason: request.error ?? 'Defender refused the action',
                at: request.decidedAt,
                ...(request.unconfirmed ? { unconfirmed: true } : {}),
              };
  return {
    id: request.id,
    deviceId: request.deviceId,
    deviceName: request.deviceName,
    operation:
      request.kind === 'isolate'
        ? { kind: 'isolate', isolationType: request.isolationType ?? 'Full' }
        : { kind: 'release' },
    reason: request.reason,
    requestedBy: request.requestedBy.name,
    requestedAt: request.requestedAt,
    expiresAt: request.expiresAt,
    state,
  };
}
