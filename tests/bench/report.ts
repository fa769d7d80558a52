/**
 * What a benchmark run reports: each scenario's figures (ratios of two quantities measured in the same run), the
 * machine it ran on, the table printed and the JSON written to `bench-results.json`.
 */
import { cpus, loadavg, totalmem } from 'node:os';

/** One figure of a scenario: a ratio, what it was computed from, and whether it meets its target. */
export interface Figure {
  /** Scenario id, `P1` … `P7`. */
  id: string;
  /** What the ratio is, e.g. "requests ÷ paging lower bound". */
  figure: string;
  value: number;
  /** The two measured quantities behind the ratio, in words. */
  measured: string;
  /** The target, in words. */
  target: string;
  met: boolean;
}

/** A scenario's outcome: its figures and the raw measurements behind them. */
export interface ScenarioResult {
  id: string;
  title: string;
  figures: Figure[];
  details: Record<string, unknown>;
  /** Wall time of the whole scenario, set-up included. */
  seconds?: number;
  /** Set when the scenario could not run to the end. */
  error?: string;
}

/** The machine a run was measured on. */
export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews timings. */
  loadAverage: { start: number; end?: number };
}

/** The 1-minute load average now. */
export function loadNow(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** The machine this process runs on. */
export function machine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: { start: Math.round(loadavg()[0] * 100) / 100 },
  };
}

/** A ratio to three significant digits (`1.04`, `0.499`, `42.3`, `512`): never rounded across a target. */
export function ratio(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

/** The table printed at the end of a run (also the README's). */
export function table(results: readonly ScenarioResult[]): string {
  const rows: string[][] = [['id', 'scenario', 'figure', 'ratio', 'measured', 'target', 'met']];
  for (const result of results) {
    if (result.error) rows.push([result.id, result.title, 'did not run', '', result.error.slice(0, 120), '', 'no']);
    for (const f of result.figures) {
      rows.push([f.id, result.title, f.figure, ratio(f.value), f.measured, f.target, f.met ? 'yes' : 'NO']);
    }
  }
  const lines = rows.map((cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  lines.splice(1, 0, `|${rows[0].map(() => '---').join('|')}|`);
  return lines.join('\n');
}

/** The machine in one line, for the table's caption. */
export function machineLine(m: Machine): string {
  const load = `load average ${m.loadAverage.start}${m.loadAverage.end === undefined ? '' : ` → ${m.loadAverage.end}`}`;
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}, ${load}`;
}
