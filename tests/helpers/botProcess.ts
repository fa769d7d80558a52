/**
 * Starts the real Watchstander server (src/index.ts, compiled on the fly) as a child process for end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './azurite';

const ROOT = join(__dirname, '..', '..');

/** A running bot process. */
export interface BotProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote (JSON log lines on stdout, anything on stderr). */
  output(): string;
  /** Parsed JSON log lines. */
  logs(): any[];
  /** POSTs an activity to /api/messages; resolves with status and parsed body. */
  send(activity: unknown): Promise<{ status: number; body: any }>;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL. */
  kill(): Promise<void>;
}

/** The Node flags of an npm script `node <flags…> <entry>` of package.json (a `--require` and its module excluded). */
export function nodeFlagsOf(script: 'start' | 'dev'): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...words] = scripts[script].split(/\s+/);
  if (command !== 'node') throw new Error(`npm run ${script} does not start node: ${scripts[script]}`);
  const flags: string[] = [];
  for (let i = 0; i < words.length && words[i].startsWith('-'); i++) {
    if (words[i] === '--require') i++;
    else flags.push(words[i]);
  }
  return flags;
}

/** Options of `startBot`. */
export interface StartBotOptions {
  port?: number;
  timeoutMs?: number;
  /** The Node binary to run the bot on (default: this process's). */
  node?: string;
  /** Node flags before the entry point, e.g. the ones `npm start` passes. */
  nodeArgs?: string[];
}

/** Starts the bot with `env` (on top of a minimal environment) and waits until /healthz answers. */
export async function startBot(env: Record<string, string>, options: StartBotOptions = {}) {
  const port = options.port ?? (await freePort());
  const child = spawn(
    options.node ?? process.execPath,
    [...(options.nodeArgs ?? []), '--require', join(ROOT, 'tests/helpers/swcRegister.js'), join(ROOT, 'src/index.ts')],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bot did not answer /healthz in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const bot: BotProcess = {
    url,
    port,
    child,
    output: () => output,
    logs: () =>
      output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return undefined;
          }
        })
        .filter(Boolean),
    async send(activity) {
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: any = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.status, body };
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
  return bot;
}
