/**
 * P5: chat round trips — `help` and `show pending actions` posted to `/api/messages`, each answered through the
 * recording connector before the request completes — against a bare botbuilder echo bot on the same machine, the
 * same connector and the same load, measured in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botAddedToTeam, channelMessage } from '../../helpers/activities';
import { freePort } from '../../helpers/azurite';
import { startBot, type BotProcess } from '../../helpers/botProcess';
import { startRecordingConnector, type RecordingConnector } from '../../helpers/recordingConnector';
import { closedLoop, type LoadResult } from '../measure';
import type { ScenarioResult } from '../report';
import { startSimulatorProcess, SWC_REGISTER } from '../simulatorProcess';

/** Requests in flight at once (a busy team, not a flood the connector would throttle anyway). */
const CONCURRENCY = 8;

export async function startEchoBot(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', SWC_REGISTER, join(__dirname, '..', 'echoBot.ts')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`echo bot did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('echo bot listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`echo bot exited with ${code}:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

export async function post(url: string, activity: unknown): Promise<boolean> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await res.arrayBuffer();
  return res.status === 200;
}

/** One load phase; also checks that every answered request put one reply through the connector. */
async function phase(
  url: string,
  text: string,
  connector: RecordingConnector,
  seconds: number,
): Promise<LoadResult & { replies: number }> {
  const before = connector.delivered().length;
  const result = await closedLoop(() => post(url, channelMessage(text, { serviceUrl: connector.url })), {
    concurrency: CONCURRENCY,
    seconds,
  });
  return { ...result, replies: connector.delivered().length - before };
}

/** Round trips and seconds summed over the rounds of one kind. */
interface Total {
  completed: number;
  seconds: number;
  replies: number;
  perSecond: number;
  rounds: number[];
}

function total(phases: (LoadResult & { replies: number })[]): Total {
  const completed = phases.reduce((n, p) => n + p.completed, 0);
  const seconds = phases.reduce((n, p) => n + p.seconds, 0);
  return {
    completed,
    seconds: Math.round(seconds * 10) / 10,
    replies: phases.reduce((n, p) => n + p.replies, 0),
    perSecond: completed / seconds,
    rounds: phases.map((p) => Math.round(p.perSecond)),
  };
}

/** Runs P5. */
export async function chatThroughput(options: { quick: boolean }): Promise<ScenarioResult> {
  const seconds = options.quick ? 1 : 1.5;
  const rounds = options.quick ? 2 : 6;
  const simulator = await startSimulatorProcess({ devices: 25 });
  const connector = await startRecordingConnector();
  let bot: BotProcess | undefined;
  let echo: { url: string; child: ChildProcess } | undefined;
  try {
    [bot, echo] = await Promise.all([
      startBot({
        SIMULATOR_URL: simulator.url,
        STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-bench-p5-')), 'watch.db')}`,
        // One sender in one channel at full speed: the command rate limits would answer nearly all of it.
        COMMAND_LIMIT_PER_PERSON: '1000000',
        COMMAND_LIMIT_PER_CONVERSATION: '1000000',
        CHAT_QUOTA_SHARE: 'off',
      }),
      startEchoBot(),
    ]);
    await bot.send(botAddedToTeam({ serviceUrl: connector.url }));
    // Warm-up of both processes until their code is optimized (the echo bot needs seconds of load to reach its
    // pace, and so does the bot); not measured.
    for (const [url, text] of [
      [echo.url, 'help'],
      [bot.url, 'help'],
      [bot.url, 'show pending actions'],
    ] as const) {
      await phase(url, text, connector, options.quick ? 1 : 3);
    }
    // Short phases in turn (echo, help, pending, echo, …): a machine whose load changes during the run moves the
    // three alike, so the ratios hold.
    const phases: Record<'echo' | 'help' | 'pending', (LoadResult & { replies: number })[]> = {
      echo: [],
      help: [],
      pending: [],
    };
    for (let round = 0; round < rounds; round++) {
      phases.echo.push(await phase(echo.url, 'help', connector, seconds));
      phases.help.push(await phase(bot.url, 'help', connector, seconds));
      phases.pending.push(await phase(bot.url, 'show pending actions', connector, seconds));
    }
    const echoTotal = total(phases.echo);
    const figure = (name: string, r: Total) => ({
      id: 'P5',
      figure: `"${name}" throughput ÷ echo bot throughput`,
      value: r.perSecond / echoTotal.perSecond,
      measured: `${r.perSecond.toFixed(0)} vs ${echoTotal.perSecond.toFixed(0)} round trips/s`,
      target: '≥ 0.5',
      met: r.perSecond / echoTotal.perSecond >= 0.5,
    });
    const help = total(phases.help);
    const pending = total(phases.pending);
    return {
      id: 'P5',
      title: `chat round trips through /api/messages, ${CONCURRENCY} in flight`,
      figures: [figure('help', help), figure('show pending actions', pending)],
      details: { concurrency: CONCURRENCY, rounds, secondsPerPhase: seconds, echo: echoTotal, help, pending },
    };
  } finally {
    echo?.child.kill('SIGTERM');
    await bot?.stop();
    await connector.close();
    await simulator.stop();
  }
}
