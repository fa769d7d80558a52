/**
 * P1–P3: the daily digest of a 10,000-device tenant — its requests against the paging lower bound, its wall time
 * against the critical path, and both against a naive per-device collector using the same client.
 */
import { naiveDailyDigest, NAIVE_CONCURRENCY } from '../naiveCollector';
import { median, processCpuMs } from '../measure';
import { dailyPagingBound } from '../pagingBound';
import type { Figure, ScenarioResult } from '../report';
import { digestServices, runDailyDigest, type DigestRun } from '../digestRun';
import { startSimulatorProcess, statsDelta, type SimulatorProcess, type TenantSize } from '../simulatorProcess';

/** The tenant of the P1–P3. */
export const DIGEST_TENANT: TenantSize = { devices: 10_000, alerts: 5_000, incidents: 500 };
/** P3's tenant in `--quick`: the naive collector makes one call per device. */
const QUICK_NAIVE_TENANT: TenantSize = { devices: 2_000, alerts: 1_000, incidents: 100 };

const P2_LATENCY_MS = 100;
const P3_LATENCY_MS = 20;

interface MeasuredRun {
  run: DigestRun;
  requests: number;
  byPath: Record<string, number>;
  simulatorCpuMs?: number;
  clientCpuMs: number;
  /** When each request reached the simulator, ms after the run started, with its path. */
  arrivals: { atMs: number; path: string }[];
}

async function measuredRun(simulator: SimulatorProcess, services: Awaited<ReturnType<typeof digestServices>>): Promise<MeasuredRun> {
  const before = await simulator.stats();
  const cpuBefore = processCpuMs(simulator.child.pid);
  const clientCpu = process.cpuUsage();
  const startedAt = Date.now();
  const run = await runDailyDigest(services);
  const client = process.cpuUsage(clientCpu);
  const cpuAfter = processCpuMs(simulator.child.pid);
  const after = await simulator.stats();
  const delta = statsDelta(before, after);
  const log = (await simulator.get('/_simulator/requests')) as { requests: { seq: number; time: string; path: string }[] };
  const arrivals = log.requests
    .slice(-delta.total)
    .map((r) => ({ atMs: Date.parse(r.time) - startedAt, path: r.path.split('?')[0] }))
    .sort((a, b) => a.atMs - b.atMs);
  return {
    run,
    requests: delta.total,
    byPath: delta.byPath,
    simulatorCpuMs: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined,
    clientCpuMs: Math.round((client.user + client.system) / 1000),
    arrivals,
  };
}

