/**
 * Browser side of the card previews: renders Adaptive Card JSON with the `adaptivecards` UMD bundle (global
 * `AdaptiveCards`, loaded before this file) the way Microsoft Teams shows it in the light theme.
 *
 * - Host config: Microsoft's "microsoft-teams-light" sample host config (microsoft/AdaptiveCards,
 *   samples/HostConfig/microsoft-teams-light.json), with a font stack that falls back from Segoe UI.
 * - Markdown: the subset Teams renders in TextBlocks and FactSets that the card builders use (bold, italic,
 *   backslash escapes); the JS renderer has no Markdown of its own.
 * - Teams charts (Chart.Gauge, Chart.Line, Chart.Donut, Chart.Pie), which the JS renderer does not know, are drawn as
 *   small SVGs from the chart's own data, so a preview shows what Teams shows rather than the fallback.
 *
 * Exposes `window.renderCard(json)`: renders into `#card` and returns `{ problems, text }`, where `problems` lists
 * every parse or validation event of the renderer (empty = the card parsed cleanly).
 */
/* global AdaptiveCards */
(function () {
  'use strict';
  const AC = AdaptiveCards;

  const FONT_FAMILY =
    "'Segoe UI', 'Segoe UI Web (West European)', 'Liberation Sans', 'Noto Sans', 'Open Sans', 'Noto Color Emoji', sans-serif";

  const foreground = {
    default: { default: '#242424', subtle: '#616161' },
    dark: { default: '#252424', subtle: '#bf252424' },
    light: { default: '#ffffff', subtle: '#fff3f2f1' },
    accent: { default: '#6264a7', subtle: '#8b8cc7' },
    good: { default: '#237b4b', subtle: '#e5237b4b' },
    warning: { default: '#835c00', subtle: '#e5835c00' },
    attention: { default: '#c4314b', subtle: '#e5c4314b' },
  };
  const style = (backgroundColor) => ({ backgroundColor, foregroundColors: foreground });

  const HOST_CONFIG = {
    choiceSetInputValueSeparator: ',',
    supportsInteractivity: true,
    spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
    separator: { lineThickness: 1, lineColor: '#E0E0E0' },
    imageSizes: { small: 32, medium: 52, large: 100 },
    fontFamily: FONT_FAMILY,
    fontStyles: {
      default: {
        fontFamily: FONT_FAMILY,
        fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
        fontWeights: { lighter: 200, default: 400, bolder: 600 },
      },
      monospace: {
        fontFamily: "'Courier New', 'Liberation Mono', monospace",
        fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
        fontWeights: { lighter: 200, default: 400, bolder: 600 },
      },
    },
    containerStyles: {
      default: style('#ffffff'),
      emphasis: style('#f5f5f5'),
      accent: style('#e8ebfa'),
      good: style('#e7f2da'),
      attention: style('#fcf4f6'),
      warning: style('#fbf6d9'),
    },
    actions: {
      maxActions: 6,
      spacing: 'Default',
      buttonSpacing: 8,
      showCard: { actionMode: 'Inline', inlineTopMargin: 16, style: 'emphasis' },
      preExpandSingleShowCardAction: false,
      actionsOrientation: 'Horizontal',
      actionAlignment: 'Left',
    },
    adaptiveCard: { allowCustomStyle: true },
    imageSet: { imageSize: 'Medium', maxImageHeight: 100 },
    factSet: {
      title: { size: 'Default', color: 'Default', isSubtle: false, weight: 'Bolder', wrap: true, maxWidth: 150 },
      value: { size: 'Default', color: 'Default', isSubtle: false, weight: 'Default', wrap: true },
      spacing: 16,
    },
    table: { cellSpacing: 8 },
  };

  // ---- Markdown: the subset the card builders use ------------------------------------------------------------------

  const escapeHtml = (s) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

  /** Bold (`**x**`), italic (`_x_`, `*x*`) and backslash escapes of ASCII punctuation; everything else is literal. */
  function markdownToHtml(text) {
    const literal = [];
    // Escaped punctuation becomes a placeholder first, so it can never open or close emphasis.
    const marked = text.replace(/\\([!-/:-@[-`{-~])/g, (_, ch) => `\u0000${literal.push(ch) - 1}\u0000`);
    let html = escapeHtml(marked)
      .replace(/\*\*([^*]+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?!\w)/g, '$1<em>$2</em>')
      .replace(/(^|[^\w])_([^_\s][^_]*?)_(?!\w)/g, '$1<em>$2</em>');
    html = html.replace(/\u0000(\d+)\u0000/g, (_, i) => escapeHtml(literal[Number(i)]));
    return html
      .split(/\n{2,}/)
      .map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`)
      .join('');
  }

  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = markdownToHtml(text);
    result.didProcess = true;
  };

  // ---- Teams charts as SVG -----------------------------------------------------------------------------------------

  const CHART_COLORS = {
    good: '#6bb700',
    warning: '#ffaa44',
    attention: '#d13438',
    neutral: '#c8c6c4',
    categoricalBlue: '#0078d4',
    categoricalPurple: '#8764b8',
    categoricalTeal: '#00b7c3',
    categoricalMarigold: '#ffb900',
    categoricalRed: '#d13438',
    categoricalLavender: '#9373c0',
  };
  const PALETTE = ['#6264a7', '#0078d4', '#00b7c3', '#ffb900', '#8764b8', '#d13438'];
  const colorOf = (name, i) => CHART_COLORS[name] || PALETTE[i % PALETTE.length];
  const SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const formatNumber = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

  function legend(items) {
    const box = document.createElement('div');
    box.className = 'ws-chart-legend';
    for (const item of items) {
      const entry = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = item.color;
      entry.append(swatch, document.createTextNode(item.text));
      box.append(entry);
    }
    return box;
  }

  /** Point on a circle of radius r around (cx, cy) at `fraction` of a half turn from the left. */
  const arcPoint = (cx, cy, r, fraction) => [
    cx - r * Math.cos(Math.PI * fraction),
    cy - r * Math.sin(Math.PI * fraction),
  ];

  function gauge(chart) {
    const min = Number(chart.min ?? 0);
    const max = Number(chart.max ?? 100);
    const span = max - min || 1;
    const svg = el('svg', { viewBox: '0 0 220 130', width: 220, height: 130 });
    const [cx, cy, r] = [110, 110, 90];
    const segments =
      Array.isArray(chart.segments) && chart.segments.length ? chart.segments : [{ size: span, color: 'neutral' }];
    let from = 0;
    segments.forEach((segment, i) => {
      const to = Math.min(1, from + Number(segment.size) / span);
      const [x1, y1] = arcPoint(cx, cy, r, from);
      const [x2, y2] = arcPoint(cx, cy, r, to);
      svg.append(
        el('path', {
          d: `M ${x1} ${y1} A ${r} ${r} 0 0 1 ${x2} ${y2}`,
          fill: 'none',
          stroke: colorOf(segment.color, i),
          'stroke-width': 18,
        }),
      );
      from = to;
    });
    const value = Number(chart.value);
    const shown =
      chart.valueFormat === 'Fraction'
        ? `${formatNumber(value)}/${formatNumber(max)}`
        : `${Math.round(((value - min) / span) * 100)}%`;
    svg.append(
      el(
        'text',
        {
          x: cx,
          y: chart.subLabel ? cy - 22 : cy - 8,
          'text-anchor': 'middle',
          'font-size': 22,
          'font-weight': 600,
          fill: '#242424',
        },
        shown,
      ),
    );
    if (chart.subLabel) {
      svg.append(
        el('text', { x: cx, y: cy - 2, 'text-anchor': 'middle', 'font-size': 13, fill: '#616161' }, chart.subLabel),
      );
    }
    const box = document.createElement('div');
    box.append(svg);
    box.append(
      legend(
        segments
          .filter((s) => s.legend)
          .map((s, i) => ({ color: colorOf(s.color, i), text: `${s.legend}: ${formatNumber(Number(s.size))}` })),
      ),
    );
    return box;
  }

  function donut(chart) {
    const slices = (chart.data || []).filter((d) => Number(d.value) > 0);
    const total = slices.reduce((sum, d) => sum + Number(d.value), 0);
    const svg = el('svg', { viewBox: '0 0 140 140', width: 140, height: 140 });
    const [c, r, w] = [70, 52, 22];
    const circumference = 2 * Math.PI * r;
    let offset = 0;
    if (total === 0)
      svg.append(el('circle', { cx: c, cy: c, r, fill: 'none', stroke: CHART_COLORS.neutral, 'stroke-width': w }));
    slices.forEach((slice, i) => {
      const length = (Number(slice.value) / total) * circumference;
      svg.append(
        el('circle', {
          cx: c,
          cy: c,
          r,
          fill: 'none',
          stroke: colorOf(slice.color, i),
          'stroke-width': w,
          'stroke-dasharray': `${length} ${circumference - length}`,
          'stroke-dashoffset': -offset,
          transform: `rotate(-90 ${c} ${c})`,
        }),
      );
      offset += length;
    });
    if (chart.type === 'Chart.Donut') {
      svg.append(
        el(
          'text',
          { x: c, y: c + 6, 'text-anchor': 'middle', 'font-size': 18, 'font-weight': 600, fill: '#242424' },
          String(total),
        ),
      );
    }
    const box = document.createElement('div');
    box.className = 'ws-chart-row';
    box.append(
      svg,
      legend(
        (chart.data || []).map((d, i) => ({
          color: colorOf(d.color, i),
          text: `${d.legend}: ${formatNumber(Number(d.value))}`,
        })),
      ),
    );
    return box;
  }

  function line(chart) {
    const series = (chart.data || []).filter((s) => Array.isArray(s.values) && s.values.length);
    const [width, height, left, right, top, bottom] = [480, 170, 44, 10, 10, 34];
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', preserveAspectRatio: 'xMidYMid meet' });
    const ys = series.flatMap((s) => s.values.map((p) => Number(p.y)));
    let [lo, hi] = [Math.min(...ys), Math.max(...ys)];
    if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
    const pad = (hi - lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
    const count = Math.max(...series.map((s) => s.values.length), 2);
    const x = (i) => left + (i / (count - 1)) * (width - left - right);
    const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
    for (const v of [lo + pad, (lo + hi) / 2, hi - pad]) {
      svg.append(el('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: '#edebe9' }));
      svg.append(
        el(
          'text',
          { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#616161' },
          formatNumber(Math.round(v * 10) / 10),
        ),
      );
    }
    series.forEach((s, i) => {
      const points = s.values.map((p, j) => `${x(j)},${y(Number(p.y))}`).join(' ');
      svg.append(
        el('polyline', {
          points,
          fill: 'none',
          stroke: colorOf(s.color, i),
          'stroke-width': 2.5,
          'stroke-linejoin': 'round',
        }),
      );
    });
    const first = series[0];
    if (first) {
      const values = first.values;
      svg.append(el('text', { x: left, y: height - 18, 'font-size': 11, fill: '#616161' }, String(values[0].x)));
      svg.append(
        el(
          'text',
          { x: width - right, y: height - 18, 'text-anchor': 'end', 'font-size': 11, fill: '#616161' },
          String(values[values.length - 1].x),
        ),
      );
    }
    if (chart.xAxisTitle) {
      svg.append(
        el(
          'text',
          { x: (left + width - right) / 2, y: height - 4, 'text-anchor': 'middle', 'font-size': 11, fill: '#616161' },
          chart.xAxisTitle,
        ),
      );
    }
    const box = document.createElement('div');
    box.append(svg);
    if (series.length > 1 || chart.yAxisTitle) {
      box.append(legend(series.map((s, i) => ({ color: colorOf(s.color, i), text: s.legend || chart.yAxisTitle }))));
    }
    return box;
  }

  const CHARTS = { 'Chart.Gauge': gauge, 'Chart.Donut': donut, 'Chart.Pie': donut, 'Chart.Line': line };

  function chartClass(typeName, draw) {
    return class extends AC.CardElement {
      getJsonTypeName() {
        return typeName;
      }
      internalParse(source, context) {
        super.internalParse(source, context);
        this.chartJson = source;
      }
      internalRender() {
        const box = document.createElement('div');
        box.className = 'ws-chart';
        if (this.chartJson.title) {
          const title = document.createElement('div');
          title.className = 'ws-chart-title';
          title.textContent = this.chartJson.title;
          box.append(title);
        }
        box.append(draw(this.chartJson));
        return box;
      }
    };
  }

  const registry = new AC.CardObjectRegistry();
  AC.GlobalRegistry.populateWithDefaultElements(registry);
  for (const [typeName, draw] of Object.entries(CHARTS))
    registry.register(typeName, chartClass(typeName, draw), AC.Versions.v1_5);

  // ---- Render ------------------------------------------------------------------------------------------------------

  const describe = (e) => `${AC.ValidationPhase[e.phase]}/${AC.ValidationEvent[e.event]}: ${e.message}`;

  window.renderCard = function renderCard(json) {
    const target = document.getElementById('card');
    target.replaceChildren();
    const context = new AC.SerializationContext(AC.Versions.v1_5);
    context.setElementRegistry(registry);
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(HOST_CONFIG);
    card.parse(json, context);
    const problems = [];
    for (let i = 0; i < context.eventCount; i++) problems.push(describe(context.getEventAt(i)));
    for (const e of card.validateProperties().validationEvents) problems.push(describe(e));
    const rendered = card.render();
    if (!rendered) problems.push('Render: the renderer returned nothing');
    else target.append(rendered);
    return { problems, text: target.innerText };
  };
})();
