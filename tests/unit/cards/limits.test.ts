import { textBlock } from '../../../src/cards/elements';
import { adaptiveCard } from '../../../src/cards/frame';
import {
  assertCardSize,
  cardBytes,
  CardTooLargeError,
  fitCard,
  fitList,
  MAX_CARD_BYTES,
} from '../../../src/cards/limits';
import { cardContext } from '../../helpers/cardFixtures';

const ctx = cardContext();

describe('fitList', () => {
  it('keeps the first rows and counts the rest, including items cut before', () => {
    expect(fitList([1, 2, 3, 4], 2)).toEqual({ shown: [1, 2], hidden: 2 });
    expect(fitList([1, 2], 5, 10)).toEqual({ shown: [1, 2], hidden: 8 });
    expect(fitList([1, 2], 0)).toEqual({ shown: [], hidden: 2 });
  });
});

describe('fitCard', () => {
  const rowsOf1Kb = (rows: number) =>
    adaptiveCard(
      ctx,
      Array.from({ length: rows }, () => textBlock('x'.repeat(1000))),
    );

  it('keeps the preferred number of rows when the card fits', () => {
    expect(fitCard(rowsOf1Kb, 5).body).toHaveLength(5);
  });

  it('shows the most rows that fit under 28 KB', () => {
    const card = fitCard(rowsOf1Kb, 100);
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(cardBytes(rowsOf1Kb(card.body.length + 1))).toBeGreaterThan(MAX_CARD_BYTES);
  });

  it('throws when even zero rows are too large', () => {
    const huge = () => adaptiveCard(ctx, [textBlock('x'.repeat(MAX_CARD_BYTES))]);
    expect(() => fitCard(huge)).toThrow(CardTooLargeError);
  });
});

describe('assertCardSize', () => {
  it('counts UTF-8 bytes, not characters', () => {
    const card = adaptiveCard(ctx, [textBlock('é'.repeat(15 * 1024))]);
    expect(() => assertCardSize(card)).toThrow(CardTooLargeError);
  });
});
