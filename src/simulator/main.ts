/**
 * Runs the simulated tenant as its own process, for multi-process tests, benchmarks and demos:
 *
 *   SIMULATOR_PORT=4000 SIMULATOR_DEVICES=10000 node lib/src/simulator/main.js
 *
 * Prints one line, `simulator listening on http://127.0.0.1:PORT`, then serves until SIGINT/SIGTERM.
 * Reads the same `SIMULATOR_*` variables as the bot (see `src/config.ts`) plus a few of its own.
 */
import { startSimulator, type SimulatorOptions } from './server';

type Env = Record<string, string | undefined>;

/** A bad `SIMULATOR_*` variable; the message names it. */
export class SimulatorEnvError extends Error {}

function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new SimulatorEnvError(`${name}: expected a whole number ${min}-${max}, got "${raw}"`);
  }
  return n;
}

function fraction(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d*\.?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= 1)) throw new SimulatorEnvError(`${name}: expected a fraction between 0 and 1, got "${raw}"`);
  return n;
}

/** Simulator options from `SIMULATOR_*` environment variables. */
export function optionsFromEnv(env: Env = process.env): SimulatorOptions {
  const perMinute = integer(env, 'SIMULATOR_RATE_LIMIT_PER_MINUTE', 1, 1_000_000);
  return {
    port: integer(env, 'SIMULATOR_PORT', 0, 65535) ?? 0,
    host: env.SIMULATOR_HOST?.trim() || '127.0.0.1',
    devices: integer(env, 'SIMULATOR_DEVICES', 1, 1_000_000),
    incidents: integer(env, 'SIMULATOR_INCIDENTS', 0, 10_000_000),
    alerts: integer(env, 'SIMULATOR_ALERTS', 0, 10_000_000),
    latencyMs: integer(env, 'SIMULATOR_LATENCY_MS', 0, 600_000),
    faultRate: fraction(env, 'SIMULATOR_FAULT_RATE'),
    seed: integer(env, 'SIMULATOR_SEED', 0, 2 ** 31 - 1),
    actionStepSeconds: integer(env, 'SIMULATOR_ACTION_STEP_SECONDS', 1, 86400),
    alertIntervalMinutes: integer(env, 'SIMULATOR_ALERT_INTERVAL_MINUTES', 0, 10_080),
    flow: {
      ingestionDelayMaxMinutes: integer(env, 'SIMULATOR_INGESTION_DELAY_MINUTES', 0, 10_080),
      mergeRate: fraction(env, 'SIMULATOR_MERGE_RATE'),
    },
    rateLimits: perMinute ? { defenderPerMinute: perMinute, graphPerMinute: perMinute } : undefined,
    requireAuth: env.SIMULATOR_REQUIRE_AUTH === 'true',
  };
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = optionsFromEnv();
  } catch (error) {
    if (error instanceof SimulatorEnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const simulator = await startSimulator(options);
  process.stdout.write(`simulator listening on ${simulator.url}\n`);
  const stop = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`simulator failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
