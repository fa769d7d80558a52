/**
 * Every environment variable Watchstander reads, parsed and validated in one place: one zod schema whose fields are
 * the variables (what each accepts, its default) and whose refinements are the rules between them.
 *
 * `loadConfig` either returns a complete, typed `Config` or throws a `ConfigError` whose message is one line that
 * names the variable and what it accepts; `src/index.ts` prints that line and exits 1. The standalone simulated
 * tenant (`src/simulator/main.ts`) reads its `SIMULATOR_*` settings with the same fields (`loadSimulatorSettings`).
 */
import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
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

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  return parseEnv(configSchema, env);
}

/** Reads the standalone simulated tenant's `SIMULATOR_*` settings; throws `ConfigError` naming the first bad one. */
export function loadSimulatorSettings(env: Env = process.env): SimulatorSettings {
  return parseEnv(simulatorSchema, env);
}

/** Parses the environment; the first refusal, in the order of the schema, becomes the `ConfigError`. */
function parseEnv<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, env: Env): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  throw new ConfigError(String(first.path[0]), first.message);
}

/** Every value trimmed, and a blank one dropped: an empty variable is an unset one. */
function trimmed(env: unknown): Env {
  return Object.fromEntries(Object.entries(env as Env).map(([name, value]) => [name, value?.trim() || undefined]));
}

/**
 * Refuses a variable with `detail` (what it accepts). The refusal is fatal: no rule between variables runs while a
 * variable is bad, so each rule sees well-formed values.
 */
function refuse(ctx: z.RefinementCtx, detail: string, variable?: string): never {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: detail, fatal: true, path: variable ? [variable] : [] });
  return z.NEVER;
}

// ---- what one variable accepts --------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isGuid = (value: string | undefined): value is string => value !== undefined && UUID.test(value);
const commaList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
/** A decimal such as `0.25` or `.5`; NaN for anything else. */
const decimal = (value: string) => (/^\d*\.?\d+$/.test(value) ? Number(value) : NaN);

/** A whole number from `min` to `max`; `what` is how the refusal names the range. */
const integer = (min: number, max: number, what: string) =>
  z.string().transform((value, ctx) => {
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : refuse(ctx, `expected ${what}, got "${value}"`);
  });

/** A fraction from 0 to 1. */
const fraction = z.string().transform((value, ctx) => {
  const n = decimal(value);
  return n >= 0 && n <= 1 ? n : refuse(ctx, `expected a fraction between 0 and 1, got "${value}"`);
});

/** One of `allowed`, in any case; the value is spelled as `allowed` spells it. */
const oneOf = <T extends string>(allowed: readonly T[]) =>
  z
    .string()
    .transform(
      (value, ctx): T =>
        allowed.find((a) => a.toLowerCase() === value.toLowerCase()) ??
        refuse(ctx, `expected one of ${allowed.join(', ')}, got "${value}"`),
    );

const flag = z.string().transform((value, ctx) => {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  return refuse(ctx, `expected true or false, got "${value}"`);
});

/** An absolute URL with one of `protocols`; the refusal asks for https, which every live endpoint needs. */
const url = (...protocols: string[]) =>
  z.string().superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return refuse(ctx, `expected an absolute URL, got "${value}"`);
    }
    if (!protocols.includes(parsed.protocol)) refuse(ctx, `expected an https:// URL, got "${value}"`);
  });
const withoutTrailingSlash = (value: string) => value.replace(/\/+$/, '');
const httpsUrl = url('https:').transform(withoutTrailingSlash);
const httpsUrlAsGiven = url('https:');

/** Text that `accepts` takes; `expected` says what it takes instead. */
const text = (accepts: (value: string) => boolean, expected: (value: string) => string) =>
  z.string().superRefine((value, ctx) => {
    if (!accepts(value)) refuse(ctx, expected(value));
  });

