/**
 * The digest schedules: one node-cron task per distinct (kind, cron) among the stored subscriptions, in the digest
 * time zone, coordinated across instances through fire claims; and a catch-up sweep, at start and every
 * `DIGEST_CATCHUP_SECONDS`, that posts a digest missed while no instance was running (once) and takes over a fire
 * whose holder died before finishing it.
 */
import { createTask, type RunCoordinator, type ScheduledTask, type TaskContext } from 'node-cron';
import type { SubscriptionListener } from '../commands/subscribe';
import type { Services } from '../services';
import { coveredThrough, type Subscription } from '../store/subscriptions';
import { claimedFire, FireCoordinator, type FireClaimData } from './coordinator';
import { runFire, type FireResult } from './fire';
import { fireAt, fireKey, latestSlot, subscriptionCron, taskName, type Fire } from './schedule';

/** How long `stop()` waits for running fires before giving their claims up to other instances. */
export const STOP_GRACE_MS = 20_000;
/** Finished claims are kept this long (a fleet member whose clock lags still sees them), then pruned. */
const CLAIM_RETENTION_MS = 3 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** node-cron may start a fire this late (a busy event loop) before counting it as missed. */
const MISSED_TOLERANCE_MS = 60_000;
/** Sightings no subscription refers to any more are kept this long (a fire may still post from one), then pruned. */
const SIGHTING_RETENTION_MS = 2 * 86_400_000;

/** Options of `DigestScheduler`. */
export interface DigestSchedulerOptions {
  /**
   * `node-cron` (default): node-cron tasks fire on time and the sweep catches up what they missed. `sweep-only`:
   * no timers of its own; every fire is run by `catchUp()`, on the services' clock (a clock a test moves).
   */
  timers?: 'node-cron' | 'sweep-only';
}

/** Schedules, runs and catches up the digests of every subscription. */
export class DigestScheduler implements SubscriptionListener {
  private readonly tasks = new Map<string, ScheduledTask | undefined>();
  /** The (kind, cron) of each schedule, by task name. */
  private readonly schedules = new Map<string, { kind: Subscription['kind']; cron: string }>();
  /** When each task was scheduled in this process (epoch ms). */
  private readonly scheduledSince = new Map<string, number>();
  private startedAt = 0;
  private readonly running = new Set<Promise<unknown>>();
  private readonly coordinator: FireCoordinator;
  private readonly leaseMs: number;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private sweepAgain = false;
  private stopping = false;
  private lastPrune = 0;

  constructor(
    private readonly services: Services,
    private readonly options: DigestSchedulerOptions = {},
  ) {
    this.leaseMs = services.config.digest.fireLeaseSeconds * 1000;
    this.coordinator = new FireCoordinator({
      claims: services.stores.fires,
      owner: services.instanceId,
      leaseMs: this.leaseMs,
      now: () => services.now(),
      log: services.log.child({ part: 'digest-claims' }),
    });
  }

  /** Schedules the stored subscriptions and starts the catch-up sweep (the first one runs now, in the background). */
  async start(): Promise<void> {
    this.startedAt = this.services.now().getTime();
    await this.refresh();
    if (this.options.timers !== 'sweep-only') {
      const every = this.services.config.catchUpSeconds * 1000;
      this.sweepTimer = setInterval(() => this.requestSweep(), every);
      this.sweepTimer.unref();
    }
    this.requestSweep();
    this.services.log.info(
      {
        schedules: [...this.tasks.keys()],
        catchUpSeconds: this.services.config.catchUpSeconds,
        timeZone: this.timeZone,
      },
      'digest schedules started',
    );
  }

  /** Re-reads the subscriptions and schedules what changed. */
  async subscriptionsChanged(): Promise<void> {
    if (!this.stopping) await this.refresh();
  }

  /** Runs a catch-up sweep now (every fire due by the services' clock and not run yet) and waits until it ends. */
  async catchUp(): Promise<void> {
    this.requestSweep();
    while (this.sweeping) await this.sweeping;
  }

