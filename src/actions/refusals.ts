/**
 * Why a click did nothing, in words the clicker can act on: who may do what (SPEC §3), and Defender's own
 * refusals (an action already running, an unsupported OS, an offboarded device, a missing permission, a quota).
 */
import { DefenderApiError, DefenderNetworkError, isAlreadyRunning } from '../defender/errors';
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

/** Why Defender did not start `operation` on `device`, as one sentence without a final period. */
export function defenderRefusal(error: unknown, operation: TrackedOperation, device: string): string {
  if (!(error instanceof DefenderApiError)) return 'an unexpected error occurred (details in the bot log)';
  const code = error.code ?? '';
  const message = error.serverMessage ?? '';
  if (isAlreadyRunning(error)) return alreadyRunning(operation, device, message);
  if (code === 'OsPlatformNotSupported') {
    return `the operating system of ${device} does not support ${pluralNoun(operation)}`;
  }
  if (code === 'DisallowedOperation') {
    // "{the disallowed operation and the reason}" (common-errors page): any reason, in Defender's own words.
    const reason = message.replace(/[.\s]+$/, '');
    return reason ? `not allowed on ${device} (${reason})` : `not allowed on ${device}`;
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

/**
 * Why a click shows no action although it may have started: Defender's answer was lost and its lists show no such
 * action (yet). Never "refused": Defender did not say no.
 */
export function lostAnswerUnconfirmed(
  lost: unknown,
  operation: TrackedOperation,
  device: string,
  lookupFailure?: unknown,
): string {
  const how =
    lost instanceof DefenderNetworkError && lost.kind === 'timeout'
      ? 'no answer came in time'
      : 'the connection was cut before the answer came';
  const looked = lookupFailure
    ? "the device's action list could not be read to check whether it started"
    : `Defender shows no ${operationNoun(operation)} requested by Watchstander on ${device}`;
  return (
    `Defender's answer to the ${operationNoun(operation)} was lost (${how}), and ${looked}; ` +
    "it may not have started. Check the device's action history in the Microsoft Defender portal before trying again"
  );
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
