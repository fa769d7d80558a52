/**
 * Runs the simulated tenant as its own process, for multi-process tests, benchmarks and demos:
 *
 *   SIMULATOR_PORT=4000 SIMULATOR_DEVICES=10000 node lib/src/simulator/main.js
 *
 * Prints one line, `simulator listening on http://127.0.0.1:PORT`, then serves until SIGINT/SIGTERM. Reads the same
 * `SIMULATOR_*` variables as the bot plus a few of its own, with the same schema (`loadSimulatorSettings` in
 * `src/config.ts`); a bad one stops it with one line naming the variable.
 */
import { ConfigError, loadSimulatorSettings } from '../config';
import { simulatorOptionsFromConfig, startSimulator, type SimulatorOptions } from './server';

/** Simulator options from `SIMULATOR_*` environment variables; throws `ConfigError` naming a bad one. */
export function optionsFromEnv(env: Record<string, string | undefined> = process.env): SimulatorOptions {
  const settings = loadSimulatorSettings(env);
  const { rateLimitPerMinute: perMinute } = settings;
  const options = simulatorOptionsFromConfig(settings);
  return {
    ...options,
    port: settings.port,
    host: settings.host,
    incidents: settings.incidents,
    alerts: settings.alerts,
    alertIntervalMinutes: settings.alertIntervalMinutes,
    flow: { ...options.flow, mergeRate: settings.mergeRate },
    rateLimits: perMinute ? { defenderPerMinute: perMinute, graphPerMinute: perMinute } : undefined,
    requireAuth: settings.requireAuth,
  };
}

async function main(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = optionsFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
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
