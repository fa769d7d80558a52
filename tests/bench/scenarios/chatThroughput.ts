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

/** Runs P5. */
export async function chatThroughput(options: { quick: boolean }): Promise<ScenarioResult> {
  const seconds = options.quick ? 2 : 6;
  const simulator = await startSimulatorProcess({ devices: 25 });
  const connector = await startRecordingConnector();
  let bot: BotProcess | undefined;
  let echo: { url: string; child: ChildProcess } | undefined;
  try {
    [bot, echo] = await Promise.all([
      startBot({
        SIMULATOR_URL: simulator.url,
        STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-bench-p5-')), 'watch.db')}`,
      }),
      startEchoBot(),
    ]);
    await bot.send(botAddedToTeam({ serviceUrl: connector.url }));
    // Warm-up of both processes (JIT, connection pools); not measured.
    for (const [url, text] of [[echo.url, 'help'], [bot.url, 'help'], [bot.url, 'show pending actions']] as const) {
      await phase(url, text, connector, 1);
    }
    // Echo before and after the bot's phases: a machine that slows down during the run moves both sides.
    const echoFirst = await phase(echo.url, 'help', connector, seconds);
    const help = await phase(bot.url, 'help', connector, seconds);
    const pending = await phase(bot.url, 'show pending actions', connector, seconds);
    const echoLast = await phase(echo.url, 'help', connector, seconds);
    const echoRate = (echoFirst.perSecond + echoLast.perSecond) / 2;
    const figure = (name: string, r: LoadResult) => ({
      id: 'P5',
      figure: `"${name}" throughput ÷ echo bot throughput`,
      value: r.perSecond / echoRate,
      measured: `${r.perSecond.toFixed(0)} vs ${echoRate.toFixed(0)} round trips/s`,
      target: '≥ 0.5',
      met: r.perSecond / echoRate >= 0.5,
    });
    return {
      id: 'P5',
      title: `chat round trips through /api/messages, ${CONCURRENCY} in flight`,
      figures: [figure('help', help), figure('show pending actions', pending)],
      details: { concurrency: CONCURRENCY, secondsPerPhase: seconds, echoFirst, help, pending, echoLast },
    };
  } finally {
    echo?.child.kill('SIGTERM');
    await bot?.stop();
    await connector.close();
    await simulator.stop();
  }
}
