/**
 * `digest daily|weekly|monthly`: posts now, to this conversation, what its next scheduled digest would show —
 * everything since the last scheduled one (or the last period) — without moving the watermark, so the scheduled
 * digest stays complete.
 */
import { noticeCard, type DigestKind } from '../cards';
import { audit } from '../actions/audit';
import { collectDigest } from '../digest/collect';
import { digestCard } from '../digest/compose';
import { digestWindow } from '../digest/window';
import { cardContext, type Services } from '../services';
import type { CommandRequest, Reply } from './types';

/** Builds the digest card of this conversation's next scheduled digest, as of now. */
export async function digestNow(services: Services, request: CommandRequest, kind: DigestKind): Promise<Reply> {
  const verdict = await services.members.digestVerdict(request.conversation).catch(() => undefined);
  if (!verdict?.post) {
    const reason = verdict
      ? verdict.reason
      : 'I could not read the members of this conversation, so I cannot tell whether people of other organisations would see the digest.';
    await audit(services, {
      user: request.user,
      action: `digest ${kind}`,
      outcome: 'refused',
      detail: reason,
      conversationId: request.conversation.id,
    });
    return {
      cards: [noticeCard(cardContext(services), { tone: 'warning', title: 'Digest not posted', text: reason })],
    };
  }
  const subscription = await services.stores.subscriptions.get(request.conversation.id, kind);
  const window = digestWindow(kind, subscription?.watermark, services.now(), subscription?.seen);
  const collection = await collectDigest(services, kind, [window], { reason: 'command' });
  return { cards: [digestCard(cardContext(services), collection.view(window, { onDemand: true }))] };
}
