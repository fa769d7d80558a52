import { validateCard, type AdaptiveCard } from '../../../src/cards';
import { cardContext, hostileViews, sampleCards } from '../../helpers/cardFixtures';

/** Properties whose strings a client renders as text (Markdown in TextBlocks and facts). */
const TEXT_KEYS = new Set(['text', 'title', 'value', 'legend', 'subLabel', 'xAxisTitle', 'yAxisTitle', 'x']);
const FORBIDDEN = ['](', '![', '<at', '</at', '://', 'www.', 'mailto:', '**bold**', 'evil.example'];

interface KeyedString {
  key: string;
  text: string;
}

function strings(value: unknown, key: string, out: KeyedString[] = []): KeyedString[] {
  if (typeof value === 'string') out.push({ key, text: value });
  else if (Array.isArray(value)) value.forEach((item) => strings(item, key, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, child]) => strings(child, k, out));
  return out;
}

const cards = sampleCards(cardContext({ simulated: true }), hostileViews).map((s) => [s.name, s.card] as const);

describe('Defender and Teams text in cards', () => {
  it.each(cards)('%s: hostile text never becomes a link, image, mention or bold', (_name, card: AdaptiveCard) => {
    const texts = strings(card, '').filter((s) => TEXT_KEYS.has(s.key));
    expect(texts.length).toBeGreaterThan(0);
    for (const { text } of texts) {
      for (const sequence of FORBIDDEN) expect(text.toLowerCase()).not.toContain(sequence);
    }
    expect(JSON.stringify(card)).not.toContain('"entities"');
    expect(validateCard(card)).toEqual([]);
  });

  it.each(cards)('%s: every link goes to the Defender portal', (_name, card: AdaptiveCard) => {
    for (const { text } of strings(card, '').filter((s) => s.key === 'url')) {
      expect(text).toMatch(/^https:\/\/security\.microsoft\.com\//);
    }
  });

  it('the hostile text is still shown, readable', () => {
    const json = JSON.stringify(cards.find(([name]) => name === 'incidents')?.[1]);
    expect(json).toContain('Boss');
    expect(json).toContain('evil');
  });
});
