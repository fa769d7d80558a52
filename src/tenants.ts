/**
 * Which organisations the bot serves, and whether an incoming activity comes from one of them.
 *
 * Teams names the tenant of an activity twice: `channelData.tenant.id` and `conversation.tenantId`. With the gate on,
 * both must be there and agree: an activity whose tenant cannot be told is refused like a foreign one. With the gate
 * off (local mode with the simulated source and no tenant named) every tenant is accepted, as the simulated source
 * serves anyone; nothing is authenticated there anyway, so any tenant field could be forged.
 */
import type { TenantConfig } from './config';

/** The two places Teams puts the tenant of an activity. */
export interface ActivityTenantFields {
  /** `channelData.tenant.id`. */
  channelData?: string;
  /** `conversation.tenantId`. */
  conversation?: string;
}

/** The verdict on one activity's tenant. */
export type TenantVerdict =
  /** Served: `tenantId` is the activity's tenant (lower case), absent only with the gate off. */
  | { served: true; tenantId?: string }
  /** Not served: `tenantId` is what the activity claimed (for the audit), `reason` says why in words. */
  | { served: false; tenantId?: string; reason: string };

/** What "served" means for one configuration. */
export class TenantPolicy {
  constructor(private readonly config: TenantConfig) {}

  /** The home tenant (lower-case GUID), when one is configured. */
  get home(): string | undefined {
    return this.config.home;
  }

  /** False in local mode with the simulated source and no tenant named: every tenant is accepted. */
  get gated(): boolean {
    return this.config.gate;
  }

  /** True when people of `tenantId` may use the bot (always, with the gate off). */
  serves(tenantId: string | undefined): boolean {
    if (!this.config.gate) return true;
    const id = tenantId?.toLowerCase();
    return !!id && (id === this.config.home || this.config.allowed.has(id));
  }

  /** Judges the tenant an activity comes from. */
  judge(fields: ActivityTenantFields): TenantVerdict {
    const fromChannelData = clean(fields.channelData);
    const fromConversation = clean(fields.conversation);
    const claimed = fromChannelData ?? fromConversation;
    if (!this.config.gate) return { served: true, tenantId: claimed };
    if (!fromChannelData || !fromConversation) {
      return { served: false, tenantId: claimed, reason: 'the activity does not name its tenant in both places' };
    }
    if (fromChannelData !== fromConversation) {
      return {
        served: false,
        tenantId: claimed,
        reason: `the activity names two tenants (${fromChannelData} and ${fromConversation})`,
      };
    }
    if (!this.serves(fromChannelData)) {
      return { served: false, tenantId: fromChannelData, reason: `tenant ${fromChannelData} is not served` };
    }
    return { served: true, tenantId: fromChannelData };
  }
}

function clean(value: string | undefined): string | undefined {
  const v = typeof value === 'string' ? value.trim().toLowerCase().slice(0, 128) : '';
  return v === '' ? undefined : v;
}
