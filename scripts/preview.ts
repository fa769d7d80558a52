/**
 * `npm run preview`: renders one card of every kind, built by the real card builders from sample data, with the
 * `adaptivecards` renderer in headless Chromium and a Teams-like host config, into docs/images/<kind>.png.
 *
 *   npm run preview             one PNG per card kind into docs/images (what the README shows)
 *   npm run preview -- --all    also every sample variant into artifacts/previews (git-ignored)
 *
 * A card that does not validate (`validateCard`) or that the renderer reports a parse error for stops the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validateCard } from '../src/cards/validate';
import { sampleCards } from '../tests/helpers/cardFixtures';
import { previewCards, sampleFileName } from './preview/previews';
import { openCardRenderer, type CardRenderer } from './preview/render';

const ROOT = join(__dirname, '..');
const IMAGES = join(ROOT, 'docs', 'images');
const ALL = join(ROOT, 'artifacts', 'previews');

async function renderTo(renderer: CardRenderer, name: string, card: unknown, file: string): Promise<void> {
  const rendered = await renderer.render(card);
  const problems = [...validateCard(card), ...rendered.problems];
  if (problems.length) throw new Error(`card "${name}" has problems:\n  ${problems.join('\n  ')}`);
  writeFileSync(file, rendered.png);
  process.stdout.write(`  ${relative(ROOT, file)}\n`);
}

async function main(): Promise<void> {
  const all = process.argv.includes('--all');
  const renderer = await openCardRenderer();
  try {
    mkdirSync(IMAGES, { recursive: true });
    process.stdout.write('Card previews:\n');
    for (const { preview, card } of previewCards()) {
      await renderTo(renderer, preview.sample, card, join(IMAGES, preview.file));
    }
    if (all) {
      mkdirSync(ALL, { recursive: true });
      process.stdout.write('Every sample variant:\n');
      for (const sample of sampleCards())
        await renderTo(renderer, sample.name, sample.card, join(ALL, sampleFileName(sample.name)));
    }
  } finally {
    await renderer.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`preview: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
