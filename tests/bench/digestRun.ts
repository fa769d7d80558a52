/**
 * The product's daily digest run in the bench process against a simulator URL: the same collector (`collectDigest`)
 * and composer (`digestCard`) the scheduler uses, over the real `DefenderClient`, with an in-memory store.
 */
import { loadConfig } from '../../src/config';
import { createDefenderClient } from '../../src/defender/client';
import { collectDigest } from '../../src/digest/collect';
import { digestCard } from '../../src/digest/compose';
import { digestWindow, type DigestWindow } from '../../src/digest/window';
import { createLogger } from '../../src/log';
import type { Messenger } from '../../src/messenger';
import { cardContext, type Services } from '../../src/services';
import { openStore } from '../../src/store';
import { testMembers } from '../helpers/members';

/**
 * Services wired as `startWatch` wires them, minus Teams (a digest collection posts nothing). Graph and Defender
 * may be two simulator processes, as they are two services.
 */
export async function digestServices(simulatorUrl: string, defenderUrl = simulatorUrl): Promise<Services> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DEFENDER_SOURCE: 'simulated',
    SIMULATOR_URL: simulatorUrl,
    STORE: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
  });
  const log = createLogger({ level: 'silent' });
  const defender = createDefenderClient(config, {
    graphEndpoint: simulatorUrl,
    defenderEndpoint: defenderUrl,
    timeoutMs: config.defenderTimeoutMs,
    logger: log,
  });
  const messenger: Messenger = {
    post: () => Promise.reject(new Error('the bench collects digests, it does not post them')),
    update: () => Promise.reject(new Error('the bench collects digests, it does not post them')),
  };
  return {
    config,
    log,
    defender,
    stores: await openStore(config.store),
    messenger,
    members: testMembers(config),
    now: () => new Date(),
    instanceId: 'bench',
  };
}

/** What one daily digest run took. */
export interface DigestRun {
  window: DigestWindow;
  /** Requests counted by the product's own client. */
  clientRequests: number;
  wallMs: number;
  /** Size of the card JSON, to show the digest was really built. */
  cardBytes: number;
}

/** Collects and composes the first daily digest of a subscription (window: the last 24 hours). */
export async function runDailyDigest(services: Services): Promise<DigestRun> {
  const defender = services.defender;
  const before = defender.stats();
  const started = performance.now();
  const window = digestWindow('daily', undefined, services.now());
  const collection = await collectDigest(services, 'daily', [window], { reason: 'command' });
  const card = digestCard(cardContext(services), collection.view(window));
  const wallMs = performance.now() - started;
  const after = defender.stats();
  return {
    window,
    clientRequests: after.graph - before.graph + (after.defender - before.defender),
    wallMs,
    cardBytes: JSON.stringify(card).length,
  };
}
