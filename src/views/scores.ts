/**
 * The three scores with their 7-day change: Secure Score from Graph's 90-day history, exposure score and Secure Score
 * for Devices from snapshots the bot stores itself (those APIs give only "now").
 */
import type { ScoreNowView, ScoresView, SecureScoreNow, Section } from '../cards';
import type { DefenderApi } from '../defender/api';
import type { SecureScore } from '../defender/models';
import type { Logger } from '../log';
import type { ScoreKind, ScoreSnapshots } from '../store/snapshots';
import { section } from './sections';

const WEEK_MS = 7 * 86_400_000;

/** Secure Score now, its change against the record of 7 days before, and the comparative averages. */
export function secureScoreNow(history: readonly SecureScore[]): SecureScoreNow {
  const sorted = [...history].sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
  const latest = sorted[0];
  if (!latest) throw new Error('Secure Score has no history yet');
  const weekAgo = new Date(new Date(latest.createdDateTime).getTime() - WEEK_MS + 3_600_000).toISOString();
  const before = sorted.find((s) => s.createdDateTime <= weekAgo);
  return {
    current: latest.currentScore,
    max: latest.maxScore,
    change7d: before ? round(latest.currentScore - before.currentScore) : null,
    comparativeAverages: latest.averageComparativeScores
      .filter((a) => a.averageScore !== undefined)
      .map((a) => ({ basis: a.basis, averageScore: a.averageScore! })),
    asOf: latest.createdDateTime,
  };
}

/**
 * Stores a snapshot of a "now" score and returns it with its change: against the latest snapshot at least 7 days
 * old, or else the oldest one this week (the change then covers a shorter span), or `null` for the first one.
 */
export async function snapshotScore(
  snapshots: ScoreSnapshots,
  kind: ScoreKind,
  value: { time: string; score: number },
  now: Date,
): Promise<ScoreNowView> {
  const weekAgo = new Date(now.getTime() - WEEK_MS);
  const baseline =
    (await snapshots.latestAtOrBefore(kind, weekAgo)) ??
    (await snapshots.since(kind, weekAgo)).find((s) => Date.parse(s.time) < now.getTime());
  await snapshots.add({ kind, time: now.toISOString(), score: value.score });
  return {
    score: round(value.score),
    change7d: baseline ? round(value.score - baseline.score) : null,
    asOf: value.time,
  };
}

/** Loads the three scores in parallel; each one that fails becomes an unavailable section. */
export async function loadScores(
  defender: DefenderApi,
  snapshots: ScoreSnapshots,
  now: Date,
  log: Logger,
  secureScoreHistory?: Promise<SecureScore[]>,
): Promise<ScoresView> {
  const [secureScore, exposureScore, deviceSecureScore] = await Promise.all([
    section('secureScore', (secureScoreHistory ?? defender.listSecureScores(8)).then(secureScoreNow), log),
    section(
      'exposureScore',
      defender.getExposureScore().then((v) => snapshotScore(snapshots, 'exposure', v, now)),
      log,
    ),
    section(
      'deviceSecureScore',
      defender.getConfigurationScore().then((v) => snapshotScore(snapshots, 'configuration', v, now)),
      log,
    ) as Promise<Section<ScoreNowView>>,
  ]);
  return { secureScore, exposureScore, deviceSecureScore };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
