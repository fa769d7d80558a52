/**
 * The audit log: every click (allowed, refused, duplicate, invalid), Defender request and result, and decision.
 */
import { randomUUID } from 'node:crypto';
import { newestFirstKey, type RecordStore } from './records';

/** What happened. */
export type AuditOutcome =
  | 'allowed'
  | 'refused'
  | 'duplicate'
  | 'invalid'
  | 'requested'
  | 'succeeded'
  | 'failed'
  /** A Defender call whose answer was lost and whose action Defender does not show: it may not have started. */
  | 'unconfirmed'
  | 'approved'
  | 'rejected'
  | 'expired'
  /** Not done on purpose and kept for later: a digest not posted to a conversation with external members. */
  | 'withheld';

/** One line of the audit log. */
export interface AuditEntry {
  at: string;
  /** Entra object id of the Teams user, or `system`. */
  userId: string;
  /** Entra tenant of the user (a person is tenant + object id); absent for `system` and older entries. */
  userTenantId?: string;
  userName: string;
  /** What was attempted: a card verb, a Defender call, a command. */
  action: string;
  deviceId?: string;
  deviceName?: string;
  /** The incident of a triage click or command. */
  incidentId?: string;
  incidentTitle?: string;
  outcome: AuditOutcome;
  detail?: string;
  conversationId?: string;
}

let recordedInProcess = 0;

/**
 * Orders entries of the same millisecond: the later recorded in this process sorts first; the random part keeps
 * the keys of several instances apart.
 */
function laterFirstTiebreak(): string {
  recordedInProcess += 1;
  return `${String(Number.MAX_SAFE_INTEGER - recordedInProcess).padStart(16, '0')}-${randomUUID().slice(0, 8)}`;
}

/** The stored audit log, newest first. */
export class AuditLog {
  constructor(private readonly store: RecordStore) {}

  /** Appends an entry. */
  async record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<AuditEntry> {
    const full: AuditEntry = { ...entry, at: entry.at ?? new Date().toISOString() };
    await this.store.put('audit', newestFirstKey(new Date(full.at), laterFirstTiebreak()), full);
    return full;
  }

  /** The latest entries, newest first. */
  async recent(limit: number): Promise<AuditEntry[]> {
    return (await this.store.list<AuditEntry>('audit', { limit })).map((r) => r.value);
  }
}
