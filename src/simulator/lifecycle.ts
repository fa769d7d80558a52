/**
 * How the simulated tenant moves with the clock, as pure functions of a record and a time: machine actions step
 * Pending → InProgress → final, investigations run and wait for approval, devices report daily, risk follows
 * open alerts. Nothing here needs a timer, so a test that advances the clock sees the exact same story.
 */
import { GRAPH_SEVERITIES } from './catalog';
import type { ActionRecord, DeviceRecord, FinalActionStatus, InvestigationRecord } from './records';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Pending Action-center approvals expire after a week, as in Defender. */
export const PENDING_APPROVAL_EXPIRY_MS = 7 * DAY;

/** Actions sent to a device that does not report wait this long and then time out. */
export const OFFLINE_ACTION_TIMEOUT_MS = 7 * DAY;

/** Machine action status. */
export type ActionStatus = 'Pending' | 'InProgress' | FinalActionStatus;

/** Where an action stands at a time. */
export interface ActionState {
  status: ActionStatus;
  lastUpdate: number;
  cancelled?: { at: number; by: string; comment: string };
}

/** The status of `action` at `now`. */
export function actionStateAt(action: ActionRecord, now: number): ActionState {
  const cancel = action.cancel;
  if (cancel && cancel.at <= now) {
    const before = plannedStateAt(action, cancel.at);
    if (before.status === 'Pending' || before.status === 'InProgress') {
      return { status: 'Cancelled', lastUpdate: cancel.at, cancelled: cancel };
    }
  }
  const state = plannedStateAt(action, now);
  // A seeded cancellation: the plan ends Cancelled and the record says who cancelled.
  return cancel && state.status === 'Cancelled' ? { ...state, cancelled: cancel } : state;
}

function plannedStateAt(action: ActionRecord, now: number): ActionState {
  const elapsed = now - action.created;
  if (elapsed < action.pendingMs) return { status: 'Pending', lastUpdate: action.created };
  if (elapsed < action.pendingMs + action.inProgressMs) {
    return { status: 'InProgress', lastUpdate: action.created + action.pendingMs };
  }
  return { status: action.final, lastUpdate: action.created + action.pendingMs + action.inProgressMs };
}

/** True while the action is Pending or InProgress. */
export function isActive(action: ActionRecord, now: number): boolean {
  const s = actionStateAt(action, now).status;
  return s === 'Pending' || s === 'InProgress';
}

/** The course a new action takes on `device`: a reporting device completes in two steps, a silent one times out. */
export function planAction(
  device: DeviceRecord,
  stepMs: number,
): Pick<ActionRecord, 'pendingMs' | 'inProgressMs' | 'final'> {
  if (device.health === 'Inactive' || device.health === 'NoSensorData' || device.health === 'Unknown') {
    return { pendingMs: OFFLINE_ACTION_TIMEOUT_MS, inProgressMs: 0, final: 'TimeOut' };
  }
  if (device.health === 'ImpairedCommunication') {
    return { pendingMs: stepMs, inProgressMs: OFFLINE_ACTION_TIMEOUT_MS, final: 'TimeOut' };
  }
  return { pendingMs: stepMs, inProgressMs: stepMs, final: 'Succeeded' };
}

/** An active (Pending/InProgress) action of `type` on the device, if any. */
export function activeActionOf(device: DeviceRecord, types: readonly string[], now: number): ActionRecord | undefined {
  const actions = device.actions ?? [];
  for (let i = actions.length - 1; i >= 0; i--) {
    const a = actions[i];
    if (types.includes(a.type) && a.created <= now && isActive(a, now)) return a;
  }
  return undefined;
}

/** True when the device's latest completed isolation change is an isolation. */
export function isIsolatedAt(device: DeviceRecord, now: number): boolean {
  let latest: { at: number; isolated: boolean } | undefined;
  for (const a of device.actions ?? []) {
    if (a.type !== 'Isolate' && a.type !== 'Unisolate') continue;
    const state = actionStateAt(a, now);
    if (state.status !== 'Succeeded') continue;
    if (!latest || state.lastUpdate >= latest.at) latest = { at: state.lastUpdate, isolated: a.type === 'Isolate' };
  }
  return latest?.isolated ?? false;
}

/** Investigation state at a time, with its end when it has one. */
export interface InvestigationState {
  state: string;
  endTime?: number;
  statusDetails: string | null;
}

/** The state of `investigation` at `now`. */
export function investigationStateAt(investigation: InvestigationRecord, now: number): InvestigationState {
  const ran = investigation.start + investigation.runningMs;
  if (now < ran) return { state: 'Running', statusDetails: null };
  if (investigation.outcome !== 'PendingApproval') {
    return { state: investigation.outcome, endTime: ran, statusDetails: null };
  }
  const decision = investigation.decision;
  if (decision && decision.at <= now) {
    const verb = decision.approved ? 'approved' : 'rejected';
    return {
      state: decision.approved ? 'SuccessfullyRemediated' : 'PartiallyRemediated',
      endTime: decision.at,
      statusDetails: `Pending actions ${verb} by ${decision.by}`,
    };
  }
  if (now - ran >= PENDING_APPROVAL_EXPIRY_MS) {
    return {
      state: 'TerminatedBySystem',
      endTime: ran + PENDING_APPROVAL_EXPIRY_MS,
      statusDetails: 'Pending actions expired after 7 days without approval',
    };
  }
  return { state: 'PendingApproval', statusDetails: 'Remediation actions are awaiting approval in the Action center' };
}

/** When the device last sent its full report (`lastSeen`). */
export function lastSeenAt(device: DeviceRecord, now: number): number {
  if (device.silentSince !== undefined) return Math.min(device.silentSince, now);
  const last = Math.floor((now - device.reportPhase) / DAY) * DAY + device.reportPhase;
  return Math.max(device.firstSeen, last);
}

const RISK_BY_SEVERITY = ['None', 'Informational', 'Low', 'Medium', 'High'] as const;

/** Device risk: the highest severity among its unresolved alerts, `None` without any. */
export function riskScoreAt(device: DeviceRecord, now: number): string {
  let worst = 0;
  for (const alert of device.alerts ?? []) {
    if (alert.created > now || alert.status === 'resolved') continue;
    worst = Math.max(worst, GRAPH_SEVERITIES.indexOf(alert.severity));
  }
  return RISK_BY_SEVERITY[worst];
}
