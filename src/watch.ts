/**
 * Wires one running Watchstander: Defender client, store, Teams app, HTTP server, digests and trackers.
 */
import type { TokenCredential } from '@azure/core-auth';
import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import type { DefenderClient, DefenderClientOptions } from './defender/client';
import { CardRouter } from './actions';
import { processInbound } from './bot/inbound';
import { createAdapter, createTeamsApp } from './bot/teamsBot';
import { ProactiveMessenger } from './bot/proactive';
import { CommandRouter } from './commands';
import { Installations } from './conversations';
import { DigestScheduler } from './digest/scheduler';
import { requestContext, type Logger } from './log';
import { createServer, type Health } from './server';
import type { Services } from './services';
import { openStore } from './store';
import { rememberCard } from './actions/postedCards';
import { ActionTracker } from './actions/tracker';
import { TenantGate } from './bot/tenantGate';
import { CommandGuard } from './commands/guard';
import { ConversationMembers } from './members';
import { CommandLimits, perMinute } from './quota/commandLimits';
import { QuotaShield } from './quota/shield';
import { TenantPolicy } from './tenants';

/** What start-up needs besides the configuration (factories, so tests can swap the clock or the client). */
export interface WatchOptions {
  config: Config;
  log: Logger;
  instanceId: string;
  createDefenderClient(config: Config, overrides?: Partial<DefenderClientOptions>): DefenderClient;
  createCredential(config: Config): TokenCredential;
  now?: () => Date;
}

/** A running bot. */
export interface RunningWatch {
  port: number;
  services: Services;
  /** Stops intake, finishes in-flight work, releases claims, closes the store and the simulated tenant. */
  stop(): Promise<void>;
}

/** The simulated tenant started in this process. */
interface EmbeddedSimulator {
  url: string;
  close(): Promise<void>;
}

/** Loads the simulated tenant only on the simulated source, as `openStore` loads a store: live never loads it. */
async function startEmbeddedSimulator(settings: Config['simulator']): Promise<EmbeddedSimulator> {
  const { startSimulator, simulatorOptionsFromConfig } = await import('./simulator');
  return startSimulator(simulatorOptionsFromConfig(settings));
}

/** Starts everything and listens on `config.port`. */
export async function startWatch(options: WatchOptions): Promise<RunningWatch> {
  const { config, log } = options;
  let simulator: EmbeddedSimulator | undefined;
  let endpoints: Partial<DefenderClientOptions> = {};
  if (config.defenderSource === 'simulated') {
    const url = config.simulator.url ?? (simulator = await startEmbeddedSimulator(config.simulator)).url;
    endpoints = { graphEndpoint: url, defenderEndpoint: url };
    log.info({ url, embedded: !!simulator }, 'using the simulated tenant');
  }
  const defender = options.createDefenderClient(config, {
    ...endpoints,
    timeoutMs: config.defenderTimeoutMs,
    logger: log.child({ part: 'defender' }),
  });
  const credential =
    config.store.kind === 'azure' && config.store.accountUrl ? options.createCredential(config) : undefined;
  const stores = await openStore(config.store, credential);

  const now = options.now ?? (() => new Date());
  const tenants = new TenantPolicy(config.tenants);
  const adapter = createAdapter(config, log);
  // The tenant gate: every inbound activity, once authenticated, before any handler (proactive turns skip it).
  const gate = new TenantGate({
    policy: tenants,
    log: log.child({ part: 'tenant-gate' }),
    audit: async (refusal) => {
      await stores.audit.record({
        at: now().toISOString(),
        userId: refusal.userId,
        userTenantId: refusal.tenantId,
        userName: refusal.userName,
        action: refusal.action,
        outcome: 'refused',
        detail: `${refusal.reason}: nothing was read or changed`.slice(0, 500),
        conversationId: refusal.conversationId,
      });
    },
  });
  const messenger = new ProactiveMessenger(adapter, config.bot.id, stores.conversations, log.child({ part: 'teams' }));
  const members = new ConversationMembers(messenger, tenants, config.allowExternalMembers, now);
  // Digests, clicks and trackers use the watch's view of Defender; chat commands the chat view (src/quota/shield.ts).
  const shield = new QuotaShield(defender, {
    chatShare: config.chatQuotaShare,
    log: log.child({ part: 'quota' }),
    now: () => now().getTime(),
  });
  const services: Services = {
    config,
    log,
    defender: shield.watch,
    stores,
    messenger,
    members,
    now,
    instanceId: options.instanceId,
  };

  const tracker = new ActionTracker(services);
  const scheduler = new DigestScheduler(services);
  const commands = new CommandRouter({ ...services, defender: shield.chat }, scheduler);
  const limits = new CommandLimits(perMinute(config.commandLimits), () => now().getTime());
  const guard = new CommandGuard(services, limits, shield);
  const cards = new CardRouter(services, tracker);
  const installations = new Installations(services, scheduler);
  const app = createTeamsApp(adapter, config, log, {
    install: (conversation, by) => installations.install(conversation, by),
    uninstall: (conversationId) => installations.uninstall(conversationId),
    seen: (conversation) => installations.seen(conversation),
    membersChanged: (conversationId, teamId) => members.forget(conversationId, teamId),
    command: async (request) => guard.check(request) ?? commands.handle(request),
    click: (click) => cards.handle(click),
    cardSent: (conversationId, activityId, card) => rememberCard(services, conversationId, activityId, card, 'sent'),
  });

  let accepting = true;
  const inFlight = new Set<Promise<void>>();
  let defenderCheck: { at: number; result: { ok: boolean; detail?: string } } | undefined;
  const server = createServer({
    log,
    async messages(req, res) {
      if (!accepting) {
        res.send(503, { error: 'shutting down' });
        return;
      }
      const authorization = req.header('authorization') ?? '';
      const requestId = randomUUID().slice(0, 12);
      const activityType = typeof req.body?.type === 'string' ? req.body.type.slice(0, 40) : undefined;
      res.header('x-request-id', requestId);
      const inbound = requestContext.run({ requestId, activityType }, () =>
        processInbound(adapter, app, req.body, authorization, log, gate),
      );
      const work = inbound.then((answer) => {
        for (const [name, value] of Object.entries(answer.headers ?? {})) res.header(name, value);
        res.status(answer.status);
        if (answer.body === undefined) res.end();
        else res.send(answer.body);
      });
      inFlight.add(work);
      try {
        await work;
      } finally {
        inFlight.delete(work);
      }
    },
    async health(): Promise<Health> {
      const store = await stores.records.ping().then(
        () => ({ ok: true }),
        (err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }),
      );
      // Defender reachability costs an API call: checked at most once a minute.
      if (!defenderCheck || Date.now() - defenderCheck.at > 60_000) {
        const result = await defender.getExposureScore().then(
          () => ({ ok: true }),
          (err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message.slice(0, 200) : String(err) }),
        );
        defenderCheck = { at: Date.now(), result };
      }
      return {
        status: store.ok && defenderCheck.result.ok ? 'ok' : 'degraded',
        defenderSource: config.defenderSource,
        store: config.store.kind,
        checks: { store, defender: defenderCheck.result },
      };
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  await scheduler.start();
  await tracker.start();

  return {
    port,
    services,
    async stop() {
      accepting = false;
      await scheduler.stop();
      await Promise.allSettled([...inFlight]);
      await tracker.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stores.records.close();
      await simulator?.close();
    },
  };
}
