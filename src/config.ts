/**
 * Every environment variable Watchstander reads, parsed and validated in one place.
 *
 * `loadConfig` either returns a complete, typed `Config` or throws a `ConfigError` whose message is one line that
 * names the variable and what it accepts; `src/index.ts` prints that line and exits 1.
 */
import { validate as isValidCron } from 'node-cron';
import { CHAT_SHARE } from './quota/limits';

/** A bad setting: `message` names the variable and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/**
 * Who may do something, always by (tenant, Entra object id): everyone of some tenants, and named people.
 * Tenant `*` stands for any tenant; it only appears when no home tenant is known (local mode, gate off).
 */
export interface AccessList {
  /** Tenants (lower-case GUIDs, or `*`) whose every member is on the list. */
  everyoneIn: ReadonlySet<string>;
  /** People on the list, as `<tenant>/<object id>` in lower case (tenant `*` = any tenant). */
  people: ReadonlySet<string>;
}

/** Which tenants the bot serves (see `src/tenants.ts` for how an activity's tenant is judged). */
export interface TenantConfig {
  /** The home tenant (lower-case GUID): `AZURE_TENANT_ID`, else `BOT_TENANT_ID`. Absent only with the gate off. */
  home?: string;
  /** Tenants served besides the home tenant (`ALLOWED_TENANTS`), lower-case GUIDs. */
  allowed: ReadonlySet<string>;
  /**
   * True: an activity from a tenant that is not served is refused. False only in local mode with the simulated
   * source and no tenant named (empty `BOT_ID`, `DEFENDER_SOURCE=simulated`, no `AZURE_TENANT_ID`,
   * `BOT_TENANT_ID` or `ALLOWED_TENANTS`): every tenant is accepted, as the simulated source serves anyone.
   */
  gate: boolean;
}

/** Bot Framework app type. */
export type BotType = 'SingleTenant' | 'UserAssignedMsi' | 'MultiTenant';

/** Where Defender data comes from. */
export type DefenderSource = 'simulated' | 'live';

/** Where state lives. */
export type StoreConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'azure'; connectionString?: string; accountUrl?: string; tablePrefix: string };

/** Knobs of the embedded simulated tenant. */
export interface SimulatorConfig {
  /** Use a simulator that already runs at this URL (tests, fleets) instead of starting one in-process. */
  url?: string;
  devices: number;
  latencyMs: number;
  faultRate: number;
  seed: number;
  /** Seconds a simulated machine action spends in each of Pending and InProgress. */
  actionStepSeconds: number;
  /** Longest ingestion delay of a simulated alert, in minutes (0 = every alert visible at once). */
  ingestionDelayMinutes: number;
}

/** The validated configuration of one Watchstander process. */
export interface Config {
  nodeEnv: string;
  port: number;
  bot: { id: string; password: string; type: BotType; tenantId: string };
  defenderSource: DefenderSource;
  azure: {
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    certificatePath?: string;
    authorityHost: string;
  };
  graphEndpoint: string;
  graphScope: string;
  defenderEndpoint: string;
  defenderScope: string;
  /** Per-attempt timeout of a Defender or Graph request, body included (ms). */
  defenderTimeoutMs: number;
  portalUrl: string;
  store: StoreConfig;
  digest: {
    dailyCron: string;
    weeklyCron: string;
    monthlyCron: string;
    timezone: string;
    /** Seconds a fire claim holds without renewal: a fire left by a dead instance is taken over after this. */
    fireLeaseSeconds: number;
    /**
     * Hours after its `createdDateTime` an incident or alert may first become visible in the APIs and still be
     * listed as new (once).
     */
    lateArrivalHours: number;
  };
  /** How often (seconds) an instance looks for scheduled digests that are due but were not posted. */
  catchUpSeconds: number;
  /** The home tenant, the other tenants served, and whether activities from other tenants are refused. */
  tenants: TenantConfig;
  /** Post digests to conversations that have members from a tenant the bot does not serve (`ALLOW_EXTERNAL_MEMBERS`). */
  allowExternalMembers: boolean;
  /** Chat commands taken per minute from one person and from one conversation. */
  commandLimits: { perPerson: number; perConversation: number };
  /**
   * The share of each documented API quota that chat reads may bring this process's calls to (`CHAT_QUOTA_SHARE`);
   * the rest is kept for digests, clicks and trackers. `off` (simulated source only) never refuses chat.
   */
  chatQuotaShare: number | 'off';
  operators: AccessList;
  approvers: AccessList;
  /** Hours a remediation request waits for a decision before it expires. */
  approvalTtlHours: number;
  /** Seconds before the first status check of an action the bot started; later checks back off up to 60 s. */
  trackerPollSeconds: number;
  logLevel: string;
  simulator: SimulatorConfig;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration; throws `ConfigError` on the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const nodeEnv = get('NODE_ENV') ?? 'development';

