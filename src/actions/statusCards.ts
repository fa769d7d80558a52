/**
 * The cards a click answers with and the tracker keeps current: an action's live status, a remediation request,
 * a refusal.
 */
import { actionStatusCard, approvalCard, noticeCard, type AdaptiveCard, type NoticeLine } from '../cards';
import { formatAge } from '../cards/format';
import { operationLabel } from '../cards/styles';
import { cardContext, type Services } from '../services';
import type { RemediationRequest } from '../store/requests';
import type { TrackedOperation, Tracker } from '../store/trackers';
import { toRequestView } from '../views/actions';

/** Tracker status while Defender has not answered the request yet. */
export const REQUESTED = 'Requested';
/** Tracker status of an action Defender did not start (or whose start is unknown). */
export const NOT_STARTED = 'NotStarted';

/** The operation of a tracker (older records carry only the kind). */
export function trackedOperation(tracker: Tracker): TrackedOperation {
  if (tracker.operation) return tracker.operation;
  return tracker.kind === 'investigation' ? { kind: 'investigation' } : { kind: 'scan', scanType: 'Quick' };
}

/** The Defender status to show, or `undefined` while Defender has not answered. */
export function shownStatus(tracker: Pick<Tracker, 'status'>): string | undefined {
  const notFromDefender = tracker.status === REQUESTED || tracker.status === NOT_STARTED || tracker.status === '';
  return notFromDefender ? undefined : tracker.status;
}

/** "Antivirus scan (Quick) on pc-01 was not started". */
export function notStartedTitle(operation: TrackedOperation, deviceName: string): string {
  return `${operationLabel(operation)} on ${deviceName} was not started`;
}

/** "Antivirus scan (Quick) on pc-01 is not confirmed": the answer was lost and Defender shows no such action. */
export function unconfirmedTitle(operation: TrackedOperation, deviceName: string): string {
  return `${operationLabel(operation)} on ${deviceName} is not confirmed`;
}

/** The live status card of an action (not of a remediation request). */
export function actionCard(services: Services, tracker: Tracker, notice?: NoticeLine): AdaptiveCard {
  const ctx = cardContext(services);
  const operation = trackedOperation(tracker);
  if (tracker.finishedAt && tracker.error && !tracker.defenderId) {
    return tracker.unconfirmed
      ? refusalCard(services, unconfirmedTitle(operation, tracker.deviceName), tracker.error, 'warning')
      : refusalCard(services, notStartedTitle(operation, tracker.deviceName), tracker.error, 'error');
  }
  return actionStatusCard(ctx, {
    deviceId: tracker.deviceId,
    deviceName: tracker.deviceName,
    operation,
    requestedBy: tracker.requestedBy.name,
    requestedAt: tracker.requestedAt,
    status: shownStatus(tracker),
    lastUpdate: tracker.history.at(-1)?.at,
    defenderId: tracker.defenderId,
    notice: notice ?? (tracker.error ? { tone: 'warning', text: tracker.error } : undefined),
  });
}

/** A remediation request card, with the status of the action an approval started. */
export function requestCard(
  services: Services,
  request: RemediationRequest,
  action?: Tracker,
  notice?: NoticeLine,
): AdaptiveCard {
  return approvalCard(cardContext(services), toRequestView(request, action && shownStatus(action)), notice);
}

/** The card a tracker keeps current: the request card when it carries out an approved request. */
export async function trackerCard(services: Services, tracker: Tracker): Promise<AdaptiveCard> {
  if (tracker.requestId) {
    const request = await services.stores.requests.get(tracker.requestId);
    if (request) return requestCard(services, request, tracker);
  }
  return actionCard(services, tracker);
}

/** What a duplicate click sees: the running action, with who started it and when. */
export function alreadyRunningNotice(services: Services, by: string, at: string): NoticeLine {
  return {
    tone: 'info',
    text: `Already running: requested by ${by} ${formatAge(at, services.now())}. Nothing new was started.`,
  };
}

/** A refusal or a failure: a short notice card. */
export function refusalCard(
  services: Services,
  title: string,
  text: string,
  tone: 'warning' | 'error' = 'warning',
): AdaptiveCard {
  return noticeCard(cardContext(services), { tone, title, text: sentence(text) });
}

/** Capitalized, with a final period. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capital = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
