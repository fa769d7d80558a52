/**
 * The parts every command, action and digest works with, built once at start-up.
 */
import type { CardContext } from './cards';
import type { Config } from './config';
import type { Logger } from './log';
import type { ConversationMembers } from './members';
import type { Messenger } from './messenger';
import type { MeteredDefenderApi } from './quota/shield';
import type { Stores } from './store';

/** What handlers are given: configuration, clock, Defender, the store, a way to post, and the log. */
export interface Services {
  config: Config;
  log: Logger;
  /**
   * Defender for this class of work: the quota shield's `watch` view for digests, clicks and trackers; commands get
   * its `chat` view (see `src/quota/shield.ts`).
   */
  defender: MeteredDefenderApi;
  stores: Stores;
  messenger: Messenger;
  /** Who is in a conversation: digests are not posted where members of other organisations would read them. */
  members: ConversationMembers;
  /** The clock (tests move it). */
  now(): Date;
  /** A name for this process among several instances. */
  instanceId: string;
}

/** The rendering context of cards built now. */
export function cardContext(services: Services): CardContext {
  return {
    simulated: services.config.defenderSource === 'simulated',
    portalUrl: services.config.portalUrl,
    now: services.now(),
    timeZone: services.config.digest.timezone,
  };
}
