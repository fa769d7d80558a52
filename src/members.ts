/**
 * Who is in a conversation, as far as the digests care: members from an organisation the bot does not serve (a
 * Teams shared channel with people of another tenant, B2B direct connect) would read the digests posted there, so
 * digests go to such a conversation only with `ALLOW_EXTERNAL_MEMBERS=true`.
 *
 * The roster comes from Teams (a port, implemented in `bot/roster.ts`) and is kept `ROSTER_TTL_MS` per conversation;
 * the membership changes Teams reports (`conversationUpdate` with members added or removed) drop it at once. A member
 * whose tenant is not named counts as external.
 */
import type { ConversationRecord } from './store/conversations';
import type { TenantPolicy } from './tenants';

/** How long a conversation's roster is trusted before it is read again (ms). */
export const ROSTER_TTL_MS = 10 * 60_000;

/** A conversation member as the Teams roster lists it. */
export interface RosterMember {
  aadObjectId?: string;
  name?: string;
  tenantId?: string;
}

/** Reads the members of a stored conversation. Implemented by the Teams glue in `bot/`. */
export interface Roster {
  members(conversation: ConversationRecord): Promise<RosterMember[]>;
}

/** What the roster says about a conversation. */
export interface Audience {
  members: number;
  /** Members from a tenant the bot does not serve, or that name no tenant. */
  external: number;
  /** The tenants of the external members (`unknown` for none named), at most five. */
  externalTenants: string[];
  /** When the roster was read (ISO). */
  checkedAt: string;
}

/** Whether a digest may be posted to a conversation. */
export type DigestVerdict =
  | { post: true }
  | {
      post: false;
      audience: Audience;
      /** Why not, in one sentence. */
      reason: string;
    };

interface Cached {
  at: number;
  teamId?: string;
  audience: Promise<Audience>;
}

/** Reads and keeps conversation rosters, and decides where digests may go. */
export class ConversationMembers {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly roster: Roster,
    private readonly policy: TenantPolicy,
    private readonly allowExternal: boolean,
    private readonly now: () => Date = () => new Date(),
    private readonly ttlMs: number = ROSTER_TTL_MS,
  ) {}

  /** True when digests go to conversations with external members too (`ALLOW_EXTERNAL_MEMBERS=true`). */
  get externalAllowed(): boolean {
    return this.allowExternal;
  }

  /** The conversation's audience, from a roster read at most `ttlMs` ago; rejects when Teams cannot list it. */
  audience(conversation: ConversationRecord): Promise<Audience> {
    const now = this.now().getTime();
    const cached = this.cache.get(conversation.id);
    if (cached && cached.at > now - this.ttlMs) return cached.audience;
    const audience = this.read(conversation);
    const entry: Cached = { at: now, teamId: conversation.teamId, audience };
    this.cache.set(conversation.id, entry);
    // A failed read is not kept: the next question asks Teams again.
    audience.catch(() => {
      if (this.cache.get(conversation.id) === entry) this.cache.delete(conversation.id);
    });
    return audience;
  }

  /** Whether a digest may be posted there now (without reading the roster when external members are allowed). */
  async digestVerdict(conversation: ConversationRecord): Promise<DigestVerdict> {
    if (this.allowExternal) return { post: true };
    const audience = await this.audience(conversation);
    if (audience.external === 0) return { post: true };
    return { post: false, audience, reason: withheldReason(audience) };
  }

  /** Forgets what is known of a conversation and, for a team event, of every channel of that team. */
  forget(conversationId: string, teamId?: string): void {
    this.cache.delete(conversationId);
    if (!teamId) return;
    for (const [id, entry] of this.cache) if (entry.teamId === teamId) this.cache.delete(id);
  }

  private async read(conversation: ConversationRecord): Promise<Audience> {
    const members = await this.roster.members(conversation);
    const home = conversation.tenantId?.toLowerCase();
    const externalTenants = new Set<string>();
    let external = 0;
    for (const member of members) {
      const tenant = member.tenantId?.toLowerCase();
      // With the gate off every tenant is served: then "external" means another tenant than the conversation's.
      const isExternal = !tenant || (this.policy.gated ? !this.policy.serves(tenant) : !!home && tenant !== home);
      if (!isExternal) continue;
      external += 1;
      externalTenants.add(tenant ?? 'unknown');
    }
    return {
      members: members.length,
      external,
      externalTenants: [...externalTenants].slice(0, 5),
      checkedAt: this.now().toISOString(),
    };
  }
}

/** "2 members of this conversation are from another organisation …" */
export function externalMembersText(audience: Audience): string {
  const who =
    audience.external === 1
      ? '1 member of this conversation is'
      : `${audience.external} members of this conversation are`;
  const orgs = audience.externalTenants.length === 1 ? 'another organisation' : 'other organisations';
  return `${who} from ${orgs}`;
}

function withheldReason(audience: Audience): string {
  return `${externalMembersText(audience)}, so digests are not posted here (ALLOW_EXTERNAL_MEMBERS is off).`;
}
