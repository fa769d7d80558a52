/**
 * P7: peak RSS of a process that runs one daily digest collection, at 1,000 and at 100,000 devices (alerts and
 * incidents scale with the devices as the simulator seeds them). Each size runs in a fresh child process against
 * its own simulator process, so neither the other size nor the simulator's memory is counted.
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

async function digestInChild(devices: number): Promise<ChildResult & { devices: number; alerts: number; incidents: number }> {
  const simulator = await startSimulatorProcess({ devices });
  try {
    const seeded = (await simulator.get('/_simulator')) as { alerts: number; incidents: number };
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--require', SWC_REGISTER, join(__dirname, '..', 'digestMemoryChild.ts')], {
        env: { PATH: process.env.PATH ?? '', BENCH_SIMULATOR_URL: simulator.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`digest child exited with ${code}: ${err}`))));
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
    return { ...result, devices, alerts: seeded.alerts, incidents: seeded.incidents };
  } finally {
    await simulator.stop();
  }
}

/** Runs P7. */
export async function digestMemory(options: { quick: boolean }): Promise<ScenarioResult> {
  const small = 1_000;
  const large = options.quick ? 10_000 : 100_000;
  const a = await digestInChild(small);
  const b = await digestInChild(large);
  const value = b.maxRssKb / a.maxRssKb;
  const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
  return {
    id: 'P7',
    title: `daily digest memory, ${small.toLocaleString('en-US')} vs ${large.toLocaleString('en-US')} devices`,
    figures: [
      {
        id: 'P7',
        figure: `peak RSS at ${large.toLocaleString('en-US')} ÷ at ${small.toLocaleString('en-US')} devices`,
        value,
        measured: `${mb(b.maxRssKb)} vs ${mb(a.maxRssKb)} (both ${mb(a.maxRssBeforeKb)} before collecting)`,
        target: '≤ 1.5',
        met: value <= 1.5,
      },
    ],
    details: { small: a, large: b },
  };
}
