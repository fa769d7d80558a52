/**
 * Follows what the bot started until it ends, and keeps its card current: each Defender machine action or
 * investigation is checked with backoff (`polling.ts`) and its card updated in place at every status change.
 * Trackers live in the store, so a restarted bot (or another instance) picks them up where they were. The same
 * loop expires remediation requests nobody decided in time.
 *
 * Several instances may know the same tracker: each check first moves the tracker's `nextCheckAt` forward with a
 * compare-and-set, so exactly one of them asks Defender and updates the card.
 */
import { FINAL_ACTION_STATUSES, FINAL_INVESTIGATION_STATES } from '../defender/models';
import type { Services } from '../services';
import type { Tracker } from '../store/trackers';
import { afterAnswer } from './deadline';
import { auditLater } from './audit';
import { expireOverdueRequests } from './expiry';
import { releaseIntent } from './intents';
import { defenderCallName, startedOf, trackedNoun } from './launch';
import { findStartedAction, type FoundAction } from './lostAnswer';
import { FOLLOW_FOR_MS, nextCheckSeconds } from './polling';
import { NOT_STARTED, trackedOperation, trackerCard } from './statusCards';

/** How often stored trackers are looked through (orphans of a stopped instance) and requests expired. */
export const SWEEP_MS = 30_000;
/** Finished trackers are kept this long (their cards no longer change), then deleted. */
export const KEEP_FINISHED_MS = 30 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;
/** How long one check may take before another instance may do it instead. */
const CHECK_LEASE_MS = 60_000;

const SUCCESS = new Set(['Succeeded', 'SuccessfullyRemediated', 'PartiallyRemediated', 'Benign']);

/** True when a machine action status or investigation state is final. */
export function isFinalStatus(kind: Tracker['kind'], status: string): boolean {
  return (kind === 'investigation' ? FINAL_INVESTIGATION_STATES : FINAL_ACTION_STATUSES).includes(status);
}

/** The text of a tracker the bot could not confirm: Defender's answer to the start never came. */
export const START_UNKNOWN =
  'The bot stopped before Defender answered, so it is not known whether the action started; ' +
  "check the device's action history in the Microsoft Defender portal before trying again";

/** The text of a tracker that had no final status after `FOLLOW_FOR_MS`. */
export const STOPPED_FOLLOWING = 'No final status after 8 days; the bot stopped following it. See the Defender portal';

/** Follows started actions and keeps their cards current. */
export class ActionTracker {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private sweepTimer?: NodeJS.Timeout;
  private stopped = true;
  private prunedAt = 0;

  constructor(private readonly services: Services) {}

  /** Resumes every stored tracker that has not ended and starts the periodic sweep. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep();
    this.sweepTimer = setInterval(() => this.run(this.sweep()), SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** Stops checking; checks under way finish first. Trackers stay stored for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Lets `stop()` wait for work a click left running (a Defender call that outlived the invoke). */
  finishBeforeStop(work: Promise<unknown>): void {
    this.run(work);
  }

  /** Follows a tracker from its `nextCheckAt` on. */
  follow(tracker: Pick<Tracker, 'id' | 'nextCheckAt'>): void {
    this.schedule(tracker.id, Date.parse(tracker.nextCheckAt) - this.services.now().getTime());
  }

  /**
   * Shows a tracker's card once the click that started it was answered late ("requested — waiting for Defender"):
   * the outcome replaces the waiting card.
   */
  showAfterAnswer(trackerId: string, answeredAt: number): void {
    this.run(
      afterAnswer(answeredAt).then(async () => {
        const tracker = await this.services.stores.trackers.get(trackerId);
        if (tracker) await this.showCard(tracker);
      }),
    );
  }

  /** Replaces the tracker's card with its current state; a refused update is logged, never thrown. */
  async showCard(tracker: Tracker): Promise<void> {
    if (!tracker.activityId) return;
    const { messenger, log } = this.services;
    try {
      await messenger.update(tracker.conversationId, tracker.activityId, await trackerCard(this.services, tracker));
    } catch (err) {
      const { id: trackerId, conversationId } = tracker;
      log.warn({ err, trackerId, conversationId }, 'could not update the card of an action');
    }
  }

