/**
 * `secure score`: Microsoft Secure Score, exposure score and Secure Score for Devices, each with its 7-day change.
 */
import { cardTitle, type AdaptiveCard } from './elements';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { NO_HISTORY, scoreSections } from './scores';
import { portalButton } from './sections';
import type { CardContext, ScoresView } from './views';

/** The `secure score` card. */
export function secureScoreCard(ctx: CardContext, view: ScoresView): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(
      ctx,
      [cardTitle('Security scores'), ...scoreSections(ctx, view, { noHistory: NO_HISTORY, gauge: true })],
      [
        portalButton(ctx, { page: 'secureScore' }, 'Open Secure Score'),
        portalButton(ctx, { page: 'recommendations' }, 'Open recommendations'),
      ],
    ),
  );
}
