/** Jest runs TypeScript through swc (type-checking is `npm run typecheck`). */
const { findChromium } = require('./scripts/chromium');

/** The tests that drive headless Chromium. */
const BROWSER_TESTS = ['tests/e2e/playground.test.ts', 'tests/unit/previewChromium.test.ts'];

/**
 * Where no Chromium can run (macOS without Chrome, say), the browser tests are left out with one line saying why and
 * the rest runs; under CI they always run, so a CI machine without a browser fails them. Looking up here, once,
 * also unpacks the packaged Chromium before the workers start.
 */
function browserTestsLeftOut() {
  const chromium = findChromium();
  if (!('unavailable' in chromium) || process.env.CI) return [];
  process.stderr.write(`Browser tests not run (${BROWSER_TESTS.join(', ')}): ${chromium.unavailable}\n`);
  return BROWSER_TESTS.map((file) => `<rootDir>/${file}`);
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...browserTestsLeftOut()],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: { '^adaptivecards$': '<rootDir>/node_modules/adaptivecards/dist/adaptivecards.js' },
  testTimeout: 60000,
};