  /** Expires overdue requests and follows every stored tracker this instance is not following yet. */
  async sweep(): Promise<void> {
    const { stores, log } = this.services;
    try {
      await expireOverdueRequests(this.services);
    } catch (err) {
      log.error({ err }, 'could not expire overdue remediation requests');
    }
    try {
      for (const tracker of await stores.trackers.active()) {
        if (!this.timers.has(tracker.id)) this.follow(tracker);
      }
    } catch (err) {
      log.error({ err }, 'could not read the stored trackers');
    }
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      await this.pruneFinished().catch((err: unknown) => log.warn({ err }, 'could not prune finished trackers'));
    }
  }

  /** Deletes trackers that ended more than `KEEP_FINISHED_MS` ago (the audit log keeps what happened). */
  private async pruneFinished(): Promise<void> {
    const { records } = this.services.stores;
    const before = this.services.now().getTime() - KEEP_FINISHED_MS;
    for (const record of await records.list<Tracker>('trackers')) {
      const finishedAt = record.value.finishedAt;
      if (finishedAt && Date.parse(finishedAt) < before) {
        await records.delete('trackers', record.key, { ifMatch: record.etag });
      }
    }
  }

  private run(work: Promise<unknown>): void {
    const tracked = work.catch((err: unknown) => this.services.log.error({ err }, 'tracker work failed'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private schedule(id: string, delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(id));
    // setTimeout holds at most ~24.8 days; a longer wait is simply re-checked then.
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        this.run(this.check(id));
      },
      Math.min(Math.max(0, delayMs), 2 ** 31 - 1),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  /** One check of one tracker, if it is due and no one else is doing it. */
  private async check(id: string): Promise<void> {
    if (this.stopped) return;
    const { stores } = this.services;
    const now = this.services.now();
    let mine = false;
    const taken = await stores.trackers.update(id, (t) => {
      mine = !t.finishedAt && Date.parse(t.nextCheckAt) <= now.getTime();
      return mine ? { ...t, nextCheckAt: new Date(now.getTime() + CHECK_LEASE_MS).toISOString() } : undefined;
    });
    if (!taken || taken.finishedAt) return;
    if (!mine) return this.follow(taken);
    if (!taken.defenderId) return this.settleUnknownStart(taken, now);

    let status: string;
    try {
      status = await this.fetchStatus(taken);
    } catch (err) {
      this.services.log.warn({ err, trackerId: id }, 'could not read the status of a followed action');
      status = taken.status;
    }
    await this.record(taken, status, now);
  }

  private async fetchStatus(tracker: Tracker): Promise<string> {
    const { defender } = this.services;
    return tracker.kind === 'investigation'
      ? (await defender.getInvestigation(tracker.defenderId!)).state
      : (await defender.getMachineAction(tracker.defenderId!)).status;
  }

  /** Stores what a check saw, updates the card on a change, and ends the tracker on a final status. */
  private async record(before: Tracker, status: string, now: Date): Promise<void> {
    const { stores, config } = this.services;
    const changed = status !== before.status;
    const final = isFinalStatus(before.kind, status);
    const lastChange = changed ? now.getTime() : Date.parse(before.history.at(-1)?.at ?? before.requestedAt);
    const tooLong = !final && now.getTime() - Date.parse(before.requestedAt) > FOLLOW_FOR_MS;
    const checks = changed ? 0 : before.checks + 1;
    const delay = nextCheckSeconds(config.trackerPollSeconds, checks, now.getTime() - lastChange);
    const tracker = await stores.trackers.update(before.id, (t) => ({
      ...t,
      status,
      history: changed ? [...t.history, { status, at: now.toISOString() }] : t.history,
      checks,
      nextCheckAt: new Date(now.getTime() + delay * 1000).toISOString(),
      ...(final || tooLong ? { finishedAt: now.toISOString() } : {}),
      ...(tooLong ? { error: STOPPED_FOLLOWING } : {}),
    }));
    if (!tracker) return;
    if (changed || tooLong) await this.showCard(tracker);
    if (final || tooLong) return this.finish(tracker, status);
    this.follow(tracker);
  }

  private async finish(tracker: Tracker, status: string): Promise<void> {
    await releaseIntent(this.services, tracker.intent);
    await auditLater(this.services, {
      user: tracker.requestedBy,
      action: defenderCallName(trackedOperation(tracker)),
      device: { id: tracker.deviceId, name: tracker.deviceName },
      outcome: SUCCESS.has(status) ? 'succeeded' : 'failed',
      detail: `${trackedNoun(trackedOperation(tracker))} ${tracker.defenderId} ended ${status}`,
      conversationId: tracker.conversationId,
    });
  }

  /**
   * A tracker whose start Defender never answered (the bot stopped during the call): Defender is asked whether the
   * action started; a found action is followed from here, otherwise the tracker says so and frees the intent.
   */
  private async settleUnknownStart(taken: Tracker, now: Date): Promise<void> {
    const found = await this.lookForStart(taken);
    if (found) return this.adoptFound(taken, found, now);
    let settled = false;
    const tracker = await this.services.stores.trackers.update(taken.id, (t) => {
      settled = !t.defenderId && !t.finishedAt;
      return settled ? { ...t, status: NOT_STARTED, finishedAt: now.toISOString(), error: START_UNKNOWN } : undefined;
    });
    if (!tracker || !settled) return;
    if (tracker.requestId) {
      await this.services.stores.requests.update(tracker.requestId, (r) =>
        r.state === 'approved' && !r.machineActionId ? { ...r, state: 'failed', error: START_UNKNOWN } : undefined,
      );
    }
    await this.showCard(tracker);
    await releaseIntent(this.services, tracker.intent);
    await auditLater(this.services, {
      user: tracker.requestedBy,
      action: defenderCallName(trackedOperation(tracker)),
      device: { id: tracker.deviceId, name: tracker.deviceName },
      outcome: 'unconfirmed',
      detail: START_UNKNOWN,
      conversationId: tracker.conversationId,
    });
  }

  /** The action a tracker without Defender's answer started, if Defender shows one (one look: time has passed). */
  private async lookForStart(tracker: Tracker): Promise<FoundAction | undefined> {
    try {
      return await findStartedAction(
        this.services.defender,
        {
          operation: trackedOperation(tracker),
          deviceId: tracker.deviceId,
          comment: tracker.comment,
          since: new Date(tracker.requestedAt),
        },
        [0],
      );
    } catch (err) {
      this.services.log.warn({ err, trackerId: tracker.id }, 'could not look for the action of an unanswered start');
      return undefined;
    }
  }

  /** Follows an action found for a tracker whose start was never answered, as if the answer had come. */
  private async adoptFound(taken: Tracker, found: FoundAction, now: Date): Promise<void> {
    const started = startedOf(found, now);
    let adopted = false;
    const tracker = await this.services.stores.trackers.update(taken.id, (t) => {
      adopted = !t.defenderId && !t.finishedAt;
      return adopted
        ? { ...t, defenderId: started.defenderId, deviceName: started.deviceName || t.deviceName }
        : undefined;
    });
    if (!tracker || !adopted) return;
    if (tracker.requestId) {
      await this.services.stores.requests.update(tracker.requestId, (r) =>
        r.machineActionId ? undefined : { ...r, machineActionId: started.defenderId },
      );
    }
    await auditLater(this.services, {
      user: tracker.requestedBy,
      action: defenderCallName(trackedOperation(tracker)),
      device: { id: tracker.deviceId, name: tracker.deviceName },
      outcome: 'requested',
      detail:
        `${trackedNoun(trackedOperation(tracker))} ${started.defenderId}: ${started.status} ` +
        '(found after the bot restarted)',
      conversationId: tracker.conversationId,
    });
    await this.record(tracker, started.status, now);
  }
}
