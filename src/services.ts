/**
 * The parts every command, action and digest works with, built once at start-up.
 */
import type { CardContext } from './cards';
import type { Config } from './config';
import type { DefenderClient } from './defender/client';
import type { Logger } from './log';
import type { Messenger } from './messenger';
import type { Stores } from './store';

/** What handlers are given: configuration, clock, Defender, the store, a way to post, and the log. */
export interface Services {
  config: Config;
  log: Logger;
  defender: DefenderClient;
  stores: Stores;
  messenger: Messenger;
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
