/**
 * The quota shield: the Defender API as two views over one client, for the two classes of work that share the
 * application's quota.
 *
 * - `watch` (scheduled digests, card clicks, the trackers that follow actions) is never refused here; its reads are
 *   shared with identical reads in flight, never answered from an older result.
 * - `chat` (commands, on-demand digests) reuses a recent identical result within `FRESHNESS_SECONDS`, shares reads
 *   in flight, and is refused (a `QuotaReservedError` saying when to try again) before a read would take the calls of
 *   a window past `CHAT_SHARE` of a documented quota, so the watch always has the rest.
 *
 * Writes (scans, investigations, isolation, incident changes) are never shared or reused, and each one drops every
 * kept result, so a change the bot made shows at once. `startInvestigation` is refused past its own
 * documented 50 calls an hour, which Defender would answer with a 429 anyway.
 */
import type { ApiName, DefenderApi } from '../defender/api';
import type { RequestStats } from '../defender/middleware';
import type { Logger } from '../log';
import { CallBudget, type Allowance } from './budget';
import {
  API_QUOTAS,
  CHAT_SHARE,
  FRESHNESS_SECONDS,
  REUSE_MAX_ITEMS,
  START_INVESTIGATION_QUOTA,
  type Quota,
} from './limits';
import { chatShareSpent, QuotaReservedError } from './reserved';
import { SharedReads } from './sharedReads';

/** The Defender API plus the count of HTTP attempts sent, as `DefenderClient` offers it. */
export interface MeteredDefenderApi extends DefenderApi {
  /** HTTP requests sent to each API, retries included. */
  stats(): RequestStats;
}

/** Which class of work a call belongs to. */
export type WorkClass = 'chat' | 'watch';

type Kind = 'read' | 'stream' | 'write';

/** Every operation of `DefenderApi`: which API it calls and whether it reads (a list or pages) or writes. */
const OPERATIONS: { readonly [K in keyof DefenderApi]: { api: ApiName; kind: Kind } } = {
  listIncidents: { api: 'graph', kind: 'read' },
  streamIncidents: { api: 'graph', kind: 'stream' },
  getIncident: { api: 'graph', kind: 'read' },
  listIncidentsAssignedTo: { api: 'graph', kind: 'read' },
  updateIncident: { api: 'graph', kind: 'write' },
  addIncidentComment: { api: 'graph', kind: 'write' },
  listAlertsV2: { api: 'graph', kind: 'read' },
  streamAlertsV2: { api: 'graph', kind: 'stream' },
  listSecureScores: { api: 'graph', kind: 'read' },
  listSecureScoreControlProfiles: { api: 'graph', kind: 'read' },
  listMachines: { api: 'defender', kind: 'read' },
  streamMachines: { api: 'defender', kind: 'stream' },
  getMachine: { api: 'defender', kind: 'read' },
  listMachineAlerts: { api: 'defender', kind: 'read' },
  listAlerts: { api: 'defender', kind: 'read' },
  streamAlerts: { api: 'defender', kind: 'stream' },
  listMachineActions: { api: 'defender', kind: 'read' },
  streamMachineActions: { api: 'defender', kind: 'stream' },
  getMachineAction: { api: 'defender', kind: 'read' },
  runAntiVirusScan: { api: 'defender', kind: 'write' },
  startInvestigation: { api: 'defender', kind: 'write' },
  isolate: { api: 'defender', kind: 'write' },
  unisolate: { api: 'defender', kind: 'write' },
  listInvestigations: { api: 'defender', kind: 'read' },
  getInvestigation: { api: 'defender', kind: 'read' },
  getExposureScore: { api: 'defender', kind: 'read' },
  getConfigurationScore: { api: 'defender', kind: 'read' },
  listRecommendations: { api: 'defender', kind: 'read' },
  listRemediationTasks: { api: 'defender', kind: 'read' },
  listDeviceAvInfo: { api: 'defender', kind: 'read' },
  streamDeviceAvInfo: { api: 'defender', kind: 'stream' },
};

/** Options of `QuotaShield`; the defaults are the documented figures of `limits.ts`. */
export interface QuotaShieldOptions {
  now?: () => number;
  quotas?: Readonly<Record<ApiName, readonly Quota[]>>;
  /** Share of each quota chat may bring the window to (default `CHAT_SHARE`); `off` never refuses chat. */
  chatShare?: number | 'off';
  freshnessSeconds?: number;
  reuseMaxItems?: number;
  investigationQuota?: Quota;
  log?: Pick<Logger, 'info'>;
}

type AnyOperation = (...args: unknown[]) => unknown;

/** Two views of one Defender client that keep chat reads out of the watch's share of the quota. */
export class QuotaShield {
  /** For scheduled digests, card clicks and trackers: never refused here. */
  readonly watch: MeteredDefenderApi;
  /** For chat commands and on-demand digests: shared, reused, and refused before the watch's share. */
  readonly chat: MeteredDefenderApi;

  private readonly budget: CallBudget;
  private readonly reads: SharedReads;
  private readonly now: () => number;
  private readonly investigationQuota: Quota;
  private readonly investigations: number[] = [];
  /** Chat reads started and not ended yet, per API (each will cost at least one call). */
  private readonly chatInFlight: Record<ApiName, number> = { graph: 0, defender: 0 };
  private readonly log?: Pick<Logger, 'info'>;

