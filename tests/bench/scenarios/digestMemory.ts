/**
 * P7: peak RSS of a process that runs one daily digest collection, at 1,000 and at 100,000 devices (alerts and
 * incidents scale with the devices as the simulator seeds them). Each size runs in a fresh child process against
 * its own simulator process, so neither the other size nor the simulator's memory is counted. Each is run twice: as
 * `npm start` runs the bot, and under `--optimize-for-size`, which shows how much of the peak is V8 letting the
 * heap grow to several times its live data before collecting.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ScenarioResult } from '../report';
import { startSimulatorProcess, SWC_REGISTER } from '../simulatorProcess';

/** What the child reports (kilobytes, milliseconds). */
interface ChildResult {
  maxRssBeforeKb: number;
  maxRssKb: number;
  sampledPeakKb: number;
  wallMs: number;
  requests: number;
  cardBytes: number;
}

type Measured = ChildResult & { devices: number; alerts: number; incidents: number };

/** Node flags of the two runs at each size: as `npm start` runs the bot, and with V8's memory-saving heap growth. */
const RUNS = { default: [] as string[], optimizeForSize: ['--optimize-for-size'] };

async function runChild(url: string, nodeFlags: string[]): Promise<ChildResult> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...nodeFlags, '--require', SWC_REGISTER, join(__dirname, '..', 'digestMemoryChild.ts')],
      { env: { PATH: process.env.PATH ?? '', BENCH_SIMULATOR_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`digest child exited with ${code}: ${err}`)),
    );
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
}

/** One tenant size: its simulator process, then one fresh child per set of flags. */
async function digestAt(devices: number): Promise<Record<keyof typeof RUNS, Measured>> {
  const simulator = await startSimulatorProcess({ devices });
  try {
    const seeded = (await simulator.get('/_simulator')) as { alerts: number; incidents: number };
    const size = { devices, alerts: seeded.alerts, incidents: seeded.incidents };
    return {
      default: { ...(await runChild(simulator.url, RUNS.default)), ...size },
      optimizeForSize: { ...(await runChild(simulator.url, RUNS.optimizeForSize)), ...size },
    };
  } finally {
    await simulator.stop();
  }
}

/** Runs P7. */
export async function digestMemory(options: { quick: boolean }): Promise<ScenarioResult> {
  const small = 1_000;
  const large = options.quick ? 10_000 : 100_000;
  const a = await digestAt(small);
  const b = await digestAt(large);
  const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
  const sizes = `${large.toLocaleString('en-US')} ÷ at ${small.toLocaleString('en-US')} devices`;
  const value = b.default.maxRssKb / a.default.maxRssKb;
  const lean = b.optimizeForSize.maxRssKb / a.optimizeForSize.maxRssKb;
  return {
    id: 'P7',
    title: `daily digest memory, ${small.toLocaleString('en-US')} vs ${large.toLocaleString('en-US')} devices`,
    figures: [
      {
        id: 'P7',
        figure: `peak RSS at ${sizes}`,
        value,
        measured: `${mb(b.default.maxRssKb)} vs ${mb(a.default.maxRssKb)} (${mb(a.default.maxRssBeforeKb)} before collecting)`,
        target: '≤ 1.5',
        met: value <= 1.5,
      },
      {
        id: 'P7',
        figure: `the same under node --optimize-for-size`,
        value: lean,
        measured: `${mb(b.optimizeForSize.maxRssKb)} vs ${mb(a.optimizeForSize.maxRssKb)}`,
        target: 'information (V8 heap growth)',
        met: true,
      },
    ],
    details: { small: a, large: b },
  };
}
