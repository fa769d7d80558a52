import { donutChart, gaugeChart, lineChart } from '../../../src/cards/charts';
import { textBlock, type AdaptiveCard, type CardElement } from '../../../src/cards/elements';
import { adaptiveCard } from '../../../src/cards/frame';
import { validateCard } from '../../../src/cards/validate';
import { cardContext, deviceId } from '../../helpers/cardFixtures';

function cardOf(body: unknown[], actions: unknown[] = []): AdaptiveCard {
  return adaptiveCard(cardContext(), body as CardElement[], actions as AdaptiveCard['actions']);
}

const charts = [
  donutChart('Incidents by severity', [{ legend: 'High', value: 2, color: 'attention' }]),
  gaugeChart({
    title: 'Secure Score',
    value: 40,
    min: 0,
    max: 100,
    valueFormat: 'Fraction',
    segments: [{ legend: 'Achieved', size: 40 }],
    fallback: [textBlock('Secure Score: 40 / 100')],
  }),
  lineChart({
    title: 'Trend',
    xAxisTitle: 'Date',
    yAxisTitle: '%',
    series: [
      {
        legend: 'Secure Score',
        values: [
          { x: '2024-05-01', y: 40 },
          { x: '2024-05-02', y: 41 },
        ],
      },
    ],
    fallback: [textBlock('40% → 41%')],
  }),
];

describe('validateCard', () => {
  it('accepts Teams chart elements that carry a fallback', () => {
    expect(validateCard(cardOf(charts))).toEqual([]);
  });

  it('reports a version above 1.5', () => {
    expect(validateCard({ ...cardOf([textBlock('x')]), version: '1.6' })).toEqual([
      expect.stringContaining('version 1.6 is above 1.5'),
    ]);
  });

  it('reports an unknown element type and an invalid property value from the adaptivecards library', () => {
    const problems = validateCard(
      cardOf([
        { type: 'TextBlok', text: 'x' },
        { type: 'TextBlock', text: 'y', color: 'Pink' },
      ]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('UnknownElementType'),
        expect.stringContaining('InvalidPropertyValue'),
      ]),
    );
  });

  it('reports a property that needs a version above 1.5', () => {
    expect(validateCard(cardOf([{ type: 'Image', url: 'https://x.example/a.png', forceLoad: true }]))).toEqual(
      expect.arrayContaining([expect.stringContaining('UnsupportedProperty')]),
    );
  });

  it('reports a chart without a fallback, and a chart whose fallback does not parse', () => {
    const { fallback: _dropped, ...bare } = charts[0];
    expect(validateCard(cardOf([bare]))).toEqual([expect.stringContaining('needs a fallback')]);
    expect(validateCard(cardOf([{ ...charts[0], fallback: { type: 'TextBlok', text: 'x' } }]))).toEqual([
      expect.stringMatching(/^without charts: .*UnknownElementType/),
    ]);
  });

  it('reports malformed chart data and an unknown chart type', () => {
    expect(validateCard(cardOf([{ ...charts[0], data: [{ legend: 'High', value: 'two' }] }]))).toEqual([
      expect.stringContaining('number value'),
    ]);
    expect(validateCard(cardOf([{ ...charts[0], type: 'Chart.Radar' }]))).toEqual(
      expect.arrayContaining([expect.stringContaining('unknown chart type Chart.Radar')]),
    );
  });

  it('reports a button whose data would be refused by parseCardAction', () => {
    const execute = {
      type: 'Action.Execute',
      title: 'Run antivirus scan',
      verb: 'scan',
      data: { deviceId: 'nope', scanType: 'Quick' },
    };
    expect(validateCard(cardOf([], [execute]))).toEqual([expect.stringContaining('deviceId')]);
    const good = { ...execute, data: { deviceId: deviceId(1), scanType: 'Quick' } };
    expect(validateCard(cardOf([], [good]))).toEqual([]);
  });

  it('reports an OpenUrl that is not https', () => {
    expect(validateCard(cardOf([], [{ type: 'Action.OpenUrl', title: 'x', url: 'javascript:alert(1)' }]))).toEqual([
      expect.stringContaining('https'),
    ]);
  });

  it('reports a card over 28 KB', () => {
    const big = cardOf([textBlock('x'.repeat(29 * 1024))]);
    expect(validateCard(big)).toEqual([expect.stringContaining('bytes of JSON')]);
  });

  it('reports something that is not a card', () => {
    expect(validateCard({ type: 'Message' })).toEqual([expect.stringContaining('AdaptiveCard')]);
    expect(validateCard(null)).toHaveLength(1);
  });
});
