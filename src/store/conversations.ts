/**
 * Conversations the bot is installed in, with the reference needed to post into them later.
 */
import type { RecordStore } from './records';

/** Where a conversation lives in Teams. */
export type ConversationType = 'channel' | 'personal' | 'groupChat';

/** A conversation the bot can post into. */
export interface ConversationRecord {
  /** The Teams conversation id (a channel id for channels). */
  id: string;
  type: ConversationType;
  tenantId?: string;
  teamId?: string;
  teamName?: string;
  channelName?: string;
  /** The Bot Framework conversation reference, stored as opaque JSON. */
  reference: Record<string, unknown>;
  installedAt: string;
}

/** Stored conversations. */
export class Conversations {
  constructor(private readonly store: RecordStore) {}

  /** Stores or replaces a conversation. */
  async save(conversation: ConversationRecord): Promise<void> {
    await this.store.put('conversations', conversation.id, conversation);
  }

  /** Reads a conversation. */
  async get(id: string): Promise<ConversationRecord | undefined> {
    return (await this.store.get<ConversationRecord>('conversations', id))?.value;
  }

  /** Forgets a conversation. */
  async remove(id: string): Promise<void> {
    await this.store.delete('conversations', id);
  }

  /** Every stored conversation. */
  async list(): Promise<ConversationRecord[]> {
    return (await this.store.list<ConversationRecord>('conversations')).map((r) => r.value);
  }
}
