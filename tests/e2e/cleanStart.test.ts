/**
 * A clean start: restify 11 (through spdy's http-deceiver) reads `process.binding('http_parser')`, for which Node
 * prints DeprecationWarning DEP0111 twice before the bot's first log line. Every way of starting the bot silences
 * exactly that warning with `--disable-warning=DEP0111` (package.json `start`/`dev`, scripts/playground.js, the
 * App Service start command in infra/azure.bicep), so what a newcomer sees first is the bot's own log.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFlagsOf, startBot } from '../helpers/botProcess';

const ROOT = join(__dirname, '..', '..');

const store = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-clean-')), 'watch.db')}`;

/** Starts the bot with `nodeArgs`, waits for its "listening" log line, stops it and returns what it printed. */
async function startOutput(nodeArgs: string[]): Promise<string> {
  const bot = await startBot({ STORE: store() }, { nodeArgs });
  try {
    const deadline = Date.now() + 20_000;
    while (!bot.logs().some((l) => /Watchstander listening/.test(l.msg)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return bot.output();
  } finally {
    await bot.stop();
  }
}

test('npm start and npm run dev silence DEP0111 and nothing else', () => {
  expect(nodeFlagsOf('start')).toEqual(['--disable-warning=DEP0111']);
  expect(nodeFlagsOf('dev')).toEqual(['--disable-warning=DEP0111']);
  const playground = readFileSync(join(ROOT, 'scripts/playground.js'), 'utf8');
  expect(playground).toContain("'--disable-warning=DEP0111', '--require', SWC_HOOK");
  expect(playground).not.toMatch(/--no-deprecation|--no-warnings/);
});

test('started as npm start starts it, the first line the bot prints is its own first log line', async () => {
  const output = await startOutput(nodeFlagsOf('start'));
  expect(output).not.toMatch(/DeprecationWarning|DEP0111/);
  expect(JSON.parse(output.split('\n')[0])).toMatchObject({
    service: 'watchstander',
    msg: 'using the simulated tenant',
  });
}, 60_000);

test('without the flag restify still triggers DEP0111, so the flag is what keeps the start clean', async () => {
  const output = await startOutput([]);
  const before = output.slice(0, output.indexOf('{'));
  expect(before.match(/\[DEP0111\] DeprecationWarning/g)).toHaveLength(2);
}, 60_000);
