/**
 * A digest's data into its card: the daily, weekly or monthly card, or its short "all quiet" version.
 */
import { dailyDigestCard, monthlyDigestCard, weeklyDigestCard, type AdaptiveCard, type CardContext } from '../cards';
import type { DigestView } from './collect';

/** The card of a digest. */
export function digestCard(ctx: CardContext, digest: DigestView): AdaptiveCard {
  switch (digest.kind) {
    case 'daily':
      return dailyDigestCard(ctx, digest.view);
    case 'weekly':
      return weeklyDigestCard(ctx, digest.view);
    case 'monthly':
      return monthlyDigestCard(ctx, digest.view);
  }
}
