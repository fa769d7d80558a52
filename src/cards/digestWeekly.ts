/**
 * The weekly digest: the three scores now and their 7-day change, the Secure Score gauge and 90-day trend, and the
 * top recommendations by impact — or "all quiet" when no score moved and nothing is recommended.
 */
import { allQuietCard, digestHeader, secureScoreTrend } from './digestParts';
import { type AdaptiveCard } from './elements';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { portalLink } from './links';
import { recommendationsTable } from './rows';
import { FIRST_SNAPSHOT, scoreSections } from './scores';
import { listBody, sectionOf } from './sections';
import {
  isUnavailable,
  type CardContext,
  type RecommendationView,
  type ScoresView,
  type WeeklyDigestView,
} from './views';

/** Most recommendations the weekly digest lists. */
export const WEEKLY_RECOMMENDATION_ROWS = 10;
/** Most points of the 90-day trend (about one a week). */
export const WEEKLY_TREND_POINTS = 14;

/** Highest impact first: exposure impact, then score impact, then exposed devices. */
export function byImpact(a: RecommendationView, b: RecommendationView): number {
  return (
    (b.exposureImpact ?? 0) - (a.exposureImpact ?? 0) ||
    (b.configScoreImpact ?? 0) - (a.configScoreImpact ?? 0) ||
    (b.exposedMachines ?? 0) - (a.exposedMachines ?? 0)
  );
}

/** True when no score moved (or can be compared yet) and there is no recommendation. */
export function isQuietWeek(view: WeeklyDigestView): boolean {
  const still = (section: ScoresView[keyof ScoresView]) => !isUnavailable(section) && !section.change7d;
  const { secureScore, exposureScore, deviceSecureScore } = view.scores;
  return (
    still(secureScore) &&
    still(exposureScore) &&
    still(deviceSecureScore) &&
    !isUnavailable(view.recommendations) &&
    view.recommendations.length === 0
  );
}

/** The weekly digest card, or the all-quiet card. */
export function weeklyDigestCard(ctx: CardContext, view: WeeklyDigestView): AdaptiveCard {
  if (isQuietWeek(view)) {
    const detail = 'No score changed this week and nothing new is recommended.';
    return allQuietCard(ctx, 'weekly', view.period, detail, view.scores);
  }
  return fitCard((maxRows) =>
    adaptiveCard(ctx, [
      ...digestHeader(ctx, 'weekly', view.period),
      ...scoreSections(ctx, view.scores, { noHistory: FIRST_SNAPSHOT, gauge: true }),
      sectionOf('Secure Score trend', view.secureScoreTrend, (points) =>
        secureScoreTrend(ctx, points, 'Secure Score, last 90 days', WEEKLY_TREND_POINTS),
      ),
      sectionOf(
        'Top recommendations by impact',
        view.recommendations,
        (recommendations) =>
          listBody([...recommendations].sort(byImpact), {
            maxRows: Math.min(maxRows, WEEKLY_RECOMMENDATION_ROWS),
            moreUrl: portalLink(ctx, { page: 'recommendations' }),
            renderRows: (shown) => [recommendationsTable(shown, 'impact')],
          }),
        (recommendations) => recommendations.length,
      ),
    ]),
  );
}
