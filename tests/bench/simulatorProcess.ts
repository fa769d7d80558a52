/**
 * The simulated tenant in its own process (`src/simulator/main.ts`), so that its CPU work (rendering 10,000-device
 * pages) does not share an event loop with what is measured; controlled through its `/_simulator/` API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const SWC_REGISTER = join(ROOT, 'tests/helpers/swcRegister.js');

/** The tenant a scenario runs against. */
export interface TenantSize {
  devices: number;
  /** Seeded alerts (default: the simulator's 1.6 per device). */
  alerts?: number;
  /** Seeded incidents (default: 0.3 per alert). */
  incidents?: number;
}

/** Request counters of the simulator (`GET /_simulator/stats`). */
export interface SimulatorStats {
  total: number;
  byApi: Record<string, number>;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
}

/** A running simulator process. */
export interface SimulatorProcess {
  url: string;
  child: ChildProcess;
  stats(): Promise<SimulatorStats>;
  resetStats(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  /** GETs an API path (already encoded) and returns the JSON body; not counted apart from other requests. */
  get(path: string): Promise<any>;
  stop(): Promise<void>;
}

/** Starts `src/simulator/main.ts` with a fixed seed, no arriving alerts and no faults; resolves when it listens. */
export async function startSimulatorProcess(size: TenantSize, latencyMs = 0): Promise<SimulatorProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    SIMULATOR_PORT: '0',
    SIMULATOR_SEED: '42',
    SIMULATOR_DEVICES: String(size.devices),
    SIMULATOR_LATENCY_MS: String(latencyMs),
    // No alert arrives while a scenario runs: every figure is computed over the same records.
    SIMULATOR_ALERT_INTERVAL_MINUTES: '0',
    SIMULATOR_ACTION_STEP_SECONDS: '600',
  };
  if (size.alerts !== undefined) env.SIMULATOR_ALERTS = String(size.alerts);
  if (size.incidents !== undefined) env.SIMULATOR_INCIDENTS = String(size.incidents);
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=4096', '--require', SWC_REGISTER, join(ROOT, 'src/simulator/main.ts')],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start in time:\n${output}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /simulator listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${code}:\n${output}`));
    });
  });
  const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}/_simulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`simulator ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  return {
    url,
    child,
    stats: () => admin('GET', 'stats'),
    resetStats: () => admin('DELETE', 'requests'),
    setLatency: (ms) => admin('PUT', 'latency', { ms }),
    async get(path) {
      const res = await fetch(url + path);
      const body = await res.json();
      if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return body;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Requests between two stats snapshots, by API and by `METHOD /path`. */
export function statsDelta(
  before: SimulatorStats,
  after: SimulatorStats,
): { total: number; byPath: Record<string, number> } {
  const byPath: Record<string, number> = {};
  for (const [path, n] of Object.entries(after.byPath)) {
    const d = n - (before.byPath[path] ?? 0);
    if (d) byPath[path] = d;
  }
  return { total: after.total - before.total, byPath };
}

/**
 * A tenant served as the cloud serves it: Microsoft Graph and Defender for Endpoint by two simulator processes
 * (same seed, same records), so one service's work does not queue behind the other's on one event loop.
 */
export interface SplitTenant {
  graph: SimulatorProcess;
  defender: SimulatorProcess;
  /** GETs a Graph (`/v1.0/…`) or Defender (`/api/…`) path from the process that serves it. */
  get(path: string): Promise<any>;
  /** Both processes' counters, added up. */
  stats(): Promise<SimulatorStats>;
  setLatency(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the Graph and the Defender simulator processes of one tenant. */
export async function startSplitTenant(size: TenantSize, latencyMs = 0): Promise<SplitTenant> {
  const [graph, defender] = await Promise.all([
    startSimulatorProcess(size, latencyMs),
    startSimulatorProcess(size, latencyMs),
  ]);
  const both = [graph, defender];
  return {
    graph,
    defender,
    get: (path) => (path.startsWith('/v1.0/') ? graph : defender).get(path),
    async stats() {
      const [g, d] = await Promise.all(both.map((p) => p.stats()));
      const sum = (a: Record<string, number>, b: Record<string, number>) => {
        const out = { ...a };
        for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
        return out;
      };
      return {
        total: g.total + d.total,
        byApi: sum(g.byApi, d.byApi),
        byPath: sum(g.byPath, d.byPath),
        byStatus: sum(g.byStatus, d.byStatus),
      };
    },
    setLatency: async (ms) => void (await Promise.all(both.map((p) => p.setLatency(ms)))),
    stop: async () => void (await Promise.all(both.map((p) => p.stop()))),
  };
}