  const explicitSource = get('DEFENDER_SOURCE');
  const defenderSource = oneOf('DEFENDER_SOURCE', explicitSource ?? (get('AZURE_CLIENT_ID') ? 'live' : 'simulated'), [
    'simulated',
    'live',
  ] as const);
  if (nodeEnv === 'production' && defenderSource === 'simulated' && explicitSource !== 'simulated') {
    throw new ConfigError(
      'DEFENDER_SOURCE',
      'NODE_ENV=production refuses the simulated tenant unless DEFENDER_SOURCE=simulated is set explicitly',
    );
  }

  const botId = get('BOT_ID') ?? '';
  if (nodeEnv === 'production' && !botId) {
    throw new ConfigError(
      'BOT_ID',
      'required when NODE_ENV=production (an empty BOT_ID turns request authentication off)',
    );
  }
  const botType = oneOf('BOT_TYPE', get('BOT_TYPE') ?? (botId ? 'SingleTenant' : 'MultiTenant'), [
    'SingleTenant',
    'UserAssignedMsi',
    'MultiTenant',
  ] as const);
  const botTenantId = get('BOT_TENANT_ID') ?? '';
  if (botId && botType !== 'MultiTenant' && !botTenantId) {
    throw new ConfigError('BOT_TENANT_ID', `required when BOT_TYPE=${botType}`);
  }
  if (botId) uuid('BOT_ID', botId);
  const botPassword = get('BOT_PASSWORD') ?? '';
  if (botId && botType !== 'UserAssignedMsi' && !botPassword) {
    throw new ConfigError('BOT_PASSWORD', `required when BOT_ID is set and BOT_TYPE=${botType}`);
  }

  const authorityHost = httpsUrl(
    'AZURE_AUTHORITY_HOST',
    get('AZURE_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com',
  );
  const graphEndpoint = httpUrl(
    'GRAPH_ENDPOINT',
    get('GRAPH_ENDPOINT') ?? 'https://graph.microsoft.com',
    defenderSource,
  );
  const defenderEndpoint = httpUrl(
    'DEFENDER_ENDPOINT',
    get('DEFENDER_ENDPOINT') ?? 'https://api.security.microsoft.com',
    defenderSource,
  );
  const defenderScope = scope(
    'DEFENDER_SCOPE',
    get('DEFENDER_SCOPE') ?? 'https://api.securitycenter.microsoft.com/.default',
  );
  const azure = {
    tenantId: get('AZURE_TENANT_ID'),
    clientId: get('AZURE_CLIENT_ID'),
    clientSecret: get('AZURE_CLIENT_SECRET'),
    certificatePath: get('AZURE_CLIENT_CERTIFICATE_PATH'),
    authorityHost,
  };
  if (defenderSource === 'live') {
    if ((azure.clientSecret || azure.certificatePath) && !azure.tenantId) {
      throw new ConfigError('AZURE_TENANT_ID', 'required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH');
    }
    if ((azure.clientSecret || azure.certificatePath) && !azure.clientId) {
      throw new ConfigError('AZURE_CLIENT_ID', 'required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH');
    }
    if (azure.tenantId) uuidOrDomain('AZURE_TENANT_ID', azure.tenantId);
  }

  const store = parseStore(get);
  const timezone = get('DIGEST_TIMEZONE') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ConfigError('DIGEST_TIMEZONE', `expected an IANA time zone such as Europe/Paris, got "${timezone}"`);
  }
  const simulated = defenderSource === 'simulated';
  const tenants = parseTenants(get, { botId, botTenantId, azureTenantId: azure.tenantId, simulated });

