/**
 * A Defender POST whose answer was lost (the connection was reset, or no answer came in time, after the request was
 * sent) may still have started the action (docs/service-behaviour.md §14). Before telling anyone anything, the bot
 * asks Defender: the device's machine actions of that type created since the click, or its investigations started
 * since then, looked up a few times because a new action can take a moment to show in the lists.
 */
import type { DefenderApi } from '../defender/api';
import { DefenderNetworkError } from '../defender/errors';
import type { Investigation, MachineAction, MachineActionType } from '../defender/models';
import { and, isoDate, quote } from '../defender/odata';
import type { TrackedOperation } from '../store/trackers';

/** Waits before each lookup: at once, then after 2, 5 and 10 more seconds. */
export const LOOKUP_DELAYS_MS: readonly number[] = [0, 2000, 5000, 10_000];

/** How far before the click a found action may have been created (clocks of the bot and Defender differ). */
export const CLOCK_SKEW_MS = 2 * 60_000;

/** What was asked of Defender, as the lookup needs it. */
export interface AskedAction {
  operation: TrackedOperation;
  deviceId: string;
  /** The `Comment` sent with the POST: Defender keeps it as the action's `requestorComment`. */
  comment?: string;
  /** When the POST was sent. */
  since: Date;
}

/** The action Defender shows for a lost answer. */
export type FoundAction =
  | { kind: 'machineAction'; action: MachineAction }
  | { kind: 'investigation'; investigation: Investigation };

/** True when `error` is a POST that failed without an answer after it may have reached Defender. */
export function answerMayBeLost(error: unknown): error is DefenderNetworkError {
  return error instanceof DefenderNetworkError && error.method === 'POST' && error.mayHaveReachedService;
}

/** The machine action type an operation creates (an investigation is not a machine action). */
export function actionTypeOf(operation: TrackedOperation): MachineActionType | undefined {
  switch (operation.kind) {
    case 'scan':
      return 'RunAntiVirusScan';
    case 'isolate':
      return 'Isolate';
    case 'release':
      return 'Unisolate';
    case 'investigation':
      return undefined;
  }
}

/**
 * Looks for the action a lost answer may have started, at each of `delays`; `undefined` when Defender shows none.
 * A lookup that fails is retried at the next delay; the last failure is thrown.
 */
export async function findStartedAction(
  defender: Pick<DefenderApi, 'listMachineActions' | 'listInvestigations'>,
  asked: AskedAction,
  delays: readonly number[] = LOOKUP_DELAYS_MS,
): Promise<FoundAction | undefined> {
  let failure: unknown;
  for (const delay of delays) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      const found = await lookOnce(defender, asked);
      if (found) return found;
      failure = undefined;
    } catch (error) {
      failure = error;
    }
  }
  if (failure !== undefined) throw failure;
  return undefined;
}

async function lookOnce(
  defender: Pick<DefenderApi, 'listMachineActions' | 'listInvestigations'>,
  asked: AskedAction,
): Promise<FoundAction | undefined> {
  const from = asked.since.getTime() - CLOCK_SKEW_MS;
  const type = actionTypeOf(asked.operation);
  if (type) {
    const actions = await defender.listMachineActions({
      filter: and(
        `machineId eq ${quote(asked.deviceId)}`,
        `type eq ${quote(type)}`,
        `creationDateTimeUtc ge ${isoDate(new Date(from))}`,
      ),
    });
    const action = pickAction(actions, asked, from);
    return action && { kind: 'machineAction', action };
  }
  // startTime is nullable (a queued investigation has none), so the filter is on the device only.
  const investigations = await defender.listInvestigations({ filter: `machineId eq ${quote(asked.deviceId)}` });
  const investigation = pickInvestigation(investigations, from);
  return investigation && { kind: 'investigation', investigation };
}

/** The action with our comment, else the newest of the type created since the click. */
function pickAction(actions: readonly MachineAction[], asked: AskedAction, from: number): MachineAction | undefined {
  const recent = actions.filter((a) => Date.parse(a.creationDateTimeUtc) >= from);
  const ours = asked.comment ? recent.filter((a) => a.requestorComment === asked.comment) : [];
  const candidates = ours.length > 0 ? ours : recent.filter((a) => !a.requestorComment || !asked.comment);
  return newest(candidates, (a) => a.creationDateTimeUtc);
}

/**
 * The newest investigation started since the click (or not started yet), preferring one no alert triggered: an
 * investigation started through the API has no triggering alert.
 */
function pickInvestigation(investigations: readonly Investigation[], from: number): Investigation | undefined {
  const recent = investigations.filter((i) => i.startTime === undefined || Date.parse(i.startTime) >= from);
  const manual = recent.filter((i) => !i.triggeringAlertId);
  return newest(manual.length > 0 ? manual : recent, (i) => i.startTime ?? '9999');
}

function newest<T>(items: readonly T[], at: (item: T) => string): T | undefined {
  let best: T | undefined;
  for (const item of items) if (!best || at(item) > at(best)) best = item;
  return best;
}
