/**
 * Cards with incident rows as they were posted (and as clicks changed them since), by conversation and activity id:
 * a triage click changes one row of a card posted earlier, for everyone, and the card is rebuilt from this copy.
 * Copies older than `POSTED_CARD_RETENTION_DAYS` are pruned; a click on such an old card changes the incident but
 * answers only the clicker.
 */
import type { AdaptiveCard } from '../cards';
import type { RecordStore } from './records';

/** How long a posted card is kept for later triage clicks. */
export const POSTED_CARD_RETENTION_DAYS = 30;

/** Least time between two prunes by one process. */
const PRUNE_EVERY_MS = 6 * 3_600_000;

/** One posted card. */
export interface PostedCard {
  conversationId: string;
  activityId: string;
  card: AdaptiveCard;
  savedAt: string;
}

/** The stored copies of posted cards. */
export class PostedCards {
  private lastPrune = 0;

  constructor(private readonly store: RecordStore) {}

  /** Keeps (or replaces) the copy of the card at `activityId`; now and then drops copies past the retention. */
  async save(conversationId: string, activityId: string, card: AdaptiveCard, now: Date): Promise<void> {
    const record: PostedCard = { conversationId, activityId, card, savedAt: now.toISOString() };
    await this.store.put('cards', key(conversationId, activityId), record);
    if (now.getTime() - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await this.prune(new Date(now.getTime() - POSTED_CARD_RETENTION_DAYS * 86_400_000));
    }
  }

  /** The copy of the card at `activityId`, if kept. */
  async get(conversationId: string, activityId: string): Promise<PostedCard | undefined> {
    return (await this.store.get<PostedCard>('cards', key(conversationId, activityId)))?.value;
  }

  /** Forgets the card at `activityId` (it was replaced by a card without incident rows). */
  async forget(conversationId: string, activityId: string): Promise<void> {
    await this.store.delete('cards', key(conversationId, activityId));
  }

  /** Deletes copies saved before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const limit = before.toISOString();
    let removed = 0;
    for (const record of await this.store.list<PostedCard>('cards')) {
      if (record.value.savedAt < limit && (await this.store.delete('cards', record.key, { ifMatch: record.etag }))) {
        removed++;
      }
    }
    return removed;
  }
}

function key(conversationId: string, activityId: string): string {
  return `${conversationId}|${activityId}`;
}
