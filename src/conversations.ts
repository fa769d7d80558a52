/**
 * Install and removal: remember where the bot lives, subscribe channels to the digests, and say hello once.
 */
import { randomUUID } from 'node:crypto';
import { welcomeCard, type AdaptiveCard, type ExternalMembersView } from './cards';
import { BOT_NAME } from './commands/help';
import { subscriptionViews } from './commands/subscriptionViews';
import type { SubscriptionListener } from './commands/subscribe';
import { externalMembersText } from './members';
import { cardContext, type Services } from './services';
import type { ConversationRecord } from './store/conversations';
import type { Person } from './store/requests';
import { DIGEST_KINDS } from './store/subscriptions';

/** Handles the bot being added to and removed from conversations. */
export class Installations {
  constructor(
    private readonly services: Services,
    private readonly schedule: SubscriptionListener,
  ) {}

  /**
   * Stores the conversation; a channel is subscribed to the three digests on the default schedules. Returns the
   * welcome card for a new installation, or nothing when this installation was already welcomed (Teams sends both
   * an `installationUpdate` and a `conversationUpdate` for one install).
   */
  async install(conversation: ConversationRecord, by: Person): Promise<AdaptiveCard | undefined> {
    const { stores, log } = this.services;
    // A unique owner per install: Teams sends two activities for one install, maybe to two instances at once, and a
    // shared owner would let the second "renew" the claim and welcome twice.
    const key = installKey(conversation.id);
    const owner = `welcome:${this.services.instanceId}:${randomUUID()}`;
    const claim = await stores.intents.claim(key, owner, 365 * 86_400_000, this.services.now());
    await stores.conversations.save(conversation);
    if (!claim.won) return undefined;
    await stores.intents.complete(key, owner, this.services.now());
    if (conversation.type === 'channel') {
      for (const kind of DIGEST_KINDS)
        await stores.subscriptions.subscribe(conversation.id, kind, undefined, this.services.now());
      await this.schedule.subscriptionsChanged();
    }
    await stores.audit.record({
      userId: by.id,
      userTenantId: by.tenantId,
      userName: by.name,
      action: 'install',
      outcome: 'succeeded',
      detail: `installed in ${conversation.type} ${conversation.channelName ?? conversation.id}`.slice(0, 300),
      conversationId: conversation.id,
    });
    log.info({ conversationId: conversation.id, type: conversation.type }, 'installed');
    return welcomeCard(cardContext(this.services), {
      conversation: conversation.type,
      botName: BOT_NAME,
      subscriptions: await subscriptionViews(this.services, conversation.id),
      externalMembers: await this.externalMembers(conversation),
    });
  }

  /** Reads who is in the new conversation; members of other organisations are audited and shown in the welcome. */
  private async externalMembers(conversation: ConversationRecord): Promise<ExternalMembersView | undefined> {
    const { members, stores, log } = this.services;
    const digestsPosted = members.externalAllowed;
    const record = (outcome: 'allowed' | 'withheld' | 'failed', detail: string) =>
      stores.audit.record({
        at: this.services.now().toISOString(),
        userId: 'system',
        userName: 'Watchstander',
        action: 'external members',
        outcome,
        detail: detail.slice(0, 500),
        conversationId: conversation.id,
      });
    try {
      const audience = await members.audience(conversation);
      if (audience.external === 0) return undefined;
      const tenants = audience.externalTenants.join(', ');
      await record(
        digestsPosted ? 'allowed' : 'withheld',
        `${externalMembersText(audience)} (${tenants}): digests ${digestsPosted ? 'are posted here (ALLOW_EXTERNAL_MEMBERS=true)' : 'are withheld until ALLOW_EXTERNAL_MEMBERS=true or they leave'}`,
      );
      return {
        known: true,
        count: audience.external,
        organisations: audience.externalTenants.length,
        digestsPosted,
      };
    } catch (error) {
      log.warn({ err: error, conversationId: conversation.id }, 'could not read the members of a new conversation');
      await record('failed', 'the members could not be read; digests are checked again before each post');
      return { known: false, digestsPosted };
    }
  }

  /** Forgets the conversation and its subscriptions. */
  async uninstall(conversationId: string): Promise<void> {
    const { stores, log } = this.services;
    await stores.subscriptions.removeConversation(conversationId);
    await stores.conversations.remove(conversationId);
    const welcomed = await stores.intents.get(installKey(conversationId));
    if (welcomed) await stores.intents.release(installKey(conversationId), welcomed.owner);
    await this.schedule.subscriptionsChanged();
    await stores.audit.record({
      userId: 'system',
      userName: 'Teams',
      action: 'uninstall',
      outcome: 'succeeded',
      conversationId,
    });
    log.info({ conversationId }, 'removed');
  }

  /** Keeps the reference of a conversation that talks to the bot (so it can subscribe by command). */
  async seen(conversation: ConversationRecord): Promise<void> {
    const known = await this.services.stores.conversations.get(conversation.id);
    if (!known) await this.services.stores.conversations.save(conversation);
  }
}

/** The claim that makes one installation post one welcome card. */
function installKey(conversationId: string): string {
  return `install|${conversationId}`;
}
