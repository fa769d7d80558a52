/**
 * The card previews in headless Chromium with the Teams host config, as `npm run preview` draws them: every sample
 * card renders without a parse or validation error of the `adaptivecards` renderer and shows its title.
 * A browser test: jest.config.js leaves it out, saying why in one line, where no Chromium can run (never under CI).
 */
import { cardTitle } from '../../scripts/preview/previews';
import { openCardRenderer, type CardRenderer } from '../../scripts/preview/render';
import { sampleCards } from '../helpers/cardFixtures';
import { readable } from '../helpers/recordingConnector';

let renderer: CardRenderer | undefined;

beforeAll(async () => {
  renderer = await openCardRenderer({ deviceScaleFactor: 1 });
}, 60_000);

afterAll(async () => {
  await renderer?.close();
});

test('every sample card, previews and variants, renders with no parse or validation error and shows its title', async () => {
  if (!renderer) throw new Error('the card renderer did not start');
  for (const { name, card } of sampleCards()) {
    const rendered = await renderer.render(card);
    expect({ name, problems: rendered.problems }).toEqual({ name, problems: [] });
    expect(rendered.height).toBeGreaterThan(40);
    expect(rendered.png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(readable(rendered.text)).toContain(readable(cardTitle(card) ?? '(no title)'));
  }
}, 60_000);
