/**
 * Headless Chromium for the browser tests and the card previews: the Debian `chromium` package driven by
 * playwright-core. No browser is ever downloaded; a missing one is a clear error, never a silent skip.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium binary: `CHROMIUM_PATH`, or the Debian package's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-less headless run (CI containers run as root). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot run here, as a message that says how to fix it; undefined when it is installed. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return (
    `Chromium not found at ${CHROMIUM_PATH}. Install it with ` +
    '`apt-get install -y chromium fonts-liberation fonts-noto-color-emoji` (.ci/run does this when it is missing), ' +
    'or point CHROMIUM_PATH at a Chromium binary.'
  );
}

/** Options of `launchChromium`. */
export interface ChromiumOptions {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
}

/** A browser context on a fresh profile; `close()` also deletes the profile. */
export interface ChromiumSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium on a fresh profile directory; throws the `chromiumMissing` message when absent. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const profile = mkdtempSync(join(tmpdir(), 'ws-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1400, height: 1000 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    timeout: 30_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
