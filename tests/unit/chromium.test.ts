/**
 * Which Chromium the browser tests and `npm run preview` use (scripts/chromium.js): `CHROMIUM_PATH`, then a system
 * Chrome/Chromium found on `PATH`, then the packaged one; where none runs, one line says why, and jest leaves the
 * browser tests out with that line unless CI is set. Browsers here are small shell scripts that answer `--version`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from '../../scripts/chromium';

const ROOT = join(__dirname, '..', '..');
/** A platform the packaged Chromium is not built for, so no test here depends on unpacking it. */
const ARM = { platform: 'linux', arch: 'arm64' };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ws-chromium-lookup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in browser: an executable that prints `output` and exits with `code` when asked `--version`. */
function fakeBrowser(name: string, output: string, code = 0): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho '${output}'\nexit ${code}\n`);
  chmodSync(file, 0o755);
  return file;
}

test('CHROMIUM_PATH comes first, before a Chromium on PATH', () => {
  fakeBrowser('chromium', 'Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)');
  const chosen = fakeBrowser('my-chromium', 'Chromium 150.0.1.2');
  expect(findChromium({ env: { CHROMIUM_PATH: chosen, PATH: dir }, ...ARM })).toEqual({
    executablePath: chosen,
    source: 'CHROMIUM_PATH',
    version: 'Chromium 150.0.1.2',
    env: {},
  });
});

test('a CHROMIUM_PATH that does not run is reported in one line naming it, without looking elsewhere', () => {
  fakeBrowser('chromium', 'Chromium 156.0.8078.108');
  const missing = join(dir, 'nowhere', 'chrome');
  expect(findChromium({ env: { CHROMIUM_PATH: missing, PATH: dir }, ...ARM })).toEqual({
    unavailable: `CHROMIUM_PATH=${missing} does not run: no such file`,
  });
});

test('a system Chrome or Chromium is found by its command name on PATH', () => {
  const chrome = fakeBrowser('google-chrome-stable', 'Google Chrome 131.0.6778.85 ');
  expect(findChromium({ env: { PATH: `/nonexistent:${dir}` }, ...ARM })).toEqual({
    executablePath: chrome,
    source: 'system',
    version: 'Google Chrome 131.0.6778.85',
    env: {},
  });
});

test('a command that does not answer --version (a snap wrapper without its snap) is passed over', () => {
  const wrapper = fakeBrowser('chromium-browser', 'chromium-browser: this command requires the chromium snap', 1);
  const chrome = fakeBrowser('google-chrome', 'Google Chrome 131.0.6778.85');
  expect(findChromium({ env: { PATH: dir }, ...ARM })).toMatchObject({ executablePath: chrome, source: 'system' });

  rmSync(chrome);
  const answer = findChromium({ env: { PATH: dir }, ...ARM });
  expect(answer).toEqual({
    unavailable:
      `no Chromium can run here: CHROMIUM_PATH is not set, no system Chromium runs (${wrapper} (chromium-browser: ` +
      'this command requires the chromium snap)), and the packaged Chromium (@sparticuz/chromium) ' +
      'is built for Linux x64 only, this is linux arm64',
  });
});

test('with no browser at all on a platform the package does not cover, the reason is one line', () => {
  const answer = findChromium({ env: { PATH: dir }, ...ARM });
  expect(answer).toEqual({
    unavailable:
      'no Chromium can run here: CHROMIUM_PATH is not set, no system Chrome or Chromium, and the packaged ' +
      'Chromium (@sparticuz/chromium) is built for Linux x64 only, this is linux arm64',
  });
});

describe('jest.config.js', () => {
  /** `jest --listTests` with `env` on top of this process's environment, CI unset. */
  function listTests(env: Record<string, string>) {
    const base = { ...process.env };
    delete base.CI;
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/jest/bin/jest.js'), '--listTests'], {
      cwd: ROOT,
      env: { ...base, ...env },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    return { files: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
  }
  const browserTests = [join(ROOT, 'tests/e2e/playground.test.ts'), join(ROOT, 'tests/unit/previewChromium.test.ts')];
  const notRunLine =
    /^Browser tests not run \(tests\/e2e\/playground\.test\.ts, tests\/unit\/previewChromium\.test\.ts\): CHROMIUM_PATH=\/nonexistent\/chrome does not run: no such file$/;

  it('leaves the browser tests out where no Chromium runs, saying why in one line; the others still run', () => {
    const { files, stderr } = listTests({ CHROMIUM_PATH: '/nonexistent/chrome' });
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(notRunLine)]);
    for (const file of browserTests) expect(files).not.toContain(file);
    expect(files).toContain(join(ROOT, 'tests/unit/chromium.test.ts'));
  }, 30_000);

  it('keeps them under CI, where they then fail with that reason', () => {
    const { files, stderr } = listTests({ CHROMIUM_PATH: '/nonexistent/chrome', CI: 'true' });
    expect(stderr).toBe('');
    for (const file of browserTests) expect(files).toContain(file);
  }, 30_000);
});