  return {
    nodeEnv,
    port: integer('PORT', get('PORT') ?? '3978', 1, 65535, 'a TCP port 1-65535'),
    bot: { id: botId, password: botPassword, type: botType, tenantId: botTenantId },
    defenderSource,
    azure,
    graphEndpoint,
    graphScope: `${graphEndpoint}/.default`,
    defenderEndpoint,
    defenderScope,
    defenderTimeoutMs: integer(
      'DEFENDER_TIMEOUT_MS',
      get('DEFENDER_TIMEOUT_MS') ?? '30000',
      100,
      600_000,
      'milliseconds 100-600000',
    ),
    portalUrl: httpsUrl('DEFENDER_PORTAL_URL', get('DEFENDER_PORTAL_URL') ?? 'https://security.microsoft.com'),
    store,
    digest: {
      dailyCron: cron('DIGEST_DAILY_CRON', get('DIGEST_DAILY_CRON') ?? '0 8 * * *'),
      weeklyCron: cron('DIGEST_WEEKLY_CRON', get('DIGEST_WEEKLY_CRON') ?? '30 8 * * 1'),
      monthlyCron: cron('DIGEST_MONTHLY_CRON', get('DIGEST_MONTHLY_CRON') ?? '0 9 1 * *'),
      timezone,
      fireLeaseSeconds: integer(
        'DIGEST_FIRE_LEASE_SECONDS',
        get('DIGEST_FIRE_LEASE_SECONDS') ?? '120',
        2,
        3600,
        'seconds 2-3600',
      ),
      lateArrivalHours: integer(
        'DIGEST_LATE_ARRIVAL_HOURS',
        get('DIGEST_LATE_ARRIVAL_HOURS') ?? '6',
        0,
        168,
        'hours 0-168',
      ),
    },
    catchUpSeconds: integer(
      'DIGEST_CATCHUP_SECONDS',
      get('DIGEST_CATCHUP_SECONDS') ?? '60',
      1,
      86400,
      'seconds 1-86400',
    ),
    tenants,
    allowExternalMembers: boolean('ALLOW_EXTERNAL_MEMBERS', get('ALLOW_EXTERNAL_MEMBERS') ?? 'false'),
    chatQuotaShare: chatShare(get('CHAT_QUOTA_SHARE') ?? String(CHAT_SHARE), simulated),
    commandLimits: {
      perPerson: integer(
        'COMMAND_LIMIT_PER_PERSON',
        get('COMMAND_LIMIT_PER_PERSON') ?? '10',
        1,
        1_000_000,
        'commands a minute 1-1000000',
      ),
      perConversation: integer(
        'COMMAND_LIMIT_PER_CONVERSATION',
        get('COMMAND_LIMIT_PER_CONVERSATION') ?? '30',
        1,
        1_000_000,
        'commands a minute 1-1000000',
      ),
    },
    operators: accessList('SECURITY_OPERATORS', get('SECURITY_OPERATORS') ?? (simulated ? '*' : ''), tenants),
    approvers: accessList('SECURITY_APPROVERS', get('SECURITY_APPROVERS') ?? (simulated ? '*' : ''), tenants),
    approvalTtlHours: integer('APPROVAL_TTL_HOURS', get('APPROVAL_TTL_HOURS') ?? '24', 1, 24 * 30, 'hours 1-720'),
    trackerPollSeconds: integer('TRACKER_POLL_SECONDS', get('TRACKER_POLL_SECONDS') ?? '5', 1, 60, 'seconds 1-60'),
    logLevel: oneOf('LOG_LEVEL', get('LOG_LEVEL') ?? 'info', LOG_LEVELS),
    simulator: {
      url: get('SIMULATOR_URL') ? httpUrl('SIMULATOR_URL', get('SIMULATOR_URL')!, 'simulated') : undefined,
      devices: integer('SIMULATOR_DEVICES', get('SIMULATOR_DEVICES') ?? '25', 1, 1_000_000, 'a device count 1-1000000'),
      latencyMs: integer(
        'SIMULATOR_LATENCY_MS',
        get('SIMULATOR_LATENCY_MS') ?? '0',
        0,
        600_000,
        'milliseconds 0-600000',
      ),
      faultRate: fraction('SIMULATOR_FAULT_RATE', get('SIMULATOR_FAULT_RATE') ?? '0'),
      seed: integer('SIMULATOR_SEED', get('SIMULATOR_SEED') ?? '42', 0, 2 ** 31 - 1, 'an integer seed'),
      actionStepSeconds: integer(
        'SIMULATOR_ACTION_STEP_SECONDS',
        get('SIMULATOR_ACTION_STEP_SECONDS') ?? '20',
        1,
        86400,
        'seconds 1-86400',
      ),
      ingestionDelayMinutes: integer(
        'SIMULATOR_INGESTION_DELAY_MINUTES',
        get('SIMULATOR_INGESTION_DELAY_MINUTES') ?? '240',
        0,
        10_080,
        'minutes 0-10080',
      ),
    },
  };
}

