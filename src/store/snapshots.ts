/**
 * Score snapshots the bot keeps itself, because the exposure score and Secure Score for Devices APIs give only "now".
 */
import type { RecordStore } from './records';

/** Which score a snapshot is of. */
export type ScoreKind = 'exposure' | 'configuration';

/** One stored score value. */
export interface ScoreSnapshot {
  kind: ScoreKind;
  time: string;
  score: number;
}

/** Stored score snapshots. */
export class ScoreSnapshots {
  constructor(private readonly store: RecordStore) {}

  /** Stores a snapshot (one per kind and minute; a later one in the same minute replaces it). */
  async add(snapshot: ScoreSnapshot): Promise<void> {
    const time = new Date(snapshot.time);
    if (Number.isNaN(time.getTime())) throw new Error(`score snapshot time is not a date: "${snapshot.time}"`);
    await this.store.put('snapshots', minuteKey(snapshot.kind, time), snapshot);
  }

  /** The latest snapshot taken at or before `time`. */
  async latestAtOrBefore(kind: ScoreKind, time: Date): Promise<ScoreSnapshot | undefined> {
    const records = await this.store.list<ScoreSnapshot>('snapshots', {
      prefix: `${kind}|`,
      before: `${minuteKey(kind, time)}\uffff`,
    });
    // The snapshot of `time`'s own minute may have been taken later in that minute.
    return records
      .map((r) => r.value)
      .filter((s) => Date.parse(s.time) <= time.getTime())
      .at(-1);
  }

  /** Snapshots of a kind taken at or after `since`, oldest first. */
  async since(kind: ScoreKind, since: Date): Promise<ScoreSnapshot[]> {
    const records = await this.store.list<ScoreSnapshot>('snapshots', {
      prefix: `${kind}|`,
      after: minuteKey(kind, new Date(since.getTime() - 60_000)),
    });
    // The snapshot of `since`'s own minute may have been taken earlier in that minute.
    return records.map((r) => r.value).filter((s) => Date.parse(s.time) >= since.getTime());
  }
}

/** The key of a kind's snapshot in the minute of `time` (UTC), e.g. `exposure|2025-01-06T09:00`. */
function minuteKey(kind: ScoreKind, time: Date): string {
  return `${kind}|${time.toISOString().slice(0, 16)}`;
}
