/**
 * Remediation requests: an isolation or a release that waits for a second person's approval.
 */
import { updateRecord, type RecordStore } from './records';

/** What a remediation request asks for. */
export type RemediationKind = 'isolate' | 'release';

/** Where a request stands. */
export type RequestState = 'pending' | 'approved' | 'rejected' | 'expired' | 'failed';

/**
 * A Teams user: Entra object id, the tenant of the activity that named them, and display name. A person is
 * (tenant, object id): the same object id in another tenant is someone else.
 */
export interface Person {
  id: string;
  name: string;
  /** Entra tenant id (lower case); absent in records written before tenants were kept, or when unknown. */
  tenantId?: string;
}

/**
 * True when `a` and `b` may be the same person: same object id, and the same tenant or a tenant unknown on either
 * side (so "must be two people" rules stay safe for records that predate tenants).
 */
export function mayBeSamePerson(a: Person, b: Person): boolean {
  if (a.id.toLowerCase() !== b.id.toLowerCase()) return false;
  return !a.tenantId || !b.tenantId || a.tenantId.toLowerCase() === b.tenantId.toLowerCase();
}

/** A stored remediation request. */
export interface RemediationRequest {
  id: string;
  kind: RemediationKind;
  isolationType?: 'Full' | 'Selective';
  deviceId: string;
  deviceName: string;
  reason: string;
  requestedBy: Person;
  requestedAt: string;
  expiresAt: string;
  state: RequestState;
  decidedBy?: Person;
  decidedAt?: string;
  /** The Defender machine action that carried out an approved request. */
  machineActionId?: string;
  error?: string;
  /** `failed` because Defender's answer was lost and it shows no such action: not refused, only not confirmed. */
  unconfirmed?: boolean;
  /** Where the approval card was posted, to update it in place. */
  conversationId: string;
  activityId?: string;
}

/** Stored remediation requests. */
export class RemediationRequests {
  constructor(private readonly store: RecordStore) {}

  /** Stores a new request. */
  async create(request: RemediationRequest): Promise<void> {
    const written = await this.store.put('requests', request.id, request, { ifNoneMatch: '*' });
    if (!written) throw new Error(`remediation request ${request.id} already exists`);
  }

  /** Reads a request. */
  async get(id: string): Promise<RemediationRequest | undefined> {
    return (await this.store.get<RemediationRequest>('requests', id))?.value;
  }

  /**
   * Changes a request with compare-and-set; `change` returns the new request or `undefined` to leave it.
   * Returns the request after the change (or as it was), and whether this call changed it.
   */
  async update(
    id: string,
    change: (current: RemediationRequest) => RemediationRequest | undefined,
  ): Promise<{ request: RemediationRequest | undefined; changed: boolean }> {
    let changed = false;
    const request = await updateRecord<RemediationRequest>(this.store, 'requests', id, (current) => {
      changed = false;
      if (!current) return undefined;
      const next = change(current);
      changed = next !== undefined;
      return next;
    });
    return { request, changed };
  }

  /** Requests still waiting for a decision. */
  async pending(): Promise<RemediationRequest[]> {
    return (await this.store.list<RemediationRequest>('requests'))
      .map((r) => r.value)
      .filter((r) => r.state === 'pending');
  }
}