function parseStore(get: (name: string) => string | undefined): StoreConfig {
  const raw = get('STORE') ?? 'sqlite:.data/watchstander.db';
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (!path) throw new ConfigError('STORE', 'expected sqlite:<path> or azure, got "sqlite:" with no path');
    return { kind: 'sqlite', path };
  }
  if (raw === 'azure') {
    const connectionString = get('AZURE_STORAGE_CONNECTION_STRING');
    const accountUrl = get('AZURE_STORAGE_ACCOUNT_URL');
    if (!connectionString && !accountUrl) {
      throw new ConfigError(
        'AZURE_STORAGE_CONNECTION_STRING',
        'STORE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL',
      );
    }
    if (accountUrl) httpUrl('AZURE_STORAGE_ACCOUNT_URL', accountUrl, 'live');
    const tablePrefix = get('AZURE_STORAGE_TABLE_PREFIX') ?? 'watchstander';
    if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(tablePrefix)) {
      throw new ConfigError('AZURE_STORAGE_TABLE_PREFIX', 'expected 1-40 letters and digits, starting with a letter');
    }
    return { kind: 'azure', connectionString, accountUrl, tablePrefix };
  }
  throw new ConfigError('STORE', `expected sqlite:<path> or azure, got "${raw}"`);
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
  return match;
}

function integer(name: string, value: string, min: number, max: number, what: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(name, `expected ${what}, got "${value}"`);
  return n;
}

function fraction(name: string, value: string): number {
  const n = /^\d*\.?\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 1)) throw new ConfigError(name, `expected a fraction between 0 and 1, got "${value}"`);
  return n;
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new ConfigError(name, `expected an absolute URL, got "${value}"`);
  }
}

