/**
 * Start-up only: config → logger → simulated tenant (when simulated) → Defender client → store → Teams app →
 * server → schedules and trackers. A bad setting stops here with one line naming the variable.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, loadConfig, type Config } from './config';
import { createDefenderClient } from './defender/client';
import { createCredential } from './defender/credentials';
import { createLogger } from './log';
import { startWatch } from './watch';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`watchstander: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({
    level: config.logLevel,
    pretty: config.nodeEnv === 'development' && process.stdout.isTTY === true,
    secrets: [config.bot.password, config.azure.clientSecret ?? '', process.env.AZURE_STORAGE_CONNECTION_STRING ?? ''],
  });
  const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  const watch = await startWatch({ config, log, instanceId, createDefenderClient, createCredential });
  log.info(
    { port: watch.port, defenderSource: config.defenderSource, store: config.store.kind, instanceId },
    `Watchstander listening on http://localhost:${watch.port} (POST /api/messages, GET /healthz)`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new work, finishing what is running');
    watch
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`watchstander: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