  /** Stops intake (no new fire), waits for running fires (up to `STOP_GRACE_MS`), then releases the claims held. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.tasks.values()].map((task) => task?.destroy()));
    this.tasks.clear();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS)));
    const finished = await Promise.race([Promise.allSettled([...this.running]).then(() => 'finished' as const), grace]);
    clearTimeout(timer);
    if (finished === 'timeout')
      this.services.log.warn('digest fires still running at shutdown: their claims are released');
    await this.coordinator.releaseAll();
  }

  private get timeZone(): string {
    return this.services.config.digest.timezone;
  }

  /** Makes the node-cron tasks match the distinct (kind, cron) pairs of the subscriptions. */
  private async refresh(subscriptions?: readonly Subscription[]): Promise<void> {
    const wanted = new Map<string, { kind: Subscription['kind']; cron: string }>();
    for (const s of subscriptions ?? (await this.services.stores.subscriptions.list())) {
      const cron = subscriptionCron(this.services.config, s);
      wanted.set(taskName(s.kind, cron), { kind: s.kind, cron });
    }
    if (this.stopping) return;
    for (const [name, task] of this.tasks) {
      if (wanted.has(name)) continue;
      this.tasks.delete(name);
      this.schedules.delete(name);
      this.scheduledSince.delete(name);
      await task?.destroy();
    }
    for (const [name, { kind, cron }] of wanted) {
      if (this.stopping) return;
      if (this.tasks.has(name)) continue;
      this.schedules.set(name, { kind, cron });
      this.scheduledSince.set(name, this.services.now().getTime());
      if (this.options.timers === 'sweep-only') {
        this.tasks.set(name, undefined);
        continue;
      }
      const task = createTask(cron, (context: TaskContext) => this.onTick(kind, cron, context.date), {
        name,
        timezone: this.timeZone,
        distributed: true,
        runCoordinator: this.runCoordinator,
        distributedLease: this.leaseMs,
        noOverlap: true,
        missedExecutionTolerance: MISSED_TOLERANCE_MS,
        logger: this.cronLogger(),
      });
      task.on('execution:missed', () => this.requestSweep());
      this.tasks.set(name, task);
      await task.start();
    }
  }

  /**
   * node-cron's coordination of a distributed task, on the fire claims: node-cron names a fire `<task>:<instant>`;
   * the claim is the fire's wall-clock slot, so the run of a repeated hour and its catch-up are one claim.
   */
  private readonly runCoordinator: RunCoordinator = {
    shouldRun: async (key: string) => {
      const fire = this.fireOfTick(key);
      return fire ? this.coordinator.shouldRun(fire) : false;
    },
    onComplete: async (key: string) => {
      const fire = this.fireOfTick(key);
      if (fire) await this.coordinator.onComplete(fireKey(fire));
    },
  };

  /** The fire of a node-cron coordination key (`<task name>:<slot ISO>`, the ISO always 24 characters). */
  private fireOfTick(key: string): Fire | undefined {
    const split = key.length - 25;
    const schedule = key[split] === ':' ? this.schedules.get(key.slice(0, split)) : undefined;
    const slot = new Date(key.slice(split + 1));
    if (!schedule || Number.isNaN(slot.getTime())) return undefined;
    return fireAt(schedule.kind, schedule.cron, slot, this.timeZone);
  }

  /** A node-cron fire whose claim node-cron already took for this instance. */
  private async onTick(kind: Subscription['kind'], cron: string, slot: Date): Promise<void> {
    const fire = fireAt(kind, cron, slot, this.timeZone);
    await this.track(this.runClaimed(fireKey(fire), fire, 'scheduled'));
  }

  /** Runs a fire whose claim is held, settles and finishes the claim; never throws. */
  private async runClaimed(key: string, fire: Fire, reason: 'scheduled' | 'catch-up'): Promise<void> {
    let result: FireResult | undefined;
    try {
      result = await runFire(this.services, fire, { reason, leaseMs: this.leaseMs, stopping: () => this.stopping });
    } catch (error) {
      this.services.log.error({ err: error, key }, 'digest fire failed; it is retried by a later sweep');
    }
    this.coordinator.settle(key, result?.outcome ?? 'retry');
    await this.coordinator
      .onComplete(key)
      .catch((err: unknown) => this.services.log.warn({ err, key }, 'could not finish a digest fire claim'));
  }

  /** Runs a fire outside node-cron (catch-up, takeover): claim, run, finish. */
  private async runCoordinated(fire: Fire): Promise<void> {
    if (this.stopping || !(await this.coordinator.shouldRun(fire))) return;
    await this.runClaimed(fireKey(fire), fire, 'catch-up');
  }

