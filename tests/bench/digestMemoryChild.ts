/**
 * P7's child process: one daily digest collection (and its card) in a fresh process, against the simulator at
 * `BENCH_SIMULATOR_URL`; prints one JSON line with the process's peak RSS before and after.
 *
 * The peak is the kernel's (`maxRSS`), so a peak inside a synchronous page parse is not missed by sampling.
 */
import { digestServices, runDailyDigest } from './digestRun';

async function main(): Promise<void> {
  const url = process.env.BENCH_SIMULATOR_URL;
  if (!url) throw new Error('BENCH_SIMULATOR_URL is not set');
  const services = await digestServices(url);
  const before = process.resourceUsage().maxRSS;
  let sampledPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 5);
  const run = await runDailyDigest(services);
  clearInterval(sampler);
  const result = {
    maxRssBeforeKb: before,
    maxRssKb: process.resourceUsage().maxRSS,
    sampledPeakKb: Math.round(sampledPeak / 1024),
    wallMs: Math.round(run.wallMs),
    requests: run.clientRequests,
    cardBytes: run.cardBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await services.stores.records.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`digest memory child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
