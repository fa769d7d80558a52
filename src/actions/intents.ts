/**
 * Exactly one action per intent: a click claims "scan this device" (any scan type), "investigate this device" or
 * "contain this device" in `stores.intents` before anything is sent to Defender. A second click, a retried invoke
 * or a second person finds the claim held and is shown the running action instead. The claim is released when the
 * action ends; a claim whose action is gone (the bot stopped at the wrong moment) is taken over.
 */
import type { Services } from '../services';
import type { Claim } from '../store/claims';
import type { Person } from '../store/requests';
import type { TrackedOperation } from '../store/trackers';

/** Longest an intent is held without its holder being checked; an ended action releases it at once. */
export const INTENT_LEASE_MS = 9 * 24 * 60 * 60_000;
/** A claim younger than this whose tracker or request is not stored yet belongs to a click still being handled. */
export const START_GRACE_MS = 5 * 60_000;

/** What the holder of an intent stores with it: enough to show the running action. */
export interface IntentData {
  trackerId?: string;
  requestId?: string;
  requestedBy: Person;
  requestedAt: string;
  /** What the holder asks for, when the intent is not a tracked action (an incident's new owner, a verdict). */
  target?: string;
}

/** `scan|<id>` for both scan types, `investigate|<id>`, `isolation-request|<id>` for isolation and release. */
export function intentKey(operation: TrackedOperation, deviceId: string): string {
  switch (operation.kind) {
    case 'scan':
      return `scan|${deviceId}`;
    case 'investigation':
      return `investigate|${deviceId}`;
    case 'isolate':
    case 'release':
      return `isolation-request|${deviceId}`;
  }
}

/** The outcome of claiming an intent: won, or held by a running action (`R`, as `running` found it). */
export type IntentClaim<R> = { won: true } | { won: false; running: R };

/**
 * Claims `key` for `owner`. When another holds it, `running` looks at the holder: it returns what to show, or
 * `undefined` when the holder's action is over (then the stale claim is released and claimed again).
 */
export async function claimIntent<R>(
  services: Services,
  key: string,
  owner: string,
  data: IntentData,
  running: (holder: Claim<IntentData>) => Promise<R | undefined>,
): Promise<IntentClaim<R>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await services.stores.intents.claim<IntentData>(key, owner, INTENT_LEASE_MS, services.now(), data);
    if (result.won) return { won: true };
    const shown = await running(result.holder);
    if (shown !== undefined) return { won: false, running: shown };
    await services.stores.intents.release(key, result.holder.owner);
  }
  throw new Error(`could not claim intent ${key}: it kept changing hands`);
}

/** True while a claim is young enough that its holder may still be storing its tracker or request. */
export function inStartGrace(services: Services, holder: Claim<IntentData>): boolean {
  return services.now().getTime() - Date.parse(holder.claimedAt) < START_GRACE_MS;
}

/** Releases an intent an ended action held; a failure only delays the next click (it takes the claim over). */
export async function releaseIntent(
  services: Services,
  intent: { key: string; owner: string } | undefined,
): Promise<void> {
  if (!intent) return;
  await services.stores.intents
    .release(intent.key, intent.owner)
    .catch((err: unknown) => services.log.warn({ err, key: intent.key }, 'could not release an intent claim'));
}
