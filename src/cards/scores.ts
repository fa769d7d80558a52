/**
 * How cards show the three scores — Microsoft Secure Score, exposure score, Secure Score for Devices — with
 * their 7-day change; shared by `secure score`, the weekly digest and the all-quiet cards.
 */
import { gaugeChart } from './charts';
import { fact, factSet, textBlock, type CardElement, type Container, type Fact, type FactSet } from './elements';
import { formatChange, formatNumber, formatPercent, formatTime, humanize } from './format';
import { sectionOf } from './sections';
import { escapeText } from './text';
import {
  isUnavailable,
  type CardContext,
  type ScoreChange,
  type ScoresView,
  type SecureScoreNow,
  type Section,
} from './views';

/** What a missing 7-day change says: "not enough history yet" or, in the weekly digest, "first snapshot…". */
export const NO_HISTORY = 'not enough history yet';
/** The weekly digest's wording for a missing change. */
export const FIRST_SNAPSHOT = 'first snapshot — change from next week';

const COMPARATIVE_BASES: Record<string, string> = {
  AllTenants: 'Average of all tenants',
  TotalSeats: 'Average of tenants of similar size',
  IndustryTypes: 'Average of your industry',
};

/** A 7-day change in words; `higherIsBetter` says which way is good. */
export function describeChange(change: ScoreChange, higherIsBetter: boolean, noHistory: string): string {
  if (change === null) return noHistory;
  const rounded = Number(change.toFixed(1));
  if (rounded === 0) return 'no change';
  const better = rounded > 0 === higherIsBetter;
  return `${formatChange(rounded)} (${better ? 'better' : 'worse'})`;
}

/** "412.5 / 600 (68.8%)". */
export function secureScoreText(score: Pick<SecureScoreNow, 'current' | 'max'>): string {
  return `${formatNumber(score.current)} / ${formatNumber(score.max)} (${formatPercent(score.current, score.max)})`;
}

function averageTitle(basis: string): string {
  return COMPARATIVE_BASES[basis] ?? `Average (${escapeText(humanize(basis), 40)})`;
}

/** Facts of Microsoft Secure Score: score, percentage, change, comparative averages. */
export function secureScoreFacts(ctx: CardContext, score: SecureScoreNow, noHistory: string): Fact[] {
  return [
    fact('Secure Score', secureScoreText(score)),
    fact('7-day change', describeChange(score.change7d, true, noHistory)),
    ...score.comparativeAverages.slice(0, 5).map((a) => fact(averageTitle(a.basis), formatNumber(a.averageScore))),
    ...(score.asOf ? [fact('As of', formatTime(score.asOf, ctx))] : []),
  ];
}

/** The Secure Score gauge: achieved against the maximum, with the numbers as fallback. */
export function secureScoreGauge(score: SecureScoreNow): CardElement {
  const achieved = Math.max(0, Math.min(score.current, score.max));
  return gaugeChart({
    title: 'Microsoft Secure Score',
    value: Number(achieved.toFixed(1)),
    min: 0,
    max: score.max,
    valueFormat: 'Fraction',
    subLabel: formatPercent(score.current, score.max),
    segments: [
      { legend: 'Achieved', size: Number(achieved.toFixed(1)), color: 'good' },
      { legend: 'Not yet achieved', size: Number((score.max - achieved).toFixed(1)), color: 'neutral' },
    ],
    fallback: [textBlock(`Secure Score: ${secureScoreText(score)}`)],
  });
}

/** Options of `scoreSections`. */
export interface ScoreSectionOptions {
  /** Wording of a missing 7-day change. */
  noHistory: string;
  /** Add the Secure Score gauge. */
  gauge?: boolean;
}

/** The three score sections; each says "Section unavailable" on its own when its API failed. */
export function scoreSections(ctx: CardContext, scores: ScoresView, options: ScoreSectionOptions): Container[] {
  return [
    sectionOf('Microsoft Secure Score', scores.secureScore, (score) => [
      ...(options.gauge && score.max > 0 ? [secureScoreGauge(score)] : []),
      factSet(secureScoreFacts(ctx, score, options.noHistory)),
    ]),
    sectionOf('Exposure score', scores.exposureScore, (score) => [
      factSet([
        fact('Exposure score', `${formatNumber(score.score)} / 100`),
        fact('7-day change', describeChange(score.change7d, false, options.noHistory)),
      ]),
      textBlock('Lower is better: it measures how exposed your devices are to known vulnerabilities.', {
        isSubtle: true,
        size: 'Small',
      }),
    ]),
    sectionOf('Secure Score for Devices', scores.deviceSecureScore, (score) => [
      factSet([
        // The API gives points (e.g. 535), not a percentage: no maximum is published with it.
        fact('Secure Score for Devices', `${formatNumber(score.score)} points`),
        fact('7-day change', describeChange(score.change7d, true, options.noHistory)),
      ]),
    ]),
  ];
}

function summaryValue<T>(section: Section<T>, describe: (value: T) => string): string {
  return isUnavailable(section) ? `unavailable: ${escapeText(section.unavailable, 100)}` : describe(section);
}

/** The three scores in one FactSet, for short cards. */
export function scoresSummary(scores: ScoresView): FactSet {
  return factSet([
    fact('Secure Score', summaryValue(scores.secureScore, secureScoreText)),
    fact(
      'Exposure score',
      summaryValue(scores.exposureScore, (s) => `${formatNumber(s.score)} (lower is better)`),
    ),
    fact(
      'Secure Score for Devices',
      summaryValue(scores.deviceSecureScore, (s) => formatNumber(s.score)),
    ),
  ]);
}
