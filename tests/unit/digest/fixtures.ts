/**
 * Factories for digest tests: services over an in-memory store, a recording messenger, a movable clock, and a
 * Defender API of an empty tenant that counts its requests.
 */
import type { AdaptiveCard } from '../../../src/cards';
import { loadConfig, type Config } from '../../../src/config';
import type { DefenderClient } from '../../../src/defender/client';
import type { SecureScore } from '../../../src/defender/models';
import { createLogger } from '../../../src/log';
import type { Messenger } from '../../../src/messenger';
import type { ConversationMembers } from '../../../src/members';
import type { Services } from '../../../src/services';
import { repositories, type Stores } from '../../../src/store';
import { SqliteRecordStore } from '../../../src/store/sqlite';
import { staticRoster, testMembers } from '../../helpers/members';

/** A clock tests move by hand. */
export interface TestClock {
  now(): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(iso = '2025-06-02T08:00:00.000Z'): TestClock {
  let t = Date.parse(iso);
  return { now: () => new Date(t), set: (v) => (t = Date.parse(v)), advance: (ms) => (t += ms) };
}

/** A messenger that records posts; `fail` decides per post whether (and how) it throws. */
export interface RecordingMessenger extends Messenger {
  posts: { conversationId: string; card: AdaptiveCard }[];
  fail?: (conversationId: string) => Error | undefined;
}

export function recordingMessenger(): RecordingMessenger {
  const messenger: RecordingMessenger = {
    posts: [],
    async post(conversationId, card) {
      const error = messenger.fail?.(conversationId);
      if (error) throw error;
      messenger.posts.push({ conversationId, card });
      return `activity-${messenger.posts.length}`;
    },
    async update() {},
  };
  return messenger;
}

/** A fresh in-memory store. */
export function memoryStores(): Stores {
  return repositories(new SqliteRecordStore(':memory:'));
}

/** Services for one instance of the bot. */
export function testServices(options: {
  defender: DefenderClient;
  stores?: Stores;
  messenger?: Messenger;
  clock?: TestClock;
  instanceId?: string;
  env?: Record<string, string>;
  members?: ConversationMembers;
}): Services & { config: Config } {
  const clock = options.clock ?? testClock();
  const config = loadConfig({ DIGEST_FIRE_LEASE_SECONDS: '30', ...options.env });
  return {
    config,
    log: createLogger({ level: 'silent' }),
    defender: options.defender,
    stores: options.stores ?? memoryStores(),
    messenger: options.messenger ?? recordingMessenger(),
    members: options.members ?? testMembers(config, staticRoster(), () => clock.now()),
    now: () => clock.now(),
    instanceId: options.instanceId ?? 'instance-a',
  };
}

/** Secure Score records of the last `days` days, newest first, rising one point a day. */
export function secureScoreHistory(days: number, today = new Date('2025-06-02T00:00:00Z')): SecureScore[] {
  return Array.from({ length: days }, (_, i) => ({
    id: `tenant_${new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10)}`,
    createdDateTime: new Date(today.getTime() - i * 86_400_000).toISOString(),
    currentScore: 60 - i,
    maxScore: 120,
    averageComparativeScores: [{ basis: 'AllTenants', averageScore: 50 }],
  }));
}

/**
 * The Defender API of a tenant with nothing in it but its scores: every list is empty, every call counts as one
 * request. `overrides` replace single operations.
 */
export function quietTenant(
  overrides: Record<string, (...args: any[]) => unknown> = {},
): DefenderClient & { calls: string[] } {
  const calls: string[] = [];
  const base: Record<string, (...args: any[]) => unknown> = {
    getExposureScore: async () => ({ time: '2025-06-02T08:00:00Z', score: 31.5 }),
    getConfigurationScore: async () => ({ time: '2025-06-02T08:00:00Z', score: 72 }),
    listSecureScores: async (days: number) => secureScoreHistory(days),
    ...overrides,
  };
  const target = {
    calls,
    stats: () => ({ graph: 0, defender: calls.length }),
    resetStats: () => undefined,
  };
  return new Proxy(target, {
    get(t, name: string) {
      if (name in t) return (t as Record<string, unknown>)[name];
      if (name === 'then') return undefined;
      const op = base[name];
      if (name.startsWith('stream')) {
        return (...args: unknown[]) => {
          calls.push(name);
          const pages = op ? (op(...args) as unknown[][] | AsyncIterable<unknown[]>) : [];
          // An override may give its own stream (one that fails part-way, say).
          if (Symbol.asyncIterator in pages) return pages;
          return (async function* () {
            for (const page of pages) yield page;
          })();
        };
      }
      return async (...args: unknown[]) => {
        calls.push(name);
        return op ? op(...args) : [];
      };
    },
  }) as unknown as DefenderClient & { calls: string[] };
}
