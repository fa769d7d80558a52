/**
 * The weekly digest's data: the three scores with their 7-day change, the Secure Score trend of 90 days, and the
 * active recommendations (the card orders them by impact).
 */
import { quote } from '../defender/odata';
import { toRecommendationView, toScorePoints } from '../views/posture';
import { loadScores } from '../views/scores';
import { section } from '../views/sections';
import type { Collected, CollectSource } from './sources';

/** Active recommendations only: exceptions are decisions already taken. */
export const ACTIVE_RECOMMENDATIONS = `status eq ${quote('Active')}`;

/** Collects the weekly digest: three sections in parallel, four requests. */
export async function collectWeekly(source: CollectSource): Promise<Collected> {
  const { defender, snapshots, log, now } = source;
  // One read of the 90-day history gives the score now, its 7-day change and the trend.
  const history = defender.listSecureScores(90);
  const [scores, trend, recommendations] = await Promise.all([
    loadScores(defender, snapshots, now, log, history),
    section('secureScoreTrend', history.then(toScorePoints), log),
    section(
      'recommendations',
      defender.listRecommendations({ filter: ACTIVE_RECOMMENDATIONS }).then((list) => list.map(toRecommendationView)),
      log,
    ),
  ]);
  return {
    viewOf: (_window, period) => ({
      kind: 'weekly',
      view: { period, scores, secureScoreTrend: trend, recommendations },
    }),
  };
}
