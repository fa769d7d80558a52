/**
 * Teams chart elements (`Chart.Donut`, `Chart.Gauge`, `Chart.Line`), each with a fallback that tells the same
 * numbers to a client that has no charts.
 *
 * Shapes follow learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/charts-in-adaptive-cards.
 */
import { container, fact, factSet, type CardElement, type ChartElement } from './elements';
import { formatNumber } from './format';

/** Chart colors Teams accepts (a subset). */
export type ChartColor =
  | 'good'
  | 'warning'
  | 'attention'
  | 'neutral'
  | 'categoricalBlue'
  | 'categoricalPurple'
  | 'categoricalTeal'
  | 'categoricalMarigold';

/** One slice of a donut. */
export interface DonutSlice {
  legend: string;
  value: number;
  color?: ChartColor;
}

/** One colored band of a gauge. */
export interface GaugeSegment {
  legend: string;
  size: number;
  color?: ChartColor;
}

/** One line of a line chart. */
export interface LineSeries {
  legend: string;
  values: { x: string; y: number }[];
  color?: ChartColor;
}

function fallbackOf(elements: CardElement[]): CardElement {
  return elements.length === 1 ? elements[0] : container(elements);
}

/** A donut chart; the fallback is a FactSet of the slices. */
export function donutChart(title: string, slices: DonutSlice[]): ChartElement {
  return {
    type: 'Chart.Donut',
    title,
    data: slices.map((s) => ({ legend: s.legend, value: s.value, ...(s.color ? { color: s.color } : {}) })),
    fallback: factSet(slices.map((s) => fact(s.legend, formatNumber(s.value)))),
  };
}

/** Options of a gauge chart. */
export interface GaugeOptions {
  title: string;
  value: number;
  min: number;
  max: number;
  segments: GaugeSegment[];
  valueFormat: 'Percentage' | 'Fraction';
  subLabel?: string;
  /** What a client without charts shows instead. */
  fallback: CardElement[];
}

/** A gauge chart. */
export function gaugeChart(options: GaugeOptions): ChartElement {
  return {
    type: 'Chart.Gauge',
    title: options.title,
    value: options.value,
    min: options.min,
    max: options.max,
    segments: options.segments,
    valueFormat: options.valueFormat,
    ...(options.subLabel ? { subLabel: options.subLabel } : {}),
    fallback: fallbackOf(options.fallback),
  };
}

/** Options of a line chart. */
export interface LineOptions {
  title: string;
  xAxisTitle: string;
  yAxisTitle: string;
  series: LineSeries[];
  /** What a client without charts shows instead. */
  fallback: CardElement[];
}

/** A line chart. */
export function lineChart(options: LineOptions): ChartElement {
  return {
    type: 'Chart.Line',
    title: options.title,
    xAxisTitle: options.xAxisTitle,
    yAxisTitle: options.yAxisTitle,
    data: options.series,
    fallback: fallbackOf(options.fallback),
  };
}

/** Keeps at most `maxPoints` evenly spaced points, always with the first and the last. */
export function samplePoints<T>(points: readonly T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return [...points];
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => points[Math.round(i * step)]);
}
