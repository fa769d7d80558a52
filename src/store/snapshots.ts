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
    await this.store.put('snapshots', `${snapshot.kind}|${snapshot.time.slice(0, 16)}`, snapshot);
  }

  /** The latest snapshot taken at or before `time`. */
  async latestAtOrBefore(kind: ScoreKind, time: Date): Promise<ScoreSnapshot | undefined> {
    const records = await this.store.list<ScoreSnapshot>('snapshots', {
      prefix: `${kind}|`,
      before: `${kind}|${time.toISOString().slice(0, 16)}\uffff`,
    });
    return records.at(-1)?.value;
  }

  /** Snapshots of a kind since a time, oldest first. */
  async since(kind: ScoreKind, since: Date): Promise<ScoreSnapshot[]> {
    const records = await this.store.list<ScoreSnapshot>('snapshots', {
      prefix: `${kind}|`,
      after: `${kind}|${since.toISOString().slice(0, 16)}`,
    });
    return records.map((r) => r.value);
  }
}
