/**
 * Digest subscriptions (conversation × daily/weekly/monthly) and their watermarks.
 */
import { updateRecord, type RecordStore } from './records';

/** The three digests. */
export type DigestKind = 'daily' | 'weekly' | 'monthly';
export const DIGEST_KINDS: readonly DigestKind[] = ['daily', 'weekly', 'monthly'];

/**
 * What a subscription's digests have reported of one kind of item that may arrive late (incidents, alerts): the
 * sighting of the collection its last digest came from, or — before any complete read — "everything since".
 */
export type SeenRef = { sighting: string } | { since: string };

/** What a subscription's digests have reported of incidents and of alerts. */
export interface SeenState {
  incidents?: SeenRef;
  alerts?: SeenRef;
}

/** One conversation's subscription to one digest. */
export interface Subscription {
  conversationId: string;
  kind: DigestKind;
  /** Own time of day `HH:MM` set with `subscribe … at HH:MM`; absent = follow the default schedule. */
  at?: string;
  createdAt: string;
  /**
   * The end of the last posted scheduled digest's window (when its collection started); absent before the first
   * one. Every schedule slot at or before it is covered.
   */
  watermark?: string;
  /** What the posted digests reported of items that may still arrive late (absent before the first digest). */
  seen?: SeenState;
  /** The schedule slot of the last posted scheduled digest. */
  lastSlot?: string;
  lastPostedAt?: string;
  lastActivityId?: string;
  /**
   * When the slot of `lastSlot` was withheld instead of posted (external members): the watermark stayed, so the next
   * digest posted there covers that period too. Absent once a digest is posted again.
   */
  withheldAt?: string;
  /** The latest slot withheld (handled without a post); absent once a digest is posted again. */
  withheldThrough?: string;
}

/**
 * The time up to which a subscription's schedule slots are handled: by its last posted digest (its watermark), or by
 * a withheld one; `undefined` before either.
 */
export function coveredThrough(subscription: Pick<Subscription, 'watermark' | 'withheldThrough'>): string | undefined {
  const { watermark, withheldThrough } = subscription;
  if (!watermark) return withheldThrough;
  return withheldThrough && withheldThrough > watermark ? withheldThrough : watermark;
}

const key = (conversationId: string, kind: DigestKind) => `${conversationId}|${kind}`;

/** Stored subscriptions. */
export class Subscriptions {
  constructor(private readonly store: RecordStore) {}

  /** Creates or updates a subscription's time; keeps its watermark. */
  async subscribe(conversationId: string, kind: DigestKind, at: string | undefined, now: Date): Promise<Subscription> {
    return (await updateRecord<Subscription>(this.store, 'subscriptions', key(conversationId, kind), (current) => {
      const next: Subscription = current ? { ...current } : { conversationId, kind, createdAt: now.toISOString() };
      if (at) next.at = at;
      else delete next.at;
      return next;
    }))!;
  }

  /** Removes a subscription; returns whether it existed. */
  async unsubscribe(conversationId: string, kind: DigestKind): Promise<boolean> {
    return this.store.delete('subscriptions', key(conversationId, kind));
  }

  /** Reads one subscription. */
  async get(conversationId: string, kind: DigestKind): Promise<Subscription | undefined> {
    return (await this.store.get<Subscription>('subscriptions', key(conversationId, kind)))?.value;
  }

  /** The subscriptions of one conversation. */
  async forConversation(conversationId: string): Promise<Subscription[]> {
    const records = await this.store.list<Subscription>('subscriptions', { prefix: `${conversationId}|` });
    return records.map((r) => r.value).filter((s) => s.conversationId === conversationId);
  }

  /** Every subscription. */
  async list(): Promise<Subscription[]> {
    return (await this.store.list<Subscription>('subscriptions')).map((r) => r.value);
  }

  /** Removes every subscription of a conversation. */
  async removeConversation(conversationId: string): Promise<void> {
    for (const s of await this.forConversation(conversationId)) await this.unsubscribe(conversationId, s.kind);
  }

  /**
   * Records a posted scheduled digest: moves the watermark forward (never back) and stores what it reported.
   * Returns false when the subscription is gone or its watermark already is at or past this one.
   */
  async markPosted(
    conversationId: string,
    kind: DigestKind,
    posted: { watermark: string; seen?: SeenState; slot: string; activityId?: string; at: string },
  ): Promise<boolean> {
    let moved = false;
    await updateRecord<Subscription>(this.store, 'subscriptions', key(conversationId, kind), (current) => {
      moved = false;
      if (!current) return undefined;
      if (current.watermark && current.watermark >= posted.watermark) return undefined;
      moved = true;
      const next: Subscription = {
        ...current,
        watermark: posted.watermark,
        lastSlot: posted.slot,
        lastPostedAt: posted.at,
        lastActivityId: posted.activityId,
      };
      if (posted.seen) next.seen = posted.seen;
      delete next.withheldAt;
      delete next.withheldThrough;
      return next;
    });
    return moved;
  }

  /**
   * Records a scheduled digest withheld on purpose (the conversation has members of another organisation): the
   * slot counts as handled (`withheldThrough`), the watermark does not move (a subscription without one gets
   * `since`, the start of the withheld window), so nothing is lost when digests go there again.
   * Returns false when the subscription is gone or already covers this slot.
   */
  async markWithheld(
    conversationId: string,
    kind: DigestKind,
    withheld: { slot: string; at: string; since: string },
  ): Promise<boolean> {
    let moved = false;
    await updateRecord<Subscription>(this.store, 'subscriptions', key(conversationId, kind), (current) => {
      moved = false;
      if (!current) return undefined;
      const covered = coveredThrough(current);
      if (covered && covered >= withheld.slot) return undefined;
      moved = true;
      return {
        ...current,
        watermark: current.watermark ?? withheld.since,
        lastSlot: withheld.slot,
        withheldAt: withheld.at,
        withheldThrough: withheld.slot,
      };
    });
    return moved;
  }
}
