/**
 * Claims with leases: "I am doing this" records that only one instance or one click can hold at a time.
 *
 * A scheduled digest fire and a click's intent ("scan device X") are both claims: the first writer wins with a
 * conditional create; a claim whose lease ran out (its holder died) can be taken over with a conditional replace.
 */
import type { RecordStore, TableName } from './records';

/** A claim as stored. */
export interface Claim<T = unknown> {
  owner: string;
  claimedAt: string;
  expiresAt: string;
  /** Set when the work is finished: a finished claim is never taken over. */
  doneAt?: string;
  data?: T;
}

/** The result of trying to claim. */
export type ClaimResult<T> = { won: true; claim: Claim<T> } | { won: false; holder: Claim<T> };

/** Claims kept in one table. */
export class Claims {
  constructor(
    private readonly store: RecordStore,
    private readonly table: TableName = 'claims',
  ) {}

  /**
   * Claims `key` for `owner` for `leaseMs`. Wins when nobody holds it, when the holder's lease ran out (a takeover),
   * or when `owner` already holds it (a renewal), but never once the work is done: not even its owner does it twice.
   */
  async claim<T>(key: string, owner: string, leaseMs: number, now: Date, data?: T): Promise<ClaimResult<T>> {
    const claim: Claim<T> = {
      owner,
      claimedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + leaseMs).toISOString(),
      ...(data === undefined ? {} : { data }),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.store.get<Claim<T>>(this.table, key);
      if (!current) {
        if (await this.store.put(this.table, key, claim, { ifNoneMatch: '*' })) return { won: true, claim };
        continue;
      }
      const held = current.value;
      const free = !held.doneAt && (held.owner === owner || held.expiresAt <= claim.claimedAt);
      if (!free) return { won: false, holder: held };
      if (await this.store.put(this.table, key, claim, { ifMatch: current.etag })) return { won: true, claim };
    }
    const holder = await this.store.get<Claim<T>>(this.table, key);
    return holder ? { won: false, holder: holder.value } : this.claim(key, owner, leaseMs, now, data);
  }

  /** Reads a claim. */
  async get<T>(key: string): Promise<Claim<T> | undefined> {
    return (await this.store.get<Claim<T>>(this.table, key))?.value;
  }

  /** Marks the work of a claim done, so it is never taken over. */
  async complete(key: string, owner: string, now: Date): Promise<void> {
    const current = await this.store.get<Claim>(this.table, key);
    if (!current || current.value.owner !== owner) return;
    await this.store.put(this.table, key, { ...current.value, doneAt: now.toISOString() }, { ifMatch: current.etag });
  }

  /** Gives a claim up (only its owner can), so another may take it at once. */
  async release(key: string, owner: string): Promise<void> {
    const current = await this.store.get<Claim>(this.table, key);
    if (current && current.value.owner === owner) await this.store.delete(this.table, key, { ifMatch: current.etag });
  }

  /** Deletes finished or expired claims older than `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const limit = before.toISOString();
    let removed = 0;
    for (const record of await this.store.list<Claim>(this.table)) {
      const c = record.value;
      if (
        (c.doneAt ?? c.expiresAt) < limit &&
        (await this.store.delete(this.table, record.key, { ifMatch: record.etag }))
      ) {
        removed++;
      }
    }
    return removed;
  }
}
