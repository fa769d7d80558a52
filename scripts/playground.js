#!/usr/bin/env node
'use strict';
/**
 * `npm run playground`: Watchstander on the simulated tenant, inside the Microsoft 365 Agents Playground (a local,
 * Teams-like chat with a mock Bot Framework connector). No Microsoft 365 account, no Azure, no tunnel.
 *
 * Starts the bot (src/index.ts through the swc require hook, as `npm run dev`) with an empty BOT_ID (local mode: the
 * Playground sends no Bot Framework token) and its own SQLite file, waits for /healthz, then starts the pinned
 * Playground against it with the mock context in .m365agentsplayground.yml (team "Contoso Security", channel
 * "Security Operations"), prints the URL to open, and stops both on Ctrl-C (or when either one exits).
 *
 * Settings (environment):
 *   PORT                   the bot's port (default 3978)
 *   TEAMSAPPTESTER_PORT    the Playground's port (default 56150; the Playground takes a free one if it is taken)
 *   PLAYGROUND_STORE       the bot's store (default sqlite:.data/watchstander-playground.db, never your main one)
 *   TEAMSAPPTESTER_BROWSER "none" to not open a browser (the default when CI is set or there is no display)
 * Any other Watchstander variable (SIMULATOR_*, DIGEST_*, LOG_LEVEL, …) passes through to the bot.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PLAYGROUND_CLI = path.join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const SWC_HOOK = path.join(ROOT, 'tests', 'helpers', 'swcRegister.js');
/** The mock Teams context: users, the personal chat, a group chat, the team and its channel. */
const CONTEXT_FILE = path.join(ROOT, '.m365agentsplayground.yml');
const DEFAULT_STORE = 'sqlite:.data/watchstander-playground.db';
const READY_TIMEOUT_MS = 60_000;

/** Writes one line to stdout. */
const say = (line = '') => process.stdout.write(`${line}\n`);

/** Resolves when `url` answers 200 (and `body` when given), rejects after `timeoutMs` or when `child` exits. */
async function waitForHttp(url, { child, timeoutMs, body, what }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it answered ${url}`);
    }
    try {
      const res = await fetch(url);
      const text = await res.text();
      if (res.status === 200 && (body === undefined || text.trim() === body)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The bot's environment: the caller's, in local mode on the simulated tenant with the Playground's own store. */
function botEnvironment(env, port) {
  const botEnv = { ...env, PORT: String(port), BOT_ID: '', BOT_PASSWORD: '', NODE_ENV: 'development' };
  delete botEnv.BOT_TYPE;
  delete botEnv.BOT_TENANT_ID;
  botEnv.DEFENDER_SOURCE = env.DEFENDER_SOURCE || 'simulated';
  if (botEnv.DEFENDER_SOURCE === 'simulated') {
    // The Playground's mock tenant is nobody's: a home tenant named in the shell would turn the tenant gate on
    // and refuse it (src/tenants.ts).
    delete botEnv.AZURE_TENANT_ID;
    delete botEnv.ALLOWED_TENANTS;
  }
  botEnv.STORE = env.PLAYGROUND_STORE || DEFAULT_STORE;
  return botEnv;
}

/** Starts the bot and resolves once /healthz answers. */
async function startBot({ port, env, track }) {
  const child = spawn(
    process.execPath,
    ['--disable-warning=DEP0111', '--require', SWC_HOOK, path.join(ROOT, 'src', 'index.ts')],
    {
      cwd: ROOT,
      env: botEnvironment(env, port),
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  track(child);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, { child, timeoutMs: READY_TIMEOUT_MS, what: 'the bot' });
  return child;
}

/** True when the Playground should not try to open a browser window. */
function headless(env) {
  if (env.TEAMSAPPTESTER_BROWSER) return env.TEAMSAPPTESTER_BROWSER === 'none';
  return !!env.CI || (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY);
}

/**
 * Starts the pinned Agents Playground against `appEndpoint` and resolves with the port it listens on.
 * Its mock connector's serviceUrl follows that port by itself (http://localhost:<port>/_connector).
 */
async function startPlayground({ port, appEndpoint, env, track }) {
  const args = [PLAYGROUND_CLI, 'start', '-e', appEndpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: CONTEXT_FILE,
      TEAMSAPPTESTER_BROWSER: headless(env) ? 'none' : env.TEAMSAPPTESTER_BROWSER || '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let listening;
  const listeningOn = new Promise((resolve) => (listening = resolve));
  const relay = (stream, out) => {
    let pending = '';
    stream.on('data', (chunk) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const match = /Listening on (\d+)/.exec(line);
        if (match) listening(Number(match[1]));
        out.write(`[playground] ${line}\n`);
      }
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  const exited = new Promise((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`the Playground exited (${code ?? signal}) before it listened`)),
    ),
  );
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error('the Playground did not start listening in time')), READY_TIMEOUT_MS).unref(),
  );
  const actualPort = await Promise.race([listeningOn, exited, timeout]);
  await waitForHttp(`http://127.0.0.1:${actualPort}/_debug/ping`, {
    child,
    timeoutMs: READY_TIMEOUT_MS,
    body: 'pong',
    what: 'the Playground',
  });
  return { child, port: actualPort };
}

/** Stops a child with SIGTERM (SIGKILL after 10 s) and resolves when it has exited. */
function stopChild(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function portSetting(env, name, fallback) {
  const raw = env[name] || String(fallback);
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new Error(`${name}: expected a TCP port 1-65535, got "${raw}"`);
  return port;
}

async function main() {
  const env = process.env;
  const botPort = portSetting(env, 'PORT', 3978);
  const playgroundPort = portSetting(env, 'TEAMSAPPTESTER_PORT', 56150);
  const children = [];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map(stopChild));
    process.exit(code);
  };
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  try {
    say(
      `Starting Watchstander on http://localhost:${botPort} (simulated tenant, ${botEnvironment(env, botPort).STORE}) …`,
    );
    const track = (child) => children.push(child);
    const bot = await startBot({ port: botPort, env, track });
    bot.once('exit', (code) => {
      if (!stopping) process.stderr.write(`playground: the bot exited (${code}); stopping the Playground\n`);
      void stopAll(code || 1);
    });
    const playground = await startPlayground({
      port: playgroundPort,
      appEndpoint: `http://localhost:${botPort}/api/messages`,
      env,
      track,
    });
    playground.child.once('exit', (code) => {
      if (!stopping) process.stderr.write(`playground: the Playground exited (${code}); stopping the bot\n`);
      void stopAll(code || 1);
    });
    const url = `http://localhost:${playground.port}`;
    say('');
    say(`Agents Playground: ${url}`);
    say('');
    say(
      `  Open ${url} in a browser. You are Alex Wilber in the tenant of the mock context (.m365agentsplayground.yml).`,
    );
    say('  - Personal Chat (open at start): the bot is installed and says hello; type "help" or "show devices".');
    say(
      '  - Teams Channel > "Security Operations" (team "Contoso Security"): click it to install the bot in the channel',
    );
    say('    (welcome card, daily/weekly/monthly digests subscribed). In a channel, start a post with "@Watchstander"');
    say('    (pick it from the list), then a command: "@Watchstander show pending actions", "… digest daily".');
    say('  - Buttons work: "Run antivirus scan" on a device card starts a simulated scan and the card follows it.');
    say('');
    say('  Stop both with Ctrl-C.');
  } catch (error) {
    process.stderr.write(`playground: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll(1);
  }
}

void main();
