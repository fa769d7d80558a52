#!/usr/bin/env node
'use strict';
/**
 * Which headless Chromium the browser tests and `npm run preview` drive, found without any system package manager:
 *
 *   1. `CHROMIUM_PATH`, when set (a path that does not run is an error, not a reason to look elsewhere);
 *   2. a Chrome or Chromium of the system: the first command of `SYSTEM_COMMANDS` on `PATH` (and, on macOS, the
 *      standard app locations) that answers `--version`;
 *   3. the headless Chromium of the pinned devDependency `@sparticuz/chromium` (Linux x64 only), unpacked once into
 *      `<temp>/watchstander-chromium-<version>/` with its fonts, so text renders even on a machine without any.
 *
 * When none can run, the answer is one line that says why. `node scripts/chromium.js` prints the choice (exit 0) or
 * that line (exit 1).
 */
const { spawnSync } = require('node:child_process');
const {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { arch, platform, tmpdir } = require('node:os');
const { delimiter, dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = join(__dirname, '..');
const PACKAGE = '@sparticuz/chromium';
/** Command names of a system Chrome or Chromium, most specific first (Debian, Ubuntu/Fedora, Google's packages). */
const SYSTEM_COMMANDS = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];
/** Where macOS keeps the browsers, which are not on `PATH` there. */
const MACOS_APPS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
const VERSION_TIMEOUT_MS = 15_000;
const UNPACK_TIMEOUT_MS = 180_000;

/** The last non-empty line of a process's output, for a one-line reason. */
function lastLine(text) {
  const lines = String(text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '';
}

/** `<binary> --version` as "Chromium 153.0.8010.0", or the one-line reason it failed. */
function browserVersion(executablePath, env) {
  const result = spawnSync(executablePath, ['--version'], { env, encoding: 'utf8', timeout: VERSION_TIMEOUT_MS });
  if (result.error) {
    const { code } = /** @type {NodeJS.ErrnoException} */ (result.error);
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : result.error.message };
  }
  const version = /(?:Chromium|Google Chrome)[^\n]*?\d+(?:\.\d+)+/.exec(result.stdout ?? '')?.[0];
  if (result.status === 0 && version) return { version: version.trim() };
  return { error: lastLine(result.stderr) || lastLine(result.stdout) || `--version exited with ${result.status}` };
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The system browsers that exist, in lookup order (not yet run). */
function systemCandidates(env, os) {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const suffix = os === 'win32' ? '.exe' : '';
  const onPath = SYSTEM_COMMANDS.flatMap((name) => dirs.map((dir) => join(dir, name + suffix)));
  return [...onPath, ...(os === 'darwin' ? MACOS_APPS : [])].filter(isExecutable);
}

/** The fontconfig file of an unpacked packaged Chromium: the system's fonts when there are any, then its own. */
function fontsConfig(dir) {
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${join(dir, 'fonts')}</dir>`,
    `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/**
 * Unpacks the packaged Chromium into `dir` unless it is there already. The package unpacks into `os.tmpdir()`, so
 * a child process does it with TMPDIR set to a staging folder that is then renamed: `dir` is complete or absent,
 * and two processes unpacking at once cannot hand out a half-written binary.
 */
function unpack(entry, dir, env) {
  if (existsSync(join(dir, 'chromium'))) return undefined;
  const staging = mkdtempSync(`${dir}.unpacking-`);
  try {
    const script = `const { default: c } = await import(${JSON.stringify(pathToFileURL(entry).href)});
      process.stdout.write(await c.executablePath());`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...env, TMPDIR: staging, TMP: staging, TEMP: staging },
      encoding: 'utf8',
      timeout: UNPACK_TIMEOUT_MS,
    });
    if (result.status !== 0 || !existsSync(join(staging, 'chromium'))) {
      return `unpacking ${PACKAGE} failed: ${lastLine(result.stderr) || result.error?.message || `exit ${result.status}`}`;
    }
    writeFileSync(join(staging, 'fonts.conf'), fontsConfig(dir));
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished first: use its copy.
      if (!existsSync(join(dir, 'chromium'))) return `unpacking ${PACKAGE} failed: ${error.message}`;
    }
    return undefined;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The packaged Chromium, unpacked and answering `--version`, or why not. */
function packagedChromium(env, os, cpu) {
  if (os !== 'linux' || cpu !== 'x64') {
    return { reason: `the packaged Chromium (${PACKAGE}) is built for Linux x64 only, this is ${os} ${cpu}` };
  }
  let entry;
  try {
    entry = require.resolve(PACKAGE, { paths: [ROOT] });
  } catch {
    return { reason: `the packaged Chromium is missing: ${PACKAGE} is not installed (npm ci installs it)` };
  }
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
  const dir = join(tmpdir(), `watchstander-chromium-${version}`);
  const failed = unpack(entry, dir, env);
  if (failed) return { reason: failed };
  const executablePath = join(dir, 'chromium');
  const browserEnv = { FONTCONFIG_FILE: join(dir, 'fonts.conf') };
  const probe = browserVersion(executablePath, { ...env, ...browserEnv });
  if (probe.error) return { reason: `the packaged Chromium (${PACKAGE} ${version}) does not start: ${probe.error}` };
  return { found: { executablePath, source: `${PACKAGE} ${version}`, version: probe.version, env: browserEnv } };
}

/**
 * Finds a Chromium that runs here, in the order of the file comment.
 * @param {{ env?: NodeJS.ProcessEnv, platform?: string, arch?: string }} [options] the environment and platform to
 *   look in (the current process's by default)
 * @returns {import('./chromium').ChromiumLookup}
 */
function findChromium(options = {}) {
  const env = options.env ?? process.env;
  const os = options.platform ?? platform();
  const cpu = options.arch ?? arch();

  if (env.CHROMIUM_PATH) {
    const probe = browserVersion(env.CHROMIUM_PATH, env);
    if (probe.error) return { unavailable: `CHROMIUM_PATH=${env.CHROMIUM_PATH} does not run: ${probe.error}` };
    return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH', version: probe.version, env: {} };
  }
  const refused = [];
  for (const candidate of systemCandidates(env, os)) {
    const probe = browserVersion(candidate, env);
    if (!probe.error) return { executablePath: candidate, source: 'system', version: probe.version, env: {} };
    refused.push(`${candidate} (${probe.error})`);
  }
  const packaged = packagedChromium(env, os, cpu);
  if (packaged.found) return packaged.found;
  const system = refused.length ? `no system Chromium runs (${refused.join('; ')})` : 'no system Chrome or Chromium';
  return { unavailable: `no Chromium can run here: CHROMIUM_PATH is not set, ${system}, and ${packaged.reason}` };
}

module.exports = { findChromium, SYSTEM_COMMANDS };

if (require.main === module) {
  const chromium = findChromium();
  if ('unavailable' in chromium) {
    process.stderr.write(`${chromium.unavailable}\n`);
    process.exit(1);
  }
  process.stdout.write(`Chromium: ${chromium.version} from ${chromium.source} (${chromium.executablePath})\n`);
}
