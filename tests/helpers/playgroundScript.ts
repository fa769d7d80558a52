/**
 * Runs `npm run playground` (scripts/playground.js) as a child process on free ports, for the browser test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './azurite';

const ROOT = join(__dirname, '..', '..');

/** A running `npm run playground`. */
export interface PlaygroundRun {
  /** The Playground page, as the script printed it. */
  url: string;
  /** The bot. */
  botUrl: string;
  /** Everything the script and its children wrote. */
  output(): string;
  /** Sends `signal` (Ctrl-C by default) and resolves with the script's exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the script with `env` on top of a minimal environment and waits until it prints the Playground URL. */
export async function startPlaygroundScript(env: Record<string, string>, timeoutMs = 60_000): Promise<PlaygroundRun> {
  const botPort = await freePort();
  const playgroundPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'scripts/playground.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CI: 'true',
      TEAMSAPPTESTER_BROWSER: 'none',
      PORT: String(botPort),
      TEAMSAPPTESTER_PORT: String(playgroundPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (!url) {
    url = /^Agents Playground: (http:\/\/\S+)$/m.exec(output)?.[1];
    if (url) break;
    if (child.exitCode !== null) throw new Error(`npm run playground exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM'); // the script stops what it started
      throw new Error(`npm run playground printed no URL within ${timeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    botUrl: `http://127.0.0.1:${botPort}`,
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode !== null) return child.exitCode;
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.kill(signal);
      const code = await exited;
      clearTimeout(force);
      return code;
    },
  };
}
