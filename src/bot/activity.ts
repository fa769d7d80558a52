/**
 * Reads what the product needs out of an incoming Teams activity: who, where, and the text.
 */
import { TurnContext, type Activity } from 'botbuilder';
import type { ConversationRecord, ConversationType } from '../store/conversations';
import type { Person } from '../store/requests';
import type { ActivityTenantFields } from '../tenants';

/**
 * The Teams user behind an activity: Entra object id (falls back to the channel account id), name, and the tenant
 * of the activity (which the tenant gate has checked by then).
 */
export function personOf(activity: Partial<Activity>): Person {
  const from = activity.from;
  const tenantId = tenantFieldsOf(activity).channelData ?? tenantFieldsOf(activity).conversation;
  return {
    id: String(from?.aadObjectId ?? from?.id ?? 'unknown').slice(0, 128),
    name: String(from?.name ?? 'someone').slice(0, 128),
    ...(tenantId ? { tenantId: tenantId.toLowerCase().slice(0, 128) } : {}),
  };
}

/** The two places Teams names the tenant of an activity: `channelData.tenant.id` and `conversation.tenantId`. */
export function tenantFieldsOf(activity: Partial<Activity>): ActivityTenantFields {
  const channelData = (activity.channelData ?? {}) as { tenant?: { id?: unknown } };
  const fromChannelData = channelData.tenant?.id;
  const fromConversation = activity.conversation?.tenantId;
  return {
    channelData: typeof fromChannelData === 'string' && fromChannelData ? fromChannelData : undefined,
    conversation: typeof fromConversation === 'string' && fromConversation ? fromConversation : undefined,
  };
}

/** Channel conversations carry `;messageid=` when the activity is inside a thread; the channel itself is the base. */
export function baseConversationId(id: string): string {
  return id.split(';messageid=')[0];
}

/** The conversation of an activity as the store keeps it, with a reference that posts a new top-level message. */
export function conversationOf(activity: Partial<Activity>, now: Date): ConversationRecord {
  const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
  const conversation = activity.conversation!;
  const id = baseConversationId(conversation.id);
  const channelData = (activity.channelData ?? {}) as {
    team?: { id?: string; name?: string };
    channel?: { id?: string; name?: string };
    tenant?: { id?: string };
  };
  const type: ConversationType =
    conversation.conversationType === 'channel' || channelData.channel?.id
      ? 'channel'
      : conversation.conversationType === 'groupChat' || conversation.isGroup
        ? 'groupChat'
        : 'personal';
  delete reference.activityId;
  return {
    id,
    type,
    tenantId: conversation.tenantId ?? channelData.tenant?.id,
    teamId: channelData.team?.id,
    teamName: channelData.team?.name,
    channelName: channelData.channel?.name,
    reference: { ...reference, conversation: { ...(reference.conversation as object), id } },
    installedAt: now.toISOString(),
  };
}

/** The command text of a message: mentions and markup removed, spaces collapsed. */
export function commandText(activity: Partial<Activity>): string {
  const text = typeof activity.text === 'string' ? activity.text.slice(0, 4096) : '';
  return (
    text
      .replace(/<at>[^<]*<\/at>/gi, ' ')
      .replace(/<[^>]{0,200}>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      // Text copied from a card carries the zero-width characters that escaping inserted.
      .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
