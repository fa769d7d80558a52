/**
 * `digest daily|weekly|monthly`: posts now, to this conversation, what its next scheduled digest would show —
 * everything since the last scheduled one (or the last period) — without moving the watermark, so the scheduled
 * digest stays complete.
 */
import type { DigestKind } from '../cards';
import { collectDigest } from '../digest/collect';
import { digestCard } from '../digest/compose';
import { digestWindow } from '../digest/window';
import { cardContext, type Services } from '../services';
import type { CommandRequest, Reply } from './types';

/** Builds the digest card of this conversation's next scheduled digest, as of now. */
export async function digestNow(services: Services, request: CommandRequest, kind: DigestKind): Promise<Reply> {
  const subscription = await services.stores.subscriptions.get(request.conversation.id, kind);
  const window = digestWindow(kind, subscription?.watermark, services.now(), subscription?.seen);
  const collection = await collectDigest(services, kind, [window], { reason: 'command' });
  return { cards: [digestCard(cardContext(services), collection.view(window, { onDemand: true }))] };
}
