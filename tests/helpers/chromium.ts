/**
 * Headless Chromium for the browser tests and the card previews, driven by playwright-core. Which Chromium is
 * `findChromium`'s choice (scripts/chromium.js): `CHROMIUM_PATH`, a system Chrome/Chromium, or the one packaged in
 * the devDependency `@sparticuz/chromium`. No browser is ever downloaded; none that runs is a one-line error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findChromium, type ChromiumLookup } from '../../scripts/chromium';

/**
 * Flags for a quiet, offline, sandbox-less headless run (CI containers run as root) that both the packaged
 * headless shell and a full system Chromium accept; the packaged one's own `args` are for AWS Lambda.
 */
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

let lookup: ChromiumLookup | undefined;

/** The Chromium this process uses (looked up once), or the one-line reason none can run here. */
function chromiumHere(): ChromiumLookup {
  lookup ??= findChromium();
  return lookup;
}

/** Why Chromium cannot run here, in one line; undefined when one can. */
export function chromiumMissing(): string | undefined {
  const found = chromiumHere();
  return 'unavailable' in found ? found.unavailable : undefined;
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

/** Launches headless Chromium on a fresh profile directory; throws the `chromiumMissing` line when none runs. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  const found = chromiumHere();
  if ('unavailable' in found) throw new Error(found.unavailable);
  const profile = mkdtempSync(join(tmpdir(), 'ws-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: found.executablePath,
    env: { ...process.env, ...found.env },
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
