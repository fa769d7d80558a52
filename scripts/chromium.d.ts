/** Types of scripts/chromium.js (plain JavaScript, so that jest.config.js can use it too). */

/** A Chromium that answered `--version` here. */
export interface ChromiumFound {
  executablePath: string;
  /** `CHROMIUM_PATH`, `system`, or the npm package and version it was unpacked from. */
  source: string;
  /** What it answered to `--version`, e.g. "Chromium 153.0.8010.0". */
  version: string;
  /** Environment the browser needs on top of the caller's (the packaged one's fontconfig file). */
  env: Record<string, string>;
}

/** No Chromium can run here; `unavailable` says why in one line. */
export interface ChromiumUnavailable {
  unavailable: string;
}

/** The answer of `findChromium`. */
export type ChromiumLookup = ChromiumFound | ChromiumUnavailable;

/** Options of `findChromium`: the environment and platform to look in (the current process's by default). */
export interface FindChromiumOptions {
  env?: NodeJS.ProcessEnv;
  platform?: string;
  arch?: string;
}

/** Finds a Chromium that runs here: `CHROMIUM_PATH`, then a system Chrome or Chromium, then the packaged one. */
export function findChromium(options?: FindChromiumOptions): ChromiumLookup;

/** Command names of a system Chrome or Chromium searched on `PATH`, in order. */
export const SYSTEM_COMMANDS: readonly string[];
