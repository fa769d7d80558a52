/**
 * Why a click did nothing, in words the clicker can act on: who may do what (SPEC §3), and Defender's own
 * refusals (an action already running, an unsupported OS, an offboarded device, a missing permission, a quota).
 */
import { DefenderApiError } from '../defender/errors';
import { PERMISSION_RESOURCE } from '../defender/permissions';
import type { TrackedOperation } from '../store/trackers';

/** Refusals of the authorization checks. */
export const NOT_AN_OPERATOR =
  'Only security operators can run scans, start investigations or request isolation. ' +
  'An administrator can add you to SECURITY_OPERATORS.';
export const NOT_A_TRIAGER =
  'Only security operators can triage incidents (assign, take over, resolve). ' +
  'An administrator can add you to SECURITY_OPERATORS.';
export const NOT_AN_APPROVER =
  'Only security approvers can approve or reject remediation requests. ' +
  'An administrator can add you to SECURITY_APPROVERS.';
export const OWN_REQUEST = 'You asked for this yourself: a second person must approve or reject it (two-person rule).';
export const AUDIT_APPROVERS_ONLY = 'Only security approvers can see the audit log.';

/** "antivirus scan", "automated investigation", "isolation", "release from isolation". */
export function operationNoun(operation: TrackedOperation): string {
  switch (operation.kind) {
    case 'scan':
      return `${operation.scanType.toLowerCase()} antivirus scan`;
    case 'investigation':
      return 'automated investigation';
    case 'isolate':
      return `${operation.isolationType.toLowerCase()} isolation`;
    case 'release':
      return 'release from isolation';
  }
}

const ALREADY_RUNNING = /already in progress|ActiveRequestAlreadyExists/i;
const NOT_ONBOARDED = /offboarded|not onboarded/i;

/** Why Defender did not start `operation` on `device`, as one sentence without a final period. */
export function defenderRefusal(error: unknown, operation: TrackedOperation, device: string): string {
  if (!(error instanceof DefenderApiError)) return 'an unexpected error occurred (details in the bot log)';
  const code = error.code ?? '';
  const message = error.serverMessage ?? '';
  if (code === 'ActiveRequestAlreadyExists' || ALREADY_RUNNING.test(message)) {
    return alreadyRunning(operation, device, message);
  }
  if (code === 'OsPlatformNotSupported') {
    return `the operating system of ${device} does not support ${pluralNoun(operation)}`;
  }
  if (code === 'DisallowedOperation' || NOT_ONBOARDED.test(message)) {
    return /not onboarded/i.test(message)
      ? `${device} is not onboarded to Defender for Endpoint, so it cannot take actions`
      : `${device} is offboarded from Defender for Endpoint, so it cannot take actions`;
  }
  if (error.status === 403 && error.missingPermission) {
    return (
      `the Watchstander app lacks the application permission ${error.missingPermission} ` +
      `(${PERMISSION_RESOURCE[error.api]}); an administrator must add it and grant admin consent`
    );
  }
  if (error.status === 429) {
    const wait = error.retryAfterSeconds === undefined ? 'later' : `in ${waitText(error.retryAfterSeconds)}`;
    return operation.kind === 'investigation'
      ? `Defender allows 50 automated investigations per hour and that limit is reached; try again ${wait}`
      : `Defender's request limit is reached; try again ${wait}`;
  }
  if (error.status === 404) return `${device} was not found in Defender for Endpoint`;
  return error.readableMessage().replace(/\.$/, '');
}

function alreadyRunning(operation: TrackedOperation, device: string, message: string): string {
  switch (operation.kind) {
    case 'scan':
      return `a scan is already running on ${device}`;
    case 'investigation':
      return `an investigation is already running on ${device}`;
    case 'isolate':
      return /already isolated/i.test(message)
        ? `${device} is already isolated`
        : `an isolation or release is already running on ${device}`;
    case 'release':
      return `an isolation or release is already running on ${device}`;
  }
}

function pluralNoun(operation: TrackedOperation): string {
  switch (operation.kind) {
    case 'scan':
      return 'antivirus scans';
    case 'investigation':
      return 'automated investigations';
    default:
      return 'network isolation';
  }
}

function waitText(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, seconds)} s`;
  return `${Math.ceil(seconds / 60)} min`;
}
