/**
 * Renders Adaptive Card JSON to PNG in headless Chromium with the `adaptivecards` renderer and a Teams-like host
 * config (`teamsHost.js`), the way the card previews in docs/images are made.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '../../tests/helpers/chromium';

const ROOT = join(__dirname, '..', '..');
const LIBRARY = join(ROOT, 'node_modules/adaptivecards/dist/adaptivecards.min.js');
const LIBRARY_CSS = join(ROOT, 'node_modules/adaptivecards/dist/adaptivecards.css');
const TEAMS_HOST = join(__dirname, 'teamsHost.js');

/** Width of a card in a Teams channel conversation on the desktop client, in CSS pixels. */
export const CARD_WIDTH = 560;

/** The page around the card: a Teams channel background, a card frame, Teams-like buttons and chart legends. */
const PAGE_CSS = `
  html, body { margin: 0; background: #f5f5f5; }
  body { padding: 16px; font-family: 'Segoe UI', 'Liberation Sans', 'Noto Sans', 'Open Sans', sans-serif; }
  #card { width: ${CARD_WIDTH}px; background: #fff; border-radius: 6px; overflow: hidden;
          box-shadow: 0 1px 2px rgba(0,0,0,.14), 0 0 2px rgba(0,0,0,.12); }
  #card p { margin: 0; }
  .ac-pushButton { font-family: inherit; font-size: 14px; font-weight: 600; min-height: 32px; padding: 4px 12px;
                   border-radius: 4px; border: 1px solid #d1d1d1; background: #fff; color: #242424; }
  .ac-pushButton.style-positive, .ac-pushButton.primary { background: #5b5fc7; border-color: #5b5fc7; color: #fff; }
  .ac-pushButton.style-destructive { background: #fff; color: #c4314b; border-color: #c4314b; }
  .ac-pushButton.expanded { background: #e8ebfa; border-color: #5b5fc7; color: #242424; }
  .ac-pushButton.expandable:after { font-family: inherit; font-size: 12px; font-weight: 400; content: '  ▾'; }
  .ac-pushButton.expandable.expanded:after { content: '  ▴'; }
  .ws-chart { padding: 4px 0; }
  .ws-chart-title { font-weight: 600; font-size: 14px; color: #242424; margin-bottom: 4px; }
  .ws-chart-row { display: flex; align-items: center; gap: 16px; }
  .ws-chart-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: #424242; }
  .ws-chart-row .ws-chart-legend { flex-direction: column; }
  .ws-chart-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
`;

/** One rendered card. */
export interface RenderedCard {
  png: Buffer;
  /** Parse and validation events of the renderer; empty when the card parsed cleanly. */
  problems: string[];
  /** The visible text of the rendered card. */
  text: string;
  /** Rendered height in CSS pixels. */
  height: number;
}

/** A Chromium page ready to render cards one after another. */
export interface CardRenderer {
  render(card: unknown): Promise<RenderedCard>;
  close(): Promise<void>;
}

async function preparePage(page: Page): Promise<void> {
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="card"></div></body></html>`,
  );
  await page.addStyleTag({ path: LIBRARY_CSS });
  await page.addStyleTag({ content: PAGE_CSS });
  await page.addScriptTag({ path: LIBRARY });
  await page.addScriptTag({ path: TEAMS_HOST });
}

/** Opens headless Chromium with the renderer loaded (throws a clear message when Chromium is missing). */
export async function openCardRenderer(options: { deviceScaleFactor?: number } = {}): Promise<CardRenderer> {
  const session: ChromiumSession = await launchChromium({
    viewport: { width: CARD_WIDTH + 32, height: 800 },
    deviceScaleFactor: options.deviceScaleFactor ?? 2,
  });
  try {
    const page = session.context.pages()[0] ?? (await session.context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    await preparePage(page);
    return {
      async render(card) {
        errors.length = 0;
        const result = (await page.evaluate((json) => (globalThis as any).renderCard(json), card)) as {
          problems: string[];
          text: string;
        };
        await page.evaluate(() => (globalThis as any).document.fonts.ready);
        const element = page.locator('#card');
        const box = await element.boundingBox();
        const png = await element.screenshot({ animations: 'disabled' });
        return { png, problems: [...result.problems, ...errors], text: result.text, height: box?.height ?? 0 };
      },
      close: () => session.close(),
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}
