/**
 * P1–P3: the daily digest of a 10,000-device tenant — its requests against the paging lower bound, its wall time
 * against the critical path, and both against a naive per-device collector using the same client. Graph and
 * Defender for Endpoint are two simulator processes, as they are two services.
 */
import { naiveDailyDigest, NAIVE_CONCURRENCY } from '../naiveCollector';
import { median, processCpuMs } from '../measure';
import { dailyPagingBound } from '../pagingBound';
import type { Figure, ScenarioResult } from '../report';
import { digestServices, runDailyDigest, type DigestRun } from '../digestRun';
import { startSplitTenant, statsDelta, type SplitTenant, type TenantSize } from '../simulatorProcess';

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

async function measuredRun(
  tenant: SplitTenant,
  services: Awaited<ReturnType<typeof digestServices>>,
): Promise<MeasuredRun> {
  const before = await tenant.stats();
  const pids = [tenant.graph.child.pid, tenant.defender.child.pid];
  const cpuBefore = pids.map(processCpuMs);
  const clientCpu = process.cpuUsage();
  const startedAt = Date.now();
  const run = await runDailyDigest(services);
  const client = process.cpuUsage(clientCpu);
  const cpuAfter = pids.map(processCpuMs);
  const delta = statsDelta(before, await tenant.stats());
  const arrivals: { atMs: number; path: string }[] = [];
  for (const simulator of [tenant.graph, tenant.defender]) {
    const log = (await simulator.get('/_simulator/requests')) as { requests: { time: string; path: string }[] };
    for (const r of log.requests) {
      const atMs = Date.parse(r.time) - startedAt;
      if (atMs >= 0) arrivals.push({ atMs, path: r.path.split('?')[0] });
    }
  }
  arrivals.sort((a, b) => a.atMs - b.atMs);
  let simulatorCpu: number | undefined = 0;
  for (let i = 0; i < pids.length; i++) {
    const [b, a] = [cpuBefore[i], cpuAfter[i]];
    simulatorCpu = simulatorCpu === undefined || b === undefined || a === undefined ? undefined : simulatorCpu + a - b;
  }
  return {
    run,
    requests: delta.total,
    byPath: delta.byPath,
    simulatorCpuMs: simulatorCpu,
    clientCpuMs: Math.round((client.user + client.system) / 1000),
    arrivals,
  };
}

/** P1 and P2 (one tenant, latency 100 ms), then P3 (latency 20 ms). */
export async function digestCalls(options: { quick: boolean }): Promise<ScenarioResult[]> {
  const tenant = await startSplitTenant(DIGEST_TENANT);
  let p1p2: ScenarioResult[];
  try {
    const services = await digestServices(tenant.graph.url, tenant.defender.url);
    // Warm-up: connections, JIT, the snapshot store; not measured.
    await runDailyDigest(services);
    await runDailyDigest(services);

    await tenant.setLatency(P2_LATENCY_MS);
    const runs: MeasuredRun[] = [];
    for (let i = 0; i < (options.quick ? 3 : 5); i++) runs.push(await measuredRun(tenant, services));
    const first = runs[0];
    const bound = await dailyPagingBound(tenant, first.run.window.since, first.run.window.until);

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
          // What else the wall time holds: the simulators' own CPU (one thread per service) and the collector's.
          simulatorCpuMs: runs.map((r) => r.simulatorCpuMs),
          clientCpuMs: runs.map((r) => r.clientCpuMs),
          firstPageArrivalMs: Object.fromEntries(firstPages.map((a) => [a.path, a.atMs])),
          arrivals: first.arrivals,
        },
      },
    ];
  } finally {
    await tenant.stop();
  }
  return [...p1p2, await naiveComparison(options)];
}

async function naiveComparison(options: { quick: boolean }): Promise<ScenarioResult> {
  const tenant = options.quick ? QUICK_NAIVE_TENANT : DIGEST_TENANT;
  const servers = await startSplitTenant(tenant);
  try {
    const services = await digestServices(servers.graph.url, servers.defender.url);
    await runDailyDigest(services);
    await servers.setLatency(P3_LATENCY_MS);
    const product: MeasuredRun[] = [];
    for (let i = 0; i < 3; i++) product.push(await measuredRun(servers, services));

    const window = product[0].run.window;
    const before = await servers.stats();
    const started = performance.now();
    const naive = await naiveDailyDigest(services.defender, window);
    const naiveMs = performance.now() - started;
    const naiveRequests = statsDelta(before, await servers.stats()).total;

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
    await servers.stop();
  }
}