function httpsUrl(name: string, value: string): string {
  const url = parseUrl(name, value);
  if (url.protocol !== 'https:') throw new ConfigError(name, `expected an https:// URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** Live endpoints must be https; the simulated tenant may be plain http on loopback. */
function httpUrl(name: string, value: string, source: DefenderSource): string {
  const url = parseUrl(name, value);
  if (url.protocol !== 'https:' && !(source === 'simulated' && url.protocol === 'http:')) {
    throw new ConfigError(name, `expected an https:// URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

const SCOPE_FORMS = 'https://<resource>/.default, api://<resource>/.default or <application id>/.default';

/**
 * One client-credentials scope as Entra takes it: a resource, named by its application ID URI (any absolute URI) or
 * its application id, followed by `/.default`
 * (https://learn.microsoft.com/entra/identity-platform/scenario-daemon-acquire-token).
 */
function scope(name: string, value: string): string {
  if (/\s/.test(value)) {
    throw new ConfigError(name, `expected one scope (${SCOPE_FORMS}) without spaces, got "${value}"`);
  }
  if (!value.endsWith('/.default')) {
    throw new ConfigError(name, `expected a scope ending in /.default (${SCOPE_FORMS}), got "${value}"`);
  }
  const resource = value.slice(0, -'/.default'.length);
  if (resource.includes('/.default') || resource.includes(',')) {
    throw new ConfigError(name, `expected one scope (${SCOPE_FORMS}), got several: "${value}"`);
  }
  if (!UUID.test(resource) && !isAbsoluteUri(resource)) {
    throw new ConfigError(name, `expected ${SCOPE_FORMS}, got "${value}"`);
  }
  return value;
}

function isAbsoluteUri(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:./i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function cron(name: string, value: string): string {
  const fields = value.split(/\s+/).length;
  if ((fields !== 5 && fields !== 6) || !isValidCron(value)) {
    throw new ConfigError(name, `expected a cron expression of 5 or 6 fields such as "0 8 * * *", got "${value}"`);
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(name: string, value: string): void {
  if (!UUID.test(value)) throw new ConfigError(name, `expected a GUID, got "${value}"`);
}

function uuidOrDomain(name: string, value: string): void {
  if (!UUID.test(value) && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(value)) {
    throw new ConfigError(name, `expected a tenant GUID or domain, got "${value}"`);
  }
}

/**
 * The tenants served. The home tenant is `AZURE_TENANT_ID` (the tenant whose Defender data the bot reads), else
 * `BOT_TENANT_ID`; activities carry tenant GUIDs, so the home tenant must be one (a domain cannot be compared).
 */
function parseTenants(
  get: (name: string) => string | undefined,
  known: { botId: string; botTenantId: string; azureTenantId?: string; simulated: boolean },
): TenantConfig {
  const allowed = new Set<string>();
  const rawAllowed = get('ALLOWED_TENANTS');
  if (rawAllowed && rawAllowed.toLowerCase() !== 'none') {
    for (const id of rawAllowed
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!UUID.test(id)) {
        throw new ConfigError('ALLOWED_TENANTS', `expected comma-separated tenant GUIDs (or none), got "${id}"`);
      }
      allowed.add(id.toLowerCase());
    }
  }
  let home: string | undefined;
  if (known.azureTenantId && UUID.test(known.azureTenantId)) home = known.azureTenantId.toLowerCase();
  else if (known.botTenantId) {
    if (!UUID.test(known.botTenantId)) {
      throw new ConfigError('BOT_TENANT_ID', `expected a tenant GUID, got "${known.botTenantId}"`);
    }
    home = known.botTenantId.toLowerCase();
  }
  const named = !!known.azureTenantId || !!known.botTenantId || allowed.size > 0;
  const gate = !!known.botId || !known.simulated || named;
  if (gate && !home) {
    throw new ConfigError(
      'AZURE_TENANT_ID',
      known.azureTenantId
        ? `the tenant gate compares tenant GUIDs: set AZURE_TENANT_ID (or BOT_TENANT_ID) to the home tenant's GUID, not "${known.azureTenantId}"`
        : 'the home tenant is required (activities from other tenants are refused): set AZURE_TENANT_ID or BOT_TENANT_ID to its GUID',
    );
  }
  if (home) allowed.delete(home);
  return { home, allowed, gate };
}

/** True when the gate lets activities of `tenantId` in. */
function served(tenants: TenantConfig, tenantId: string): boolean {
  return !tenants.gate || tenantId === tenants.home || tenants.allowed.has(tenantId);
}

/**
 * An access list: `*` (everyone of the home tenant; with the gate off, everyone), `none`, or comma-separated
 * entries `<object id>` (a person of the home tenant), `<tenant id>/<object id>` (a person of another served
 * tenant) or `<tenant id>/*` (everyone of that tenant).
 */
function accessList(name: string, value: string, tenants: TenantConfig): AccessList {
  const everyoneIn = new Set<string>();
  const people = new Set<string>();
  const home = tenants.home ?? '*';
  if (value.toLowerCase() === 'none') return { everyoneIn, people };
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const expected =
    'expected *, none, or comma-separated Entra object ids (<object id>, <tenant id>/<object id>, <tenant id>/*)';
  for (const entry of entries) {
    if (entry === '*') {
      everyoneIn.add(home);
      continue;
    }
    const parts = entry.toLowerCase().split('/');
    if (parts.length === 1 && UUID.test(parts[0])) {
      people.add(`${home}/${parts[0]}`);
      continue;
    }
    if (parts.length !== 2 || !UUID.test(parts[0]) || !(parts[1] === '*' || UUID.test(parts[1]))) {
      throw new ConfigError(name, `${expected}, got "${entry}"`);
    }
    if (!served(tenants, parts[0])) {
      throw new ConfigError(name, `tenant ${parts[0]} of "${entry}" is not served: add it to ALLOWED_TENANTS`);
    }
    if (parts[1] === '*') everyoneIn.add(parts[0]);
    else people.add(`${parts[0]}/${parts[1]}`);
  }
  return { everyoneIn, people };
}

/** A fraction 0.05-1, or `off`, which only the simulated source takes (it has no quota unless told to). */
function chatShare(value: string, simulated: boolean): number | 'off' {
  if (value.toLowerCase() === 'off') {
    if (!simulated) {
      throw new ConfigError('CHAT_QUOTA_SHARE', 'off is only for the simulated source; expected a fraction 0.05-1');
    }
    return 'off';
  }
  const n = /^\d*\.?\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0.05 && n <= 1)) {
    throw new ConfigError('CHAT_QUOTA_SHARE', `expected a fraction between 0.05 and 1 (or off), got "${value}"`);
  }
  return n;
}

function boolean(name: string, value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(name, `expected true or false, got "${value}"`);
}

/** Someone as access lists know them: Entra object id and tenant. */
export interface Principal {
  /** Entra object id (the Teams user's `aadObjectId`). */
  id: string;
  /** Entra tenant id of the activity that carried them; absent when unknown. */
  tenantId?: string;
}

/** True when `who` is on the list, compared by (tenant, object id), never by the object id alone. */
export function isAllowed(list: AccessList, who: Principal): boolean {
  const tenant = (who.tenantId ?? '').toLowerCase();
  const id = who.id.toLowerCase();
  if (list.everyoneIn.has('*') || (tenant && list.everyoneIn.has(tenant))) return true;
  return list.people.has(`*/${id}`) || (!!tenant && list.people.has(`${tenant}/${id}`));
}