/** P1 and P2 (one tenant, latency 100 ms), then P3 (latency 20 ms). */
export async function digestCalls(options: { quick: boolean }): Promise<ScenarioResult[]> {
  const simulator = await startSimulatorProcess(DIGEST_TENANT);
  let p1p2: ScenarioResult[];
  try {
    const services = await digestServices(simulator.url);
    // Warm-up: connections, JIT, the snapshot store; not measured.
    await runDailyDigest(services);
    await runDailyDigest(services);

    await simulator.setLatency(P2_LATENCY_MS);
    const runs: MeasuredRun[] = [];
    for (let i = 0; i < (options.quick ? 3 : 5); i++) runs.push(await measuredRun(simulator, services));
    const first = runs[0];
    const bound = await dailyPagingBound(simulator, first.run.window.since, first.run.window.until);

    const requests = Math.max(...runs.map((r) => r.requests));
    const p1: Figure = {
      id: 'P1',
      figure: 'Defender + Graph requests ÷ paging lower bound',
      value: requests / bound.requests,
      measured: `${requests} requests; bound Σ⌈items ÷ max page⌉ = ${bound.requests}`,
      target: `≤ bound + 2 (${bound.requests + 2} requests)`,
      met: requests <= bound.requests + 2,
    };

    const criticalMs = bound.longestChain * P2_LATENCY_MS;
    const wall = median(runs.map((r) => r.run.wallMs));
    const p2: Figure = {
      id: 'P2',
      figure: 'wall time ÷ critical path (latency 100 ms)',
      value: wall / criticalMs,
      measured: `median ${Math.round(wall)} ms of ${runs.length}; critical path ${bound.longestChain} pages × ${P2_LATENCY_MS} ms = ${criticalMs} ms`,
      target: '≤ 1.2',
      met: wall / criticalMs <= 1.2,
    };
    const firstPages = first.arrivals.filter((a, i, all) => all.findIndex((b) => b.path === a.path) === i);
    p1p2 = [
      {
        id: 'P1',
        title: 'daily digest, 10,000 devices / 5,000 alerts / 500 incidents',
        figures: [p1],
        details: {
          tenant: DIGEST_TENANT,
          window: { since: first.run.window.since, until: first.run.window.until },
          requestsPerRun: runs.map((r) => r.requests),
          requestsCountedByClient: runs.map((r) => r.run.clientRequests),
          byPath: first.byPath,
          bound,
          cardBytes: first.run.cardBytes,
        },
      },
      {
        id: 'P2',
        title: 'daily digest, same tenant, latency 100 ms',
        figures: [p2],
        details: {
          latencyMs: P2_LATENCY_MS,
          wallMs: runs.map((r) => Math.round(r.run.wallMs)),
          criticalPathMs: criticalMs,
          longestChain: bound.lists.filter((l) => l.pages === bound.longestChain).map((l) => l.name),
          // What else the wall time holds: the simulator's own CPU (one thread, shared by every request) and ours.
          simulatorCpuMs: runs.map((r) => r.simulatorCpuMs),
          clientCpuMs: runs.map((r) => r.clientCpuMs),
          firstPageArrivalMs: Object.fromEntries(firstPages.map((a) => [a.path, a.atMs])),
          arrivals: first.arrivals,
        },
      },
    ];
  } finally {
    await simulator.stop();
  }
  return [...p1p2, await naiveComparison(options)];
}

async function naiveComparison(options: { quick: boolean }): Promise<ScenarioResult> {
  const tenant = options.quick ? QUICK_NAIVE_TENANT : DIGEST_TENANT;
  const simulator = await startSimulatorProcess(tenant);
  try {
    const services = await digestServices(simulator.url);
    await runDailyDigest(services);
    await simulator.setLatency(P3_LATENCY_MS);
    const product: MeasuredRun[] = [];
    for (let i = 0; i < 3; i++) product.push(await measuredRun(simulator, services));

    const window = product[0].run.window;
    const before = await simulator.stats();
    const started = performance.now();
    const naive = await naiveDailyDigest(services.defender, window);
    const naiveMs = performance.now() - started;
    const naiveRequests = statsDelta(before, await simulator.stats()).total;

    const productRequests = Math.max(...product.map((r) => r.requests));
    const productMs = median(product.map((r) => r.run.wallMs));
    const fewer = naiveRequests / productRequests;
    const faster = naiveMs / productMs;
    const title = `daily digest vs naive per-device collector, ${tenant.devices.toLocaleString('en-US')} devices, latency ${P3_LATENCY_MS} ms`;
    return {
      id: 'P3',
      title,
      figures: [
        {
          id: 'P3',
          figure: 'naive requests ÷ digest requests',
          value: fewer,
          measured: `${naiveRequests} vs ${productRequests} requests`,
          target: '≥ 100',
          met: fewer >= 100,
        },
        {
          id: 'P3',
          figure: 'naive wall time ÷ digest wall time',
          value: faster,
          measured: `${(naiveMs / 1000).toFixed(1)} s vs ${Math.round(productMs)} ms`,
          target: '≥ 20',
          met: faster >= 20,
        },
      ],
      details: {
        tenant,
        latencyMs: P3_LATENCY_MS,
        naiveConcurrency: NAIVE_CONCURRENCY,
        naive: { requests: naiveRequests, wallMs: Math.round(naiveMs), found: naive },
        digest: { requests: product.map((r) => r.requests), wallMs: product.map((r) => Math.round(r.run.wallMs)) },
      },
    };
  } finally {
    await simulator.stop();
  }
}