  constructor(
    private readonly client: MeteredDefenderApi,
    options: QuotaShieldOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.budget = new CallBudget(client, this.now, options.quotas ?? API_QUOTAS, options.chatShare ?? CHAT_SHARE);
    this.reads = new SharedReads({
      now: this.now,
      freshnessMs: (options.freshnessSeconds ?? FRESHNESS_SECONDS) * 1000,
      maxItems: options.reuseMaxItems ?? REUSE_MAX_ITEMS,
    });
    this.investigationQuota = options.investigationQuota ?? START_INVESTIGATION_QUOTA;
    this.watch = this.view('watch');
    this.chat = this.view('chat');
  }

  /** Whether a chat read on `api` may be sent now (for a command to answer before it starts). */
  chatAllowance(api: ApiName): Allowance {
    return this.budget.chatAllowance(api, this.chatInFlight[api]);
  }

  private view(workClass: WorkClass): MeteredDefenderApi {
    const view: Record<string, unknown> = { stats: () => this.client.stats() };
    for (const [name, operation] of Object.entries(OPERATIONS)) {
      const call = (args: unknown[]) => (this.client as unknown as Record<string, AnyOperation>)[name](...args);
      view[name] =
        operation.kind === 'read'
          ? (...args: unknown[]) => this.read(workClass, name, operation.api, args, call)
          : operation.kind === 'stream'
            ? (...args: unknown[]) => this.stream(workClass, name, operation.api, args, call)
            : (...args: unknown[]) => this.write(name, operation.api, args, call);
    }
    return view as unknown as MeteredDefenderApi;
  }

  private read(
    workClass: WorkClass,
    name: string,
    api: ApiName,
    args: unknown[],
    call: (args: unknown[]) => unknown,
  ): Promise<unknown> {
    return this.reads.read(readKey(name, args), workClass === 'chat', () => {
      const end = this.begin(workClass, name, api);
      const running = Promise.resolve().then(() => call(args) as Promise<unknown>);
      void running.then(end, end);
      return running;
    });
  }

  private stream(
    workClass: WorkClass,
    name: string,
    api: ApiName,
    args: unknown[],
    call: (args: unknown[]) => unknown,
  ): AsyncIterable<unknown[]> {
    return this.reads.stream(readKey(name, args), workClass === 'chat', () => {
      const end = this.begin(workClass, name, api);
      return metered(() => call(args) as AsyncIterable<unknown[]>, end);
    });
  }

  private async write(
    name: string,
    api: ApiName,
    args: unknown[],
    call: (args: unknown[]) => unknown,
  ): Promise<unknown> {
    if (name === 'startInvestigation') this.countInvestigation(api, name);
    try {
      return await (call(args) as Promise<unknown>);
    } finally {
      // What the write changed must show in the next answer, not after the freshness window.
      this.reads.forget();
      this.budget.sync();
    }
  }

  /** Admits a read that will be sent now (chat reads may be refused); returns what to call when it ends. */
  private begin(workClass: WorkClass, name: string, api: ApiName): () => void {
    if (workClass === 'watch') return () => this.budget.sync();
    const allowance = this.chatAllowance(api);
    if (!allowance.ok) {
      this.log?.info(
        { api, operation: name, used: allowance.used, ceiling: allowance.chatCeiling },
        'chat read refused',
      );
      throw new QuotaReservedError({
        api,
        operation: name,
        retryAt: allowance.retryAt,
        now: this.now(),
        why: chatShareSpent(allowance),
        reservedForWatch: true,
      });
    }
    this.chatInFlight[api] += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.chatInFlight[api] -= 1;
      this.budget.sync();
    };
  }

  private countInvestigation(api: ApiName, name: string): void {
    const now = this.now();
    const quota = this.investigationQuota;
    while (this.investigations.length > 0 && this.investigations[0] <= now - quota.windowMs)
      this.investigations.shift();
    if (this.investigations.length >= quota.max) {
      throw new QuotaReservedError({
        api,
        operation: name,
        retryAt: this.investigations[0] + quota.windowMs + 1000,
        now,
        why: `it allows ${quota.max} automated investigations ${windowName(quota)}`,
        reservedForWatch: false,
      });
    }
    this.investigations.push(now);
  }
}

/** "a minute", "an hour". */
function windowName(quota: Quota): string {
  if (quota.windowMs === 60_000) return 'a minute';
  if (quota.windowMs === 3_600_000) return 'an hour';
  return `in ${Math.round(quota.windowMs / 1000)} s`;
}

/** The pages of `open()`, calling `end` once when the read ends, fails or is abandoned. */
async function* metered<T>(open: () => AsyncIterable<T[]>, end: () => void): AsyncGenerator<T[]> {
  try {
    yield* open();
  } finally {
    end();
  }
}

/** The identity of a read: operation and arguments (dates as ISO text, keys in a fixed order). */
export function readKey(name: string, args: readonly unknown[]): string {
  return `${name}(${args.map(stableJson).join(',')})`;
}

function stableJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
