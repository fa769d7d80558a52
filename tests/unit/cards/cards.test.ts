import { CARD_SCHEMA } from '../../../src/cards/elements';
import { SIMULATED_LABEL, validateCard } from '../../../src/cards';
import { cardContext, sampleCards } from '../../helpers/cardFixtures';

const real = sampleCards(cardContext({ simulated: false })).map((s) => [s.name, s.card] as const);
const simulated = sampleCards(cardContext({ simulated: true })).map((s) => [s.name, s.card] as const);

describe('every card', () => {
  it.each(real)('%s is a valid Teams card (version 1.5, ≤ 28 KB, no parse or validation event)', (_name, card) => {
    expect(card.version).toBe('1.5');
    expect(card.$schema).toBe(CARD_SCHEMA);
    expect(validateCard(card)).toEqual([]);
  });

  it.each(simulated)('%s built from the simulated tenant carries the label first', (_name, card) => {
    expect(JSON.stringify(card.body[0])).toContain(SIMULATED_LABEL);
    expect(validateCard(card)).toEqual([]);
  });

  it.each(real)('%s built from a real tenant never says "Simulated tenant"', (_name, card) => {
    expect(JSON.stringify(card)).not.toContain(SIMULATED_LABEL);
  });
});
