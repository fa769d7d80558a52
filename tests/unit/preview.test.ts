/**
 * The card previews (`npm run preview`): every card kind has a preview, every preview is a valid card that the
 * `adaptivecards` renderer draws in Chromium without a parse or validation error, and the README shows them all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCard } from '../../src/cards/validate';
import { PREVIEWS, previewCards } from '../../scripts/preview/previews';
import { openCardRenderer, type CardRenderer } from '../../scripts/preview/render';
import { sampleCards } from '../helpers/cardFixtures';
import { chromiumMissing } from '../helpers/chromium';
import { readable } from '../helpers/recordingConnector';

const ROOT = join(__dirname, '..', '..');

/** Text as the reader sees it: no zero-width characters, no Markdown backslash escapes. */
const visible = readable;

/** The text of the card's title: its first heading TextBlock, or its first TextBlock (a notice has no heading). */
function titleOf(card: unknown): string | undefined {
  const texts: { text: string; heading: boolean }[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const element = node as Record<string, unknown>;
    if (element.type === 'TextBlock' && typeof element.text === 'string') {
      texts.push({ text: element.text, heading: element.style === 'heading' });
    }
    for (const child of Object.values(element)) {
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(card);
  return (texts.find((t) => t.heading) ?? texts[0])?.text;
}

test('every card kind has one preview file, each built from an existing sample card', () => {
  const files = PREVIEWS.map((p) => p.file);
  expect(new Set(files).size).toBe(files.length);
  const shown = previewCards().map(({ preview }) => preview.sample);
  for (const kind of [
    'welcome',
    'help',
    'daily digest',
    'weekly digest',
    'monthly digest',
    'device',
    'pending actions',
  ]) {
    expect(shown).toContain(kind);
  }
  for (const { card } of previewCards()) expect(titleOf(card)).toBeTruthy();
});

test('every preview card passes validateCard (parse, validation, size, version, actions)', () => {
  for (const { preview, card } of previewCards()) {
    expect({ file: preview.file, problems: validateCard(card) }).toEqual({ file: preview.file, problems: [] });
  }
});

test('the README embeds every preview, and `npm run preview` has written each of them to docs/images', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const preview of PREVIEWS) {
    expect(readme).toContain(`](docs/images/${preview.file})`);
    expect(existsSync(join(ROOT, 'docs/images', preview.file))).toBe(true);
  }
});

describe('in headless Chromium with the Teams host config', () => {
  let renderer: CardRenderer | undefined;

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing) throw new Error(`the card previews render in Chromium: ${missing}`);
    renderer = await openCardRenderer({ deviceScaleFactor: 1 });
  }, 60_000);

  afterAll(async () => {
    await renderer?.close();
  });

  test('every sample card, previews and variants, renders with no parse or validation error and shows its title', async () => {
    if (!renderer) throw new Error(chromiumMissing() ?? 'the card renderer did not start');
    for (const { name, card } of sampleCards()) {
      const rendered = await renderer.render(card);
      expect({ name, problems: rendered.problems }).toEqual({ name, problems: [] });
      expect(rendered.height).toBeGreaterThan(40);
      expect(rendered.png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(visible(rendered.text)).toContain(visible(titleOf(card) ?? '(no title)'));
    }
  }, 60_000);
});