const guid = text(
  (value) => UUID.test(value),
  (value) => `expected a GUID, got "${value}"`,
);
const tenantIdOrDomain = text(
  (value) => UUID.test(value) || /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(value),
  (value) => `expected a tenant GUID or domain, got "${value}"`,
);

const SCOPE_FORMS = 'https://<resource>/.default, api://<resource>/.default or <application id>/.default';

/**
 * One client-credentials scope as Entra takes it: a resource, named by its application ID URI (any absolute URI) or
 * its application id, followed by `/.default`
 * (https://learn.microsoft.com/entra/identity-platform/scenario-daemon-acquire-token).
 */
const scope = z.string().superRefine((value, ctx) => {
  const resource = value.slice(0, -'/.default'.length);
  if (/\s/.test(value)) refuse(ctx, `expected one scope (${SCOPE_FORMS}) without spaces, got "${value}"`);
  else if (!value.endsWith('/.default')) {
    refuse(ctx, `expected a scope ending in /.default (${SCOPE_FORMS}), got "${value}"`);
  } else if (resource.includes('/.default') || resource.includes(',')) {
    refuse(ctx, `expected one scope (${SCOPE_FORMS}), got several: "${value}"`);
  } else if (!UUID.test(resource) && !isAbsoluteUri(resource)) refuse(ctx, `expected ${SCOPE_FORMS}, got "${value}"`);
});

