/**
 * Fire claims in the store, so each scheduled fire runs on one instance of a fleet: the first instance to create the
 * claim of a fire (`fireKey`: its schedule and wall-clock slot) runs it; a claim whose holder stopped renewing it (a
 * dead instance) can be taken over once its lease ran out; a finished fire is never run again. The scheduler hands
 * node-cron a `RunCoordinator` built on it, and its catch-up sweep claims through it too.
 */
import type { Logger } from '../log';
import type { Claims } from '../store/claims';
import { fireKey, type Fire } from './schedule';

/** Runs of one fire before it is given up (its subscriptions then get the next fire). */
export const MAX_FIRE_ATTEMPTS = 3;

/** What a fire claim records: the fire (so another instance can take it over) and how often it was tried. */
export interface FireClaimData {
  attempts: number;
  fire: { kind: Fire['kind']; cron: string; slot: string; local: string };
}

/** The fire a claim records, or undefined for a claim of another shape. */
export function claimedFire(data: FireClaimData | undefined): Fire | undefined {
  const fire = data?.fire;
  if (!fire || typeof fire.slot !== 'string' || typeof fire.local !== 'string') return undefined;
  const slot = new Date(fire.slot);
  return Number.isNaN(slot.getTime()) ? undefined : { kind: fire.kind, cron: fire.cron, slot, local: fire.local };
}

interface HeldFire {
  data: FireClaimData;
  outcome?: 'done' | 'retry';
  renewal?: NodeJS.Timeout;
  renewing?: Promise<unknown>;
}

/** Options of `FireCoordinator`. */
export interface FireCoordinatorOptions {
  claims: Claims;
  /** This instance. */
  owner: string;
  /** How long a claim holds without renewal; renewed every third of it while the fire runs. */
  leaseMs: number;
  now(): Date;
  log: Logger;
}

/** Fire claims for node-cron tasks and the catch-up sweep alike. */
export class FireCoordinator {
  private readonly held = new Map<string, HeldFire>();
  private closed = false;

  constructor(private readonly options: FireCoordinatorOptions) {}

  /** True while this instance holds (or is taking) the claim of `key`. */
  holds(key: string): boolean {
    return this.held.has(key);
  }

  /** Takes the claim of a fire; false when another run (here or elsewhere) has it, or it is finished. */
  async shouldRun(fire: Fire): Promise<boolean> {
    const key = fireKey(fire);
    if (this.closed || this.held.has(key)) return false;
    const recorded = { kind: fire.kind, cron: fire.cron, slot: fire.slot.toISOString(), local: fire.local };
    const entry: HeldFire = { data: { attempts: 1, fire: recorded } };
    this.held.set(key, entry); // reserved before the first await: the cron task and the sweep may race here
    const { claims, owner, leaseMs, now, log } = this.options;
    try {
      const previous = await claims.get<FireClaimData>(key);
      if (previous?.doneAt) return this.drop(key);
      const attempts = (previous?.data?.attempts ?? 0) + 1;
      // The first run recorded when the slot was due; a takeover keeps that.
      const data: FireClaimData = { attempts, fire: previous?.data?.fire ?? recorded };
      const claim = await claims.claim<FireClaimData>(key, owner, leaseMs, now(), data);
      if (!claim.won) return this.drop(key);
      if (attempts > MAX_FIRE_ATTEMPTS) {
        log.warn(
          { key, attempts: attempts - 1 },
          'digest fire given up after repeated failures; the next fire covers it',
        );
        await claims.complete(key, owner, now());
        return this.drop(key);
      }
      if (previous) log.info({ key, previousOwner: previous.owner, attempts }, 'taking over an unfinished digest fire');
      entry.data = data;
      entry.renewal = setInterval(() => this.renew(key, entry), Math.max(250, Math.floor(leaseMs / 3)));
      entry.renewal.unref();
      return true;
    } catch (error) {
      this.drop(key);
      throw error;
    }
  }

  /** Records how the run of a held fire ended. */
  settle(key: string, outcome: 'done' | 'retry'): void {
    const entry = this.held.get(key);
    if (entry) entry.outcome = outcome;
  }

  /**
   * Ends a held fire: finished for good when it settled `done`, else left expired (so any instance's next sweep
   * runs it again). Called by node-cron after the task, and by the scheduler itself; the second call does nothing.
   */
  async onComplete(key: string): Promise<void> {
    const entry = this.held.get(key);
    if (!entry) return;
    this.held.delete(key);
    clearInterval(entry.renewal);
    await entry.renewing?.catch(() => undefined);
    const { claims, owner, now } = this.options;
    if (entry.outcome === 'done') await claims.complete(key, owner, now());
    else await claims.claim(key, owner, 0, now(), entry.data);
  }

  /** Stops taking claims and gives up those held (their fires may be taken over at once by other instances). */
  async releaseAll(): Promise<void> {
    this.closed = true;
    const keys = [...this.held.keys()];
    await Promise.allSettled(
      keys.map(async (key) => {
        const entry = this.held.get(key)!;
        this.held.delete(key);
        clearInterval(entry.renewal);
        await entry.renewing?.catch(() => undefined);
        await this.options.claims.release(key, this.options.owner);
      }),
    );
  }

  private drop(key: string): false {
    this.held.delete(key);
    return false;
  }

  private renew(key: string, entry: HeldFire): void {
    if (entry.renewing) return;
    const { claims, owner, leaseMs, now, log } = this.options;
    entry.renewing = claims
      .claim(key, owner, leaseMs, now(), entry.data)
      .then((result) => {
        if (!result.won) log.warn({ key, holder: result.holder.owner }, 'lost the claim of a running digest fire');
      })
      .catch((err: unknown) => log.warn({ err, key }, 'could not renew a digest fire claim'))
      .finally(() => (entry.renewing = undefined));
  }
}