  /** Starts a sweep, or asks the running one to go again when it ends. */
  private requestSweep(): void {
    if (this.stopping) return;
    if (this.sweeping) {
      this.sweepAgain = true;
      return;
    }
    this.sweeping = this.track(this.sweep())
      .catch((err: unknown) => this.services.log.warn({ err }, 'digest catch-up sweep failed'))
      .finally(() => {
        this.sweeping = undefined;
        if (this.sweepAgain) {
          this.sweepAgain = false;
          this.requestSweep();
        }
      });
  }

  /**
   * Finds the fires to run now: for each schedule, its latest slot when a subscription's last digest does not cover
   * it (missed while down, or skipped by node-cron), and every fire claim left unfinished by an instance whose lease
   * ran out (died while running it).
   */
  private async sweep(): Promise<void> {
    const { stores, log } = this.services;
    const now = this.services.now();
    const subscriptions = await stores.subscriptions.list();
    await this.refresh(subscriptions);
    const fires = new Map<string, Fire>();

    const bySchedule = new Map<string, { kind: Subscription['kind']; cron: string; members: Subscription[] }>();
    for (const s of subscriptions) {
      const cron = subscriptionCron(this.services.config, s);
      const name = taskName(s.kind, cron);
      const entry = bySchedule.get(name) ?? { kind: s.kind, cron, members: [] };
      entry.members.push(s);
      bySchedule.set(name, entry);
    }
    for (const [name, { kind, cron, members }] of bySchedule) {
      const covered = (s: Subscription) => coveredThrough(s) ?? s.createdAt;
      const since = members.reduce((min, s) => (covered(s) < min ? covered(s) : min), '\uffff');
      const slot = latestSlot(cron, this.timeZone, new Date(since), now);
      if (!slot || !this.missed(name, slot.slot)) continue;
      const slotIso = slot.slot.toISOString();
      if (members.some((s) => covered(s) < slotIso && s.createdAt <= slotIso)) {
        const fire: Fire = { kind, cron, ...slot };
        fires.set(fireKey(fire), fire);
      }
    }
    for (const record of await stores.records.list<{ doneAt?: string; expiresAt: string; data?: FireClaimData }>(
      'claims',
      { prefix: 'fire|' },
    )) {
      const claim = record.value;
      if (claim.doneAt || claim.expiresAt > now.toISOString() || this.coordinator.holds(record.key)) continue;
      const fire = claimedFire(claim.data);
      if (fire) fires.set(record.key, fire);
    }

    for (const [key, fire] of fires) {
      if (this.stopping) return;
      if (this.coordinator.holds(key)) continue;
      log.debug({ key }, 'catch-up: running a digest fire');
      await this.runCoordinated(fire);
    }
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      const removed = await stores.fires.prune(new Date(now.getTime() - CLAIM_RETENTION_MS));
      if (removed > 0) log.info({ removed }, 'pruned old digest claims');
      const referenced = new Set<string>();
      for (const s of await stores.subscriptions.list()) {
        for (const ref of [s.seen?.incidents, s.seen?.alerts])
          if (ref && 'sighting' in ref) referenced.add(ref.sighting);
      }
      const sightings = await stores.sightings.prune(referenced, now.getTime() - SIGHTING_RETENTION_MS);
      if (sightings > 0) log.info({ removed: sightings }, 'pruned old digest sightings');
    }
  }

  /**
   * A slot of a schedule was missed when no instance ran it: it passed before this process started (the bot was
   * down), or while this process had the task and still did not run it (node-cron missed it, or no instance won).
   * A slot before the schedule existed here is not missed: `subscribe daily at 09:00` said at 10:00 means
   * tomorrow at 09:00, not a digest now.
   */
  private missed(name: string, slot: Date): boolean {
    const since = this.scheduledSince.get(name);
    return slot.getTime() < this.startedAt || (since !== undefined && slot.getTime() >= since);
  }

  /** Keeps a promise in the set `stop()` waits for. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  private cronLogger() {
    const log = this.services.log.child({ part: 'node-cron' });
    const text = (m: string | Error) => (m instanceof Error ? m.message : m);
    return {
      info: (m: string) => log.info(m),
      warn: (m: string) => log.warn(m),
      error: (m: string | Error, err?: Error) =>
        log.error({ err: err ?? (m instanceof Error ? m : undefined) }, text(m)),
      debug: (m: string | Error, err?: Error) => log.debug({ err }, text(m)),
    };
  }
}