function isAbsoluteUri(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:./i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const cron = text(
  (value) => [5, 6].includes(value.split(/\s+/).length) && isValidCron(value),
  (value) => `expected a cron expression of 5 or 6 fields such as "0 8 * * *", got "${value}"`,
);

const timeZone = text(
  (value) => {
    try {
      return !!new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      return false;
    }
  },
  (value) => `expected an IANA time zone such as Europe/Paris, got "${value}"`,
);

const store = z.string().transform((value, ctx): { kind: 'sqlite'; path: string } | { kind: 'azure' } => {
  if (value === 'azure') return { kind: 'azure' };
  if (!value.startsWith('sqlite:')) return refuse(ctx, `expected sqlite:<path> or azure, got "${value}"`);
  const path = value.slice('sqlite:'.length);
  return path ? { kind: 'sqlite', path } : refuse(ctx, 'expected sqlite:<path> or azure, got "sqlite:" with no path');
});

const tablePrefix = text(
  (value) => /^[A-Za-z][A-Za-z0-9]{0,39}$/.test(value),
  () => 'expected 1-40 letters and digits, starting with a letter',
);

/** Tenant GUIDs (lower case), comma-separated, or `none`. */
const tenantList = z.string().transform((value, ctx) => {
  const ids = value.toLowerCase() === 'none' ? [] : commaList(value);
  const bad = ids.find((id) => !UUID.test(id));
  if (bad !== undefined) return refuse(ctx, `expected comma-separated tenant GUIDs (or none), got "${bad}"`);
  return ids.map((id) => id.toLowerCase());
});

/** One entry of an access list: `tenant` absent = the home tenant; `id` `*` = everyone of that tenant. */
interface AccessEntry {
  entry: string;
  tenant?: string;
  id: string;
}

const ACCESS_FORMS =
  'expected *, none, or comma-separated Entra object ids (<object id>, <tenant id>/<object id>, <tenant id>/*)';

/**
 * An access list: `*` (everyone of the home tenant; with the gate off, everyone), `none`, or comma-separated
 * entries `<object id>` (a person of the home tenant), `<tenant id>/<object id>` (a person of another served
 * tenant) or `<tenant id>/*` (everyone of that tenant).
 */
const accessEntries = z.string().transform((value, ctx) => {
  const entries: AccessEntry[] = [];
  for (const entry of value.toLowerCase() === 'none' ? [] : commaList(value)) {
    const [first, second, ...rest] = entry.toLowerCase().split('/');
    if (entry === '*' || (second === undefined && UUID.test(first))) entries.push({ entry, id: first });
    else if (!rest.length && UUID.test(first) && (second === '*' || UUID.test(second))) {
      entries.push({ entry, tenant: first, id: second });
    } else return refuse(ctx, `${ACCESS_FORMS}, got "${entry}"`);
  }
  return entries;
});

/** A fraction 0.05-1, or `off`. */
const chatShare = z.string().transform((value, ctx) => {
  if (value.toLowerCase() === 'off') return 'off' as const;
  const n = decimal(value);
  return n >= 0.05 && n <= 1 ? n : refuse(ctx, `expected a fraction between 0.05 and 1 (or off), got "${value}"`);
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// ---- the variables --------------------------------------------------------------------------------------------------

/** The simulated tenant's knobs, the same for the embedded tenant and the standalone process. */
const simulatedTenantVariables = z.object({
  SIMULATOR_DEVICES: integer(1, 1_000_000, 'a device count 1-1000000').default('25'),
  SIMULATOR_LATENCY_MS: integer(0, 600_000, 'milliseconds 0-600000').default('0'),
  SIMULATOR_FAULT_RATE: fraction.default('0'),
  SIMULATOR_SEED: integer(0, 2 ** 31 - 1, 'an integer seed').default('42'),
  SIMULATOR_ACTION_STEP_SECONDS: integer(1, 86400, 'seconds 1-86400').default('20'),
  SIMULATOR_INGESTION_DELAY_MINUTES: integer(0, 10_080, 'minutes 0-10080').default('240'),
});

/**
 * Every variable of the bot, in the order a refusal is looked for. A default that depends on another variable
 * (`DEFENDER_SOURCE`, `BOT_TYPE`, `SECURITY_OPERATORS`, `SECURITY_APPROVERS`) is left out here and taken in `toConfig`.
 */
const variables = z.object({
  NODE_ENV: z.string().default('development'),
  DEFENDER_SOURCE: oneOf(['simulated', 'live'] as const).optional(),
  BOT_ID: guid.optional(),
  BOT_TYPE: oneOf(['SingleTenant', 'UserAssignedMsi', 'MultiTenant'] as const).optional(),
  BOT_TENANT_ID: z.string().optional(),
  BOT_PASSWORD: z.string().optional(),
  AZURE_AUTHORITY_HOST: httpsUrl.default('https://login.microsoftonline.com'),
  GRAPH_ENDPOINT: url('https:', 'http:').default('https://graph.microsoft.com'),
  DEFENDER_ENDPOINT: url('https:', 'http:').default('https://api.security.microsoft.com'),
  DEFENDER_SCOPE: scope.default('https://api.securitycenter.microsoft.com/.default'),
  AZURE_TENANT_ID: z.string().optional(),
  AZURE_CLIENT_ID: z.string().optional(),
  AZURE_CLIENT_SECRET: z.string().optional(),
  AZURE_CLIENT_CERTIFICATE_PATH: z.string().optional(),
  STORE: store.default('sqlite:.data/watchstander.db'),
  AZURE_STORAGE_CONNECTION_STRING: z.string().optional(),
  AZURE_STORAGE_ACCOUNT_URL: z.string().optional(),
  AZURE_STORAGE_TABLE_PREFIX: z.string().default('watchstander'),
  DIGEST_TIMEZONE: timeZone.default('UTC'),
  ALLOWED_TENANTS: tenantList.default('none'),
  PORT: integer(1, 65535, 'a TCP port 1-65535').default('3978'),
  DEFENDER_TIMEOUT_MS: integer(100, 600_000, 'milliseconds 100-600000').default('30000'),
  DEFENDER_PORTAL_URL: httpsUrl.default('https://security.microsoft.com'),
  DIGEST_DAILY_CRON: cron.default('0 8 * * *'),
  DIGEST_WEEKLY_CRON: cron.default('30 8 * * 1'),
  DIGEST_MONTHLY_CRON: cron.default('0 9 1 * *'),
  DIGEST_FIRE_LEASE_SECONDS: integer(2, 3600, 'seconds 2-3600').default('120'),
  DIGEST_LATE_ARRIVAL_HOURS: integer(0, 168, 'hours 0-168').default('6'),
  DIGEST_CATCHUP_SECONDS: integer(1, 86400, 'seconds 1-86400').default('60'),
  ALLOW_EXTERNAL_MEMBERS: flag.default('false'),
  CHAT_QUOTA_SHARE: chatShare.default(String(CHAT_SHARE)),
  COMMAND_LIMIT_PER_PERSON: integer(1, 1_000_000, 'commands a minute 1-1000000').default('10'),
  COMMAND_LIMIT_PER_CONVERSATION: integer(1, 1_000_000, 'commands a minute 1-1000000').default('30'),
  SECURITY_OPERATORS: accessEntries.optional(),
  SECURITY_APPROVERS: accessEntries.optional(),
  APPROVAL_TTL_HOURS: integer(1, 24 * 30, 'hours 1-720').default('24'),
  TRACKER_POLL_SECONDS: integer(1, 60, 'seconds 1-60').default('5'),
  LOG_LEVEL: oneOf(LOG_LEVELS).default('info'),
  SIMULATOR_URL: url('https:', 'http:').transform(withoutTrailingSlash).optional(),
  ...simulatedTenantVariables.shape,
});

type Variables = z.output<typeof variables>;

/** The bot's configuration: each variable, then each rule between variables, then the `Config` they make. */
const configSchema = z
  .preprocess(trimmed, variables)
  .superRefine(productionNeedsIdentityAndExplicitSimulation)
  .superRefine(botIdentityComplete)
  .superRefine(liveEndpointsUseHttps)
  .superRefine(liveCredentialsComplete)
  .superRefine(azureStorageComplete)
  .superRefine(homeTenantKnown)
  .superRefine(chatQuotaOffOnlySimulated)
  .superRefine(accessListTenantsServed)
  .transform(toConfig);

/** The standalone simulated tenant: the same knobs as the embedded one, where to listen, and a few of its own. */
const simulatorSchema = z
  .preprocess(
    trimmed,
    simulatedTenantVariables.extend({
      SIMULATOR_PORT: integer(0, 65535, 'a TCP port 0-65535 (0 = any free port)').default('0'),
      SIMULATOR_HOST: z.string().default('127.0.0.1'),
      SIMULATOR_INCIDENTS: integer(0, 10_000_000, 'an incident count 0-10000000').optional(),
      SIMULATOR_ALERTS: integer(0, 10_000_000, 'an alert count 0-10000000').optional(),
      SIMULATOR_ALERT_INTERVAL_MINUTES: integer(0, 10_080, 'minutes 0-10080').optional(),
      SIMULATOR_MERGE_RATE: fraction.optional(),
      SIMULATOR_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000, 'requests a minute 1-1000000').optional(),
      SIMULATOR_REQUIRE_AUTH: flag.default('false'),
    }),
  )
  .transform((v) => ({
    ...simulatedTenantOf(v),
    port: v.SIMULATOR_PORT,
    host: v.SIMULATOR_HOST,
    /** Seeded incidents and alerts; absent, they scale with the devices. */
    incidents: v.SIMULATOR_INCIDENTS,
    alerts: v.SIMULATOR_ALERTS,
    /** Absent: the tenant's defaults. */
    alertIntervalMinutes: v.SIMULATOR_ALERT_INTERVAL_MINUTES,
    mergeRate: v.SIMULATOR_MERGE_RATE,
    rateLimitPerMinute: v.SIMULATOR_RATE_LIMIT_PER_MINUTE,
    requireAuth: v.SIMULATOR_REQUIRE_AUTH,
  }));

/** The standalone simulated tenant's settings: the embedded tenant's knobs, where to listen, and its own. */
export type SimulatorSettings = z.output<typeof simulatorSchema>;

// ---- the rules between variables ------------------------------------------------------------------------------------

const sourceOf = (v: Variables): DefenderSource => v.DEFENDER_SOURCE ?? (v.AZURE_CLIENT_ID ? 'live' : 'simulated');
const botTypeOf = (v: Variables): BotType => v.BOT_TYPE ?? (v.BOT_ID ? 'SingleTenant' : 'MultiTenant');

/** Production never runs unauthenticated, nor on the simulated tenant unless it is asked for by name (SPEC §5). */
function productionNeedsIdentityAndExplicitSimulation(v: Variables, ctx: z.RefinementCtx): void {
  if (v.NODE_ENV !== 'production') return;
  if (!v.DEFENDER_SOURCE && sourceOf(v) === 'simulated') {
    return refuse(
      ctx,
      'NODE_ENV=production refuses the simulated tenant unless DEFENDER_SOURCE=simulated is set explicitly',
      'DEFENDER_SOURCE',
    );
  }
  if (!v.BOT_ID) {
    refuse(ctx, 'required when NODE_ENV=production (an empty BOT_ID turns request authentication off)', 'BOT_ID');
  }
}

/** A bot identity needs its tenant unless multi-tenant, and its password unless a managed identity. */
function botIdentityComplete(v: Variables, ctx: z.RefinementCtx): void {
  if (!v.BOT_ID) return;
  const type = botTypeOf(v);
  if (type !== 'MultiTenant' && !v.BOT_TENANT_ID) return refuse(ctx, `required when BOT_TYPE=${type}`, 'BOT_TENANT_ID');
  if (type !== 'UserAssignedMsi' && !v.BOT_PASSWORD) {
    refuse(ctx, `required when BOT_ID is set and BOT_TYPE=${type}`, 'BOT_PASSWORD');
  }
}

/** Live endpoints must be https; the simulated tenant may be plain http on loopback. */
function liveEndpointsUseHttps(v: Variables, ctx: z.RefinementCtx): void {
  if (sourceOf(v) === 'simulated') return;
  for (const variable of ['GRAPH_ENDPOINT', 'DEFENDER_ENDPOINT'] as const) {
    const value = v[variable];
    if (new URL(value).protocol !== 'https:') return refuse(ctx, `expected an https:// URL, got "${value}"`, variable);
  }
}

/** A client secret or certificate needs its tenant and client; the live tenant is a GUID or a domain. */
function liveCredentialsComplete(v: Variables, ctx: z.RefinementCtx): void {
  if (sourceOf(v) !== 'live') return;
  const detail = 'required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH';
  if (v.AZURE_CLIENT_SECRET || v.AZURE_CLIENT_CERTIFICATE_PATH) {
    if (!v.AZURE_TENANT_ID) return refuse(ctx, detail, 'AZURE_TENANT_ID');
    if (!v.AZURE_CLIENT_ID) return refuse(ctx, detail, 'AZURE_CLIENT_ID');
  }
  checkWhenUsed(ctx, 'AZURE_TENANT_ID', tenantIdOrDomain, v.AZURE_TENANT_ID);
}

/** `STORE=azure` needs a connection string or an https account URL, and a valid table prefix. */
function azureStorageComplete(v: Variables, ctx: z.RefinementCtx): void {
  if (v.STORE.kind !== 'azure') return;
  if (!v.AZURE_STORAGE_CONNECTION_STRING && !v.AZURE_STORAGE_ACCOUNT_URL) {
    return refuse(
      ctx,
      'STORE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL',
      'AZURE_STORAGE_CONNECTION_STRING',
    );
  }
  checkWhenUsed(ctx, 'AZURE_STORAGE_ACCOUNT_URL', httpsUrlAsGiven, v.AZURE_STORAGE_ACCOUNT_URL);
  checkWhenUsed(ctx, 'AZURE_STORAGE_TABLE_PREFIX', tablePrefix, v.AZURE_STORAGE_TABLE_PREFIX);
}

/** Checks a variable that matters only when another one selects it, with that variable's own schema. */
function checkWhenUsed(ctx: z.RefinementCtx, variable: string, schema: z.ZodTypeAny, value?: string): void {
  const result = value === undefined ? undefined : schema.safeParse(value);
  if (result && !result.success) refuse(ctx, result.error.issues[0].message, variable);
}

/**
 * The home tenant is `AZURE_TENANT_ID` (the tenant whose Defender data the bot reads), else `BOT_TENANT_ID`;
 * activities carry tenant GUIDs, so with the gate on the home tenant must be known as one.
 */
function homeTenantKnown(v: Variables, ctx: z.RefinementCtx): void {
  if (!isGuid(v.AZURE_TENANT_ID) && v.BOT_TENANT_ID && !isGuid(v.BOT_TENANT_ID)) {
    return refuse(ctx, `expected a tenant GUID, got "${v.BOT_TENANT_ID}"`, 'BOT_TENANT_ID');
  }
  const { gate, home } = tenantsOf(v);
  if (!gate || home) return;
  refuse(
    ctx,
    v.AZURE_TENANT_ID
      ? `the tenant gate compares tenant GUIDs: set AZURE_TENANT_ID (or BOT_TENANT_ID) to the home tenant's GUID, not "${v.AZURE_TENANT_ID}"`
      : 'the home tenant is required (activities from other tenants are refused): set AZURE_TENANT_ID or BOT_TENANT_ID to its GUID',
    'AZURE_TENANT_ID',
  );
}

/** Only the simulated source, which has no quota unless told to, may take chat off the quota shield. */
function chatQuotaOffOnlySimulated(v: Variables, ctx: z.RefinementCtx): void {
  if (v.CHAT_QUOTA_SHARE === 'off' && sourceOf(v) !== 'simulated') {
    refuse(ctx, 'off is only for the simulated source; expected a fraction 0.05-1', 'CHAT_QUOTA_SHARE');
  }
}

/** An access list names people of served tenants only. */
function accessListTenantsServed(v: Variables, ctx: z.RefinementCtx): void {
  const tenants = tenantsOf(v);
  for (const variable of ['SECURITY_OPERATORS', 'SECURITY_APPROVERS'] as const) {
    const stranger = v[variable]?.find((e) => e.tenant !== undefined && !served(tenants, e.tenant));
    if (stranger) {
      const detail = `tenant ${stranger.tenant} of "${stranger.entry}" is not served: add it to ALLOWED_TENANTS`;
      return refuse(ctx, detail, variable);
    }
  }
}

// ---- the configuration they make ------------------------------------------------------------------------------------

/**
 * The gate is on whenever the bot authenticates, on the live source, and whenever a tenant is named; only local mode
 * on the simulated source with no tenant named serves everyone.
 */
function tenantsOf(v: Variables): TenantConfig {
  const home = isGuid(v.AZURE_TENANT_ID) ? v.AZURE_TENANT_ID : v.BOT_TENANT_ID;
  const named = !!v.AZURE_TENANT_ID || !!v.BOT_TENANT_ID || v.ALLOWED_TENANTS.length > 0;
  const gate = !!v.BOT_ID || sourceOf(v) === 'live' || named;
  const allowed = new Set(v.ALLOWED_TENANTS);
  if (home) allowed.delete(home.toLowerCase());
  return { home: home?.toLowerCase(), allowed, gate };
}

/** True when the gate lets activities of `tenantId` in. */
function served(tenants: TenantConfig, tenantId: string): boolean {
  return !tenants.gate || tenantId === tenants.home || tenants.allowed.has(tenantId);
}

/** Everyone of the home tenant: the access lists' default on the simulated source. */
const EVERYONE: AccessEntry[] = [{ entry: '*', id: '*' }];

function accessListOf(entries: AccessEntry[], tenants: TenantConfig): AccessList {
  const everyoneIn = new Set<string>();
  const people = new Set<string>();
  for (const { tenant = tenants.home ?? '*', id } of entries) {
    if (id === '*') everyoneIn.add(tenant);
    else people.add(`${tenant}/${id}`);
  }
  return { everyoneIn, people };
}

function simulatedTenantOf(v: z.output<typeof simulatedTenantVariables>): Omit<SimulatorConfig, 'url'> {
  return {
    devices: v.SIMULATOR_DEVICES,
    latencyMs: v.SIMULATOR_LATENCY_MS,
    faultRate: v.SIMULATOR_FAULT_RATE,
    seed: v.SIMULATOR_SEED,
    actionStepSeconds: v.SIMULATOR_ACTION_STEP_SECONDS,
    ingestionDelayMinutes: v.SIMULATOR_INGESTION_DELAY_MINUTES,
  };
}

/** Maps the checked variables onto `Config`, taking the defaults that depend on other variables. */
function toConfig(v: Variables): Config {
  const defenderSource = sourceOf(v);
  const tenants = tenantsOf(v);
  const defaultAccess = defenderSource === 'simulated' ? EVERYONE : [];
  const graphEndpoint = withoutTrailingSlash(v.GRAPH_ENDPOINT);
  const { STORE, AZURE_STORAGE_CONNECTION_STRING: connectionString, AZURE_STORAGE_ACCOUNT_URL: accountUrl } = v;
  return {
    nodeEnv: v.NODE_ENV,
    port: v.PORT,
    bot: { id: v.BOT_ID ?? '', password: v.BOT_PASSWORD ?? '', type: botTypeOf(v), tenantId: v.BOT_TENANT_ID ?? '' },
    defenderSource,
    azure: {
      tenantId: v.AZURE_TENANT_ID,
      clientId: v.AZURE_CLIENT_ID,
      clientSecret: v.AZURE_CLIENT_SECRET,
      certificatePath: v.AZURE_CLIENT_CERTIFICATE_PATH,
      authorityHost: v.AZURE_AUTHORITY_HOST,
    },
    graphEndpoint,
    graphScope: `${graphEndpoint}/.default`,
    defenderEndpoint: withoutTrailingSlash(v.DEFENDER_ENDPOINT),
    defenderScope: v.DEFENDER_SCOPE,
    defenderTimeoutMs: v.DEFENDER_TIMEOUT_MS,
    portalUrl: v.DEFENDER_PORTAL_URL,
    store:
      STORE.kind === 'sqlite'
        ? STORE
        : { ...STORE, connectionString, accountUrl, tablePrefix: v.AZURE_STORAGE_TABLE_PREFIX },
    digest: {
      dailyCron: v.DIGEST_DAILY_CRON,
      weeklyCron: v.DIGEST_WEEKLY_CRON,
      monthlyCron: v.DIGEST_MONTHLY_CRON,
      timezone: v.DIGEST_TIMEZONE,
      fireLeaseSeconds: v.DIGEST_FIRE_LEASE_SECONDS,
      lateArrivalHours: v.DIGEST_LATE_ARRIVAL_HOURS,
    },
    catchUpSeconds: v.DIGEST_CATCHUP_SECONDS,
    tenants,
    allowExternalMembers: v.ALLOW_EXTERNAL_MEMBERS,
    chatQuotaShare: v.CHAT_QUOTA_SHARE,
    commandLimits: { perPerson: v.COMMAND_LIMIT_PER_PERSON, perConversation: v.COMMAND_LIMIT_PER_CONVERSATION },
    operators: accessListOf(v.SECURITY_OPERATORS ?? defaultAccess, tenants),
    approvers: accessListOf(v.SECURITY_APPROVERS ?? defaultAccess, tenants),
    approvalTtlHours: v.APPROVAL_TTL_HOURS,
    trackerPollSeconds: v.TRACKER_POLL_SECONDS,
    logLevel: v.LOG_LEVEL,
    simulator: { url: v.SIMULATOR_URL, ...simulatedTenantOf(v) },
  };
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
