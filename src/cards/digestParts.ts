/**
 * Pieces every digest shares: the header with the period covered, the all-quiet card, the Secure Score trend.
 */
import { lineChart, samplePoints } from './charts';
import { cardTitle, container, subtleText, textBlock, type AdaptiveCard, type CardElement } from './elements';
import { formatDay, formatNumber, formatPercent, formatTime } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { scoresSummary } from './scores';
import { section } from './sections';
import type { CardContext, DigestKind, DigestPeriod, ScorePoint, ScoresView } from './views';

const DIGEST_TITLES: Record<DigestKind, string> = {
  daily: 'Daily security digest',
  weekly: 'Weekly security digest',
  monthly: 'Monthly security digest',
};

const FIRST_PERIOD: Record<DigestKind, string> = {
  daily: 'the last 24 hours',
  weekly: 'the last 7 days',
  monthly: 'the last month',
};

/** Title, period covered (since → until), and whether it is a first or an on-demand digest. */
export function digestHeader(ctx: CardContext, kind: DigestKind, period: DigestPeriod): CardElement[] {
  return [
    cardTitle(DIGEST_TITLES[kind]),
    subtleText(`${formatTime(period.since, ctx)} → ${formatTime(period.until, ctx)}`, { size: 'Default' }),
    ...(period.first ? [subtleText(`First digest of this conversation: it covers ${FIRST_PERIOD[kind]}.`)] : []),
    ...(period.onDemand ? [subtleText('Posted on demand: the scheduled digest will still cover this period.')] : []),
  ];
}

/** The short card of a digest with nothing new: "All quiet since <time>", and the scores when known. */
export function allQuietCard(
  ctx: CardContext,
  kind: DigestKind,
  period: DigestPeriod,
  detail: string,
  scores?: ScoresView,
): AdaptiveCard {
  return fitCard(() =>
    adaptiveCard(ctx, [
      ...digestHeader(ctx, kind, period),
      container(
        [
          textBlock(`All quiet since ${formatTime(period.since, ctx)}`, {
            weight: 'Bolder',
            color: 'Good',
            size: 'Medium',
          }),
          textBlock(detail, { spacing: 'None' }),
        ],
        { style: 'good', spacing: 'Medium' },
      ),
      ...(scores ? [section('Scores', [scoresSummary(scores)])] : []),
    ]),
  );
}

/** Most points a trend line carries (weekly points for 90 days fit in 14). */
export const TREND_POINTS = 31;

/** The Secure Score trend as a line of percentages, with a one-line summary as fallback. */
export function secureScoreTrend(
  ctx: CardContext,
  points: readonly ScorePoint[],
  title: string,
  maxPoints = TREND_POINTS,
): CardElement[] {
  const usable = points.filter((p) => p.max > 0);
  if (usable.length < 2) return [subtleText('Not enough history yet for a trend.', { size: 'Default' })];
  const percents = usable.map((p) => Number(((p.current / p.max) * 100).toFixed(1)));
  const [first, last] = [usable[0], usable[usable.length - 1]];
  const summary =
    `Secure Score went from ${formatPercent(first.current, first.max)} (${formatDay(first.date, ctx)}) ` +
    `to ${formatPercent(last.current, last.max)} (${formatDay(last.date, ctx)}); ` +
    `lowest ${formatNumber(Math.min(...percents))}%, highest ${formatNumber(Math.max(...percents))}%.`;
  return [
    lineChart({
      title,
      xAxisTitle: 'Date',
      yAxisTitle: '% of maximum',
      series: [
        {
          legend: 'Secure Score',
          color: 'categoricalBlue',
          values: samplePoints(usable, maxPoints).map((p) => ({
            x: formatDay(p.date, ctx),
            y: Number(((p.current / p.max) * 100).toFixed(1)),
          })),
        },
      ],
      fallback: [textBlock(summary)],
    }),
  ];
}
