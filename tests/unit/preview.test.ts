/**
 * The card previews (`npm run preview`): every card kind has a preview, every preview is a valid card, and the
 * README shows them all. Rendering them in Chromium is tests/unit/previewChromium.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCard } from '../../src/cards/validate';
import { cardTitle, PREVIEWS, previewCards } from '../../scripts/preview/previews';

const ROOT = join(__dirname, '..', '..');

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
  for (const { card } of previewCards()) expect(cardTitle(card)).toBeTruthy();
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
