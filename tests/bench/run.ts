/**
 * `npm run bench [-- --quick] [-- --only P1,P4]`: runs the performance scenarios P1–P7 against the simulated tenant
 * on loopback, prints the table and writes `bench-results.json`. Every figure is a ratio of two quantities measured
 * in this run, so it can be compared across machines.
 *
 *   node --require ./tests/helpers/swcRegister.js tests/bench/run.ts --quick
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNow, machine, machineLine, table, type ScenarioResult } from './report';
import { chatThroughput } from './scenarios/chatThroughput';
import { digestCalls } from './scenarios/digestCalls';
import { digestFanOut } from './scenarios/digestFanOut';
import { digestMemory } from './scenarios/digestMemory';
import { scanClicks } from './scenarios/scanClicks';

interface Scenario {
  ids: string[];
  run(options: { quick: boolean }): Promise<ScenarioResult | ScenarioResult[]>;
}

const SCENARIOS: Scenario[] = [
  { ids: ['P1', 'P2', 'P3'], run: digestCalls },
  { ids: ['P4'], run: scanClicks },
  { ids: ['P5'], run: chatThroughput },
  { ids: ['P6'], run: digestFanOut },
  { ids: ['P7'], run: digestMemory },
];

function parseArgs(argv: string[]): { quick: boolean; only?: Set<string>; out: string } {
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1]?.toUpperCase().split(',')) : undefined;
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : join(__dirname, '..', '..', 'bench-results.json');
  return { quick, only, out };
}

async function main(): Promise<void> {
  const { quick, only, out } = parseArgs(process.argv.slice(2));
  const host = machine();
  const started = Date.now();
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    if (only && !scenario.ids.some((id) => only.has(id))) continue;
    const t = Date.now();
    process.stderr.write(`bench: ${scenario.ids.join(', ')} …\n`);
    try {
      const outcome = await scenario.run({ quick });
      const list = Array.isArray(outcome) ? outcome : [outcome];
      for (const r of list) r.seconds = Math.round((Date.now() - t) / 100) / 10;
      results.push(...list);
    } catch (error) {
      process.stderr.write(
        `bench: ${scenario.ids.join(', ')} failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      for (const id of scenario.ids) {
        results.push({
          id,
          title: id,
          figures: [],
          details: {},
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    process.stderr.write(`bench: ${scenario.ids.join(', ')} done in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  }
  host.loadAverage.end = loadNow();
  const report = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: host,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    allMet: results.every((r) => !r.error && r.figures.every((f) => f.met)),
    results,
  };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${table(results)}\n\n`);
  process.stdout.write(
    `Machine: ${machineLine(host)}. Mode: ${report.mode}, ${report.durationSeconds} s. Results: ${out}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
