/**
 * `secure score`: Secure Score, exposure score and Secure Score for Devices, each with its 7-day change.
 */
import { secureScoreCard } from '../cards';
import { cardContext, type Services } from '../services';
import { loadScores } from '../views/scores';
import type { Reply } from './types';

/** Builds the scores card (and stores score snapshots on the way). */
export async function secureScore(services: Services): Promise<Reply> {
  const scores = await loadScores(services.defender, services.stores.snapshots, services.now(), services.log);
  return { cards: [secureScoreCard(cardContext(services), scores)] };
}
