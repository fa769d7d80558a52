/**
 * Child process of `livePath.test.ts`: builds the Defender client from the environment exactly as the bot does
 * (`loadConfig` → `createDefenderClient`), calls both APIs, and prints one JSON line of what it saw.
 * Run with `node --require tests/helpers/swcRegister.js tests/e2e/livePathChild.ts` and the fake cloud's `env()`.
 */
import { loadConfig } from '../../src/config';
import { createDefenderClient } from '../../src/defender/client';
import { DefenderApiError } from '../../src/defender/errors';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const client = createDefenderClient(config, { retry: { maxRetries: 1, delaySeconds: 0, networkRetries: 0 } });

  const incidents = await client.listIncidents({ openOnly: true });
  const machines = await client.listMachines();
  const machine = await client.getMachine(machines[0].id);
  const scan = await client.runAntiVirusScan(machine.id, 'Live-path test scan', 'Quick');
  const polled = await client.getMachineAction(scan.id);
  const actions = await client.listMachineActions();
  const investigations = await client.listInvestigations({ filter: "state eq 'PendingApproval'" });

  process.stdout.write(
    `${JSON.stringify({
      incidents: incidents.map((i) => i.id),
      machines: machines.map((m) => m.id),
      scan: { id: scan.id, status: polled.status },
      actions: actions.length,
      investigations: investigations.map((i) => i.state),
      stats: client.stats(),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof DefenderApiError ? error.readableMessage() : String(error)}\n`);
  process.exit(1);
});
