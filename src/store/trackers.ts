/**
 * Trackers: a machine action or investigation the bot started, followed until it ends so its card stays current.
 */
import type { RecordStore } from './records';
import type { Person } from './requests';
import { updateRecord } from './records';

/** What a tracker follows. */
export type TrackedKind = 'machineAction' | 'investigation';

/** The operation a tracker follows, as its card names it. */
export type TrackedOperation =
  | { kind: 'scan'; scanType: 'Quick' | 'Full' }
  | { kind: 'investigation' }
  | { kind: 'isolate'; isolationType: 'Full' | 'Selective' }
  | { kind: 'release' };

/** The intent claim (`stores.intents`) a tracker holds until its action ends, so a repeated click starts nothing. */
export interface HeldIntent {
  key: string;
  owner: string;
}

/** One status a tracked action went through. */
export interface StatusChange {
  status: string;
  at: string;
}

/** A stored tracker. */
export interface Tracker {
  id: string;
  kind: TrackedKind;
  /** Human label, e.g. "Antivirus scan (Quick)". */
  label: string;
  /** What was asked of Defender. */
  operation?: TrackedOperation;
  /** The intent claim to release when the action ends. */
  intent?: HeldIntent;
  /** The Defender machine action or investigation id, once Defender answered. */
  defenderId?: string;
  deviceId: string;
  deviceName: string;
  requestedBy: Person;
  requestedAt: string;
  /** The remediation request this carries out, if any. */
  requestId?: string;
  status: string;
  history: StatusChange[];
  /** Set when the action reached a final status (or could not be started). */
  finishedAt?: string;
  error?: string;
  /** Not started as far as Defender shows, after its answer was lost: not a refusal. */
  unconfirmed?: boolean;
  /** The `Comment` sent to Defender: it finds the action again when the answer to the POST is lost. */
  comment?: string;
  /** The card to keep current. */
  conversationId: string;
  activityId?: string;
  nextCheckAt: string;
  checks: number;
}

/** Stored trackers. */
export class Trackers {
  constructor(private readonly store: RecordStore) {}

  /** Stores a tracker (create or replace). */
  async save(tracker: Tracker): Promise<void> {
    await this.store.put('trackers', tracker.id, tracker);
  }

  /** Reads a tracker. */
  async get(id: string): Promise<Tracker | undefined> {
    return (await this.store.get<Tracker>('trackers', id))?.value;
  }

  /** Changes a tracker with compare-and-set; returns it after the change. */
  async update(id: string, change: (current: Tracker) => Tracker | undefined): Promise<Tracker | undefined> {
    return updateRecord<Tracker>(this.store, 'trackers', id, (current) => (current ? change(current) : undefined));
  }

  /** Trackers whose action has not ended. */
  async active(): Promise<Tracker[]> {
    return (await this.store.list<Tracker>('trackers')).map((r) => r.value).filter((t) => !t.finishedAt);
  }
}
