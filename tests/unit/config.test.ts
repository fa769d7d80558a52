/**
 * The configuration, table-driven: every refusal (an environment → the one line that names the variable and what it
 * accepts, which `src/index.ts` prints before exiting 1), every default, and the forms each variable accepts. One
 * end-to-end test (tests/e2e/foundation.test.ts) proves that a refusal stops the real start with that line.
 */
import { ConfigError, loadConfig, loadSimulatorSettings, type Config } from '../../src/config';

type Env = Record<string, string>;

const HOME = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PARTNER = '3c1d2e4f-aaaa-4bbb-8ccc-0d1e2f3a4b5c';
const STRANGER = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';
const ANN = '6a1f4c2e-1111-4a5b-9c3d-000000000001';
const BOT_ID = '0b7c6f0e-2f3b-4a9e-9d2b-4d1e2f3a4b5c';
/** The Defender for Endpoint API (WindowsDefenderATP) application id, as docs/permissions.md lists it. */
const DEFENDER_APP_ID = 'fc780465-2017-40d4-a0c5-307022471b92';
const SCOPE_FORMS = 'https://<resource>/.default, api://<resource>/.default or <application id>/.default';
const ACCESS_FORMS =
  'expected *, none, or comma-separated Entra object ids (<object id>, <tenant id>/<object id>, <tenant id>/*)';

/** The live source with its home tenant: the smallest live configuration that starts. */
const LIVE: Env = { DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: HOME };
/** A Bot Framework identity of a single-tenant bot. */
const IDENTITY: Env = { BOT_ID, BOT_PASSWORD: 'Xy8Q~secret', BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: HOME };
/** A production start on the simulated source, asked for by name. */
const PRODUCTION: Env = { NODE_ENV: 'production', DEFENDER_SOURCE: 'simulated', ...IDENTITY };

/** The `ConfigError` that `load(env)` throws. */
function refusalOf(load: (env: Env) => unknown, env: Env): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

const REFUSALS: [Env, string][] = [
  // one variable at a time
  [
    { NODE_ENV: 'production', ...IDENTITY },
    'DEFENDER_SOURCE: NODE_ENV=production refuses the simulated tenant unless DEFENDER_SOURCE=simulated is set explicitly',
  ],
  [{ DEFENDER_SOURCE: 'cloud' }, 'DEFENDER_SOURCE: expected one of simulated, live, got "cloud"'],
  [
    { ...PRODUCTION, BOT_ID: '' },
    'BOT_ID: required when NODE_ENV=production (an empty BOT_ID turns request authentication off)',
  ],
  [{ ...IDENTITY, BOT_ID: 'my-bot' }, 'BOT_ID: expected a GUID, got "my-bot"'],
  [
    { ...IDENTITY, BOT_TYPE: 'SystemAssignedMsi' },
    'BOT_TYPE: expected one of SingleTenant, UserAssignedMsi, MultiTenant, got "SystemAssignedMsi"',
  ],
  [{ ...IDENTITY, BOT_TENANT_ID: '' }, 'BOT_TENANT_ID: required when BOT_TYPE=SingleTenant'],
  [
    { ...IDENTITY, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: ' ' },
    'BOT_TENANT_ID: required when BOT_TYPE=UserAssignedMsi',
  ],
  [
    { BOT_TENANT_ID: 'contoso.onmicrosoft.com' },
    'BOT_TENANT_ID: expected a tenant GUID, got "contoso.onmicrosoft.com"',
  ],
  [{ ...IDENTITY, BOT_PASSWORD: '' }, 'BOT_PASSWORD: required when BOT_ID is set and BOT_TYPE=SingleTenant'],
  [
    { BOT_ID, BOT_TYPE: 'MultiTenant', BOT_PASSWORD: 'x' },
    'AZURE_TENANT_ID: the home tenant is required (activities from other tenants are refused): set AZURE_TENANT_ID or BOT_TENANT_ID to its GUID',
  ],
  [
    { DEFENDER_SOURCE: 'live' },
    'AZURE_TENANT_ID: the home tenant is required (activities from other tenants are refused): set AZURE_TENANT_ID or BOT_TENANT_ID to its GUID',
  ],
  [
    { ...LIVE, AZURE_TENANT_ID: 'contoso.onmicrosoft.com' },
    `AZURE_TENANT_ID: the tenant gate compares tenant GUIDs: set AZURE_TENANT_ID (or BOT_TENANT_ID) to the home tenant's GUID, not "contoso.onmicrosoft.com"`,
  ],
  [
    { ...LIVE, AZURE_TENANT_ID: 'not a tenant', BOT_TENANT_ID: HOME },
    'AZURE_TENANT_ID: expected a tenant GUID or domain, got "not a tenant"',
  ],
  [
    { AZURE_CLIENT_ID: ANN, AZURE_CLIENT_SECRET: 's', BOT_TENANT_ID: HOME },
    'AZURE_TENANT_ID: required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
  ],
  [
    { ...LIVE, AZURE_CLIENT_CERTIFICATE_PATH: '/certs/watch.pem' },
    'AZURE_CLIENT_ID: required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
  ],
  [
    { AZURE_AUTHORITY_HOST: 'login.microsoftonline.com' },
    'AZURE_AUTHORITY_HOST: expected an absolute URL, got "login.microsoftonline.com"',
  ],
  [
    { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:8443' },
    'AZURE_AUTHORITY_HOST: expected an https:// URL, got "http://127.0.0.1:8443"',
  ],
  [{ GRAPH_ENDPOINT: 'graph' }, 'GRAPH_ENDPOINT: expected an absolute URL, got "graph"'],
  [{ GRAPH_ENDPOINT: 'ftp://graph.example' }, 'GRAPH_ENDPOINT: expected an https:// URL, got "ftp://graph.example"'],
  [
    { ...LIVE, GRAPH_ENDPOINT: 'http://127.0.0.1:4000/' },
    'GRAPH_ENDPOINT: expected an https:// URL, got "http://127.0.0.1:4000/"',
  ],
  [
    { DEFENDER_ENDPOINT: '//api.security.microsoft.com' },
    'DEFENDER_ENDPOINT: expected an absolute URL, got "//api.security.microsoft.com"',
  ],
  [
    { ...LIVE, DEFENDER_ENDPOINT: 'http://127.0.0.1:4000' },
    'DEFENDER_ENDPOINT: expected an https:// URL, got "http://127.0.0.1:4000"',
  ],
  [
    { DEFENDER_SCOPE: 'https://api.securitycenter.microsoft.com' },
    `DEFENDER_SCOPE: expected a scope ending in /.default (${SCOPE_FORMS}), got "https://api.securitycenter.microsoft.com"`,
  ],
  [
    { DEFENDER_SCOPE: 'https://api.securitycenter.microsoft.com/Machine.Read' },
    `DEFENDER_SCOPE: expected a scope ending in /.default (${SCOPE_FORMS}), got "https://api.securitycenter.microsoft.com/Machine.Read"`,
  ],
  [
    { DEFENDER_SCOPE: `api://${DEFENDER_APP_ID} /.default` },
    `DEFENDER_SCOPE: expected one scope (${SCOPE_FORMS}) without spaces, got "api://${DEFENDER_APP_ID} /.default"`,
  ],
  [
    { DEFENDER_SCOPE: `${DEFENDER_APP_ID}/.default https://graph.microsoft.com/.default` },
    `DEFENDER_SCOPE: expected one scope (${SCOPE_FORMS}) without spaces, got "${DEFENDER_APP_ID}/.default https://graph.microsoft.com/.default"`,
  ],
  [
    { DEFENDER_SCOPE: `${DEFENDER_APP_ID}/.default,https://graph.microsoft.com/.default` },
    `DEFENDER_SCOPE: expected one scope (${SCOPE_FORMS}), got several: "${DEFENDER_APP_ID}/.default,https://graph.microsoft.com/.default"`,
  ],
  [{ DEFENDER_SCOPE: '/.default' }, `DEFENDER_SCOPE: expected ${SCOPE_FORMS}, got "/.default"`],
  [
    { DEFENDER_SCOPE: 'windowsdefenderatp/.default' },
    `DEFENDER_SCOPE: expected ${SCOPE_FORMS}, got "windowsdefenderatp/.default"`,
  ],
  [
    { DEFENDER_SCOPE: 'fc780465-2017-40d4-a0c5/.default' },
    `DEFENDER_SCOPE: expected ${SCOPE_FORMS}, got "fc780465-2017-40d4-a0c5/.default"`,
  ],
  [{ DEFENDER_SCOPE: 'https:///.default' }, `DEFENDER_SCOPE: expected ${SCOPE_FORMS}, got "https:///.default"`],
  [{ DEFENDER_TIMEOUT_MS: '99' }, 'DEFENDER_TIMEOUT_MS: expected milliseconds 100-600000, got "99"'],
  [
    { DEFENDER_PORTAL_URL: 'http://security.microsoft.com' },
    'DEFENDER_PORTAL_URL: expected an https:// URL, got "http://security.microsoft.com"',
  ],
  [{ STORE: 'redis' }, 'STORE: expected sqlite:<path> or azure, got "redis"'],
  [{ STORE: 'sqlite:' }, 'STORE: expected sqlite:<path> or azure, got "sqlite:" with no path'],
  [
    { STORE: 'azure' },
    'AZURE_STORAGE_CONNECTION_STRING: STORE=azure needs AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL',
  ],
  [
    { STORE: 'azure', AZURE_STORAGE_ACCOUNT_URL: 'http://watch.table.core.windows.net' },
    'AZURE_STORAGE_ACCOUNT_URL: expected an https:// URL, got "http://watch.table.core.windows.net"',
  ],
  [
    { STORE: 'azure', AZURE_STORAGE_ACCOUNT_URL: 'watch' },
    'AZURE_STORAGE_ACCOUNT_URL: expected an absolute URL, got "watch"',
  ],
  [
    {
      STORE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      AZURE_STORAGE_TABLE_PREFIX: 'watch-1',
    },
    'AZURE_STORAGE_TABLE_PREFIX: expected 1-40 letters and digits, starting with a letter',
  ],
  [
    { DIGEST_DAILY_CRON: '0 8 * *' },
    'DIGEST_DAILY_CRON: expected a cron expression of 5 or 6 fields such as "0 8 * * *", got "0 8 * *"',
  ],
  [
    { DIGEST_WEEKLY_CRON: '30 25 * * 1' },
    'DIGEST_WEEKLY_CRON: expected a cron expression of 5 or 6 fields such as "0 8 * * *", got "30 25 * * 1"',
  ],
  [
    { DIGEST_MONTHLY_CRON: '0 0 9 1 * * *' },
    'DIGEST_MONTHLY_CRON: expected a cron expression of 5 or 6 fields such as "0 8 * * *", got "0 0 9 1 * * *"',
  ],
  [
    { DIGEST_TIMEZONE: 'Europe/Atlantis' },
    'DIGEST_TIMEZONE: expected an IANA time zone such as Europe/Paris, got "Europe/Atlantis"',
  ],
  [{ DIGEST_FIRE_LEASE_SECONDS: '1' }, 'DIGEST_FIRE_LEASE_SECONDS: expected seconds 2-3600, got "1"'],
  [{ DIGEST_LATE_ARRIVAL_HOURS: '169' }, 'DIGEST_LATE_ARRIVAL_HOURS: expected hours 0-168, got "169"'],
  [{ DIGEST_CATCHUP_SECONDS: '0' }, 'DIGEST_CATCHUP_SECONDS: expected seconds 1-86400, got "0"'],
  [
    { ALLOWED_TENANTS: `${PARTNER},contoso.com` },
    'ALLOWED_TENANTS: expected comma-separated tenant GUIDs (or none), got "contoso.com"',
  ],
  [{ ALLOW_EXTERNAL_MEMBERS: 'maybe' }, 'ALLOW_EXTERNAL_MEMBERS: expected true or false, got "maybe"'],
  [{ CHAT_QUOTA_SHARE: '2' }, 'CHAT_QUOTA_SHARE: expected a fraction between 0.05 and 1 (or off), got "2"'],
  [{ CHAT_QUOTA_SHARE: '0.04' }, 'CHAT_QUOTA_SHARE: expected a fraction between 0.05 and 1 (or off), got "0.04"'],
  [
    { ...LIVE, CHAT_QUOTA_SHARE: 'off' },
    'CHAT_QUOTA_SHARE: off is only for the simulated source; expected a fraction 0.05-1',
  ],
  [{ COMMAND_LIMIT_PER_PERSON: '0' }, 'COMMAND_LIMIT_PER_PERSON: expected commands a minute 1-1000000, got "0"'],
  [
    { COMMAND_LIMIT_PER_CONVERSATION: '1000001' },
    'COMMAND_LIMIT_PER_CONVERSATION: expected commands a minute 1-1000000, got "1000001"',
  ],
  [{ SECURITY_OPERATORS: 'ann@contoso.com' }, `SECURITY_OPERATORS: ${ACCESS_FORMS}, got "ann@contoso.com"`],
  [{ SECURITY_OPERATORS: `${ANN}, */*` }, `SECURITY_OPERATORS: ${ACCESS_FORMS}, got "*/*"`],
  [{ SECURITY_APPROVERS: `${PARTNER}/${ANN}/x` }, `SECURITY_APPROVERS: ${ACCESS_FORMS}, got "${PARTNER}/${ANN}/x"`],
  [
    { ...LIVE, SECURITY_OPERATORS: `${STRANGER}/${ANN}` },
    `SECURITY_OPERATORS: tenant ${STRANGER} of "${STRANGER}/${ANN}" is not served: add it to ALLOWED_TENANTS`,
  ],
  [
    { ...LIVE, ALLOWED_TENANTS: PARTNER, SECURITY_APPROVERS: `${PARTNER}/*,${STRANGER}/*` },
    `SECURITY_APPROVERS: tenant ${STRANGER} of "${STRANGER}/*" is not served: add it to ALLOWED_TENANTS`,
  ],
  [{ APPROVAL_TTL_HOURS: '721' }, 'APPROVAL_TTL_HOURS: expected hours 1-720, got "721"'],
  [{ TRACKER_POLL_SECONDS: '61' }, 'TRACKER_POLL_SECONDS: expected seconds 1-60, got "61"'],
  [
    { LOG_LEVEL: 'verbose' },
    'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
  ],
  [{ PORT: 'abc' }, 'PORT: expected a TCP port 1-65535, got "abc"'],
  [{ PORT: '65536' }, 'PORT: expected a TCP port 1-65535, got "65536"'],
  [{ SIMULATOR_URL: 'localhost:4000' }, 'SIMULATOR_URL: expected an https:// URL, got "localhost:4000"'],
  [{ SIMULATOR_URL: 'localhost' }, 'SIMULATOR_URL: expected an absolute URL, got "localhost"'],
  [{ SIMULATOR_DEVICES: '0' }, 'SIMULATOR_DEVICES: expected a device count 1-1000000, got "0"'],
  [{ SIMULATOR_LATENCY_MS: '-1' }, 'SIMULATOR_LATENCY_MS: expected milliseconds 0-600000, got "-1"'],
  [{ SIMULATOR_FAULT_RATE: '1.5' }, 'SIMULATOR_FAULT_RATE: expected a fraction between 0 and 1, got "1.5"'],
  [{ SIMULATOR_SEED: '2147483648' }, 'SIMULATOR_SEED: expected an integer seed, got "2147483648"'],
  [{ SIMULATOR_ACTION_STEP_SECONDS: '1.5' }, 'SIMULATOR_ACTION_STEP_SECONDS: expected seconds 1-86400, got "1.5"'],
  [
    { SIMULATOR_INGESTION_DELAY_MINUTES: '10081' },
    'SIMULATOR_INGESTION_DELAY_MINUTES: expected minutes 0-10080, got "10081"',
  ],
  // several bad at once: each variable is checked first, in the order of the table, then the rules between them
  [{ PORT: 'abc', LOG_LEVEL: 'verbose' }, 'PORT: expected a TCP port 1-65535, got "abc"'],
  [{ NODE_ENV: 'production', PORT: 'abc' }, 'PORT: expected a TCP port 1-65535, got "abc"'],
];

test.each(REFUSALS)('%j is refused with one line: %s', (env, line) => {
  const refusal = refusalOf(loadConfig, env);
  expect(refusal.variable).toBe(line.split(':')[0]);
  expect(refusal.message).toBe(line);
  expect(refusal.message).not.toContain('\n');
});

/** The standalone simulated tenant's own variables (`npm run simulator`); the bot does not read them. */
const SIMULATOR_REFUSALS: [Env, string][] = [
  [{ SIMULATOR_PORT: '65536' }, 'SIMULATOR_PORT: expected a TCP port 0-65535 (0 = any free port), got "65536"'],
  [{ SIMULATOR_INCIDENTS: 'some' }, 'SIMULATOR_INCIDENTS: expected an incident count 0-10000000, got "some"'],
  [{ SIMULATOR_ALERTS: '10000001' }, 'SIMULATOR_ALERTS: expected an alert count 0-10000000, got "10000001"'],
  [
    { SIMULATOR_ALERT_INTERVAL_MINUTES: '10081' },
    'SIMULATOR_ALERT_INTERVAL_MINUTES: expected minutes 0-10080, got "10081"',
  ],
  [{ SIMULATOR_MERGE_RATE: '2' }, 'SIMULATOR_MERGE_RATE: expected a fraction between 0 and 1, got "2"'],
  [
    { SIMULATOR_RATE_LIMIT_PER_MINUTE: '0' },
    'SIMULATOR_RATE_LIMIT_PER_MINUTE: expected requests a minute 1-1000000, got "0"',
  ],
  [{ SIMULATOR_REQUIRE_AUTH: 'on' }, 'SIMULATOR_REQUIRE_AUTH: expected true or false, got "on"'],
];

test.each(SIMULATOR_REFUSALS)('the standalone simulator refuses %j with one line: %s', (env, line) => {
  expect(refusalOf(loadSimulatorSettings, env).message).toBe(line);
});

test("the bot leaves the standalone simulator's own variables alone", () => {
  expect(() => loadConfig(Object.assign({}, ...SIMULATOR_REFUSALS.map(([env]) => env)))).not.toThrow();
});

test('the standalone simulator reads the knobs the bot reads, with the same defaults', () => {
  const { url, ...knobs } = loadConfig({}).simulator;
  expect(url).toBeUndefined();
  expect(loadSimulatorSettings({})).toEqual({ ...knobs, port: 0, host: '127.0.0.1', requireAuth: false });
  const env = { SIMULATOR_DEVICES: '40', SIMULATOR_FAULT_RATE: '0.1', SIMULATOR_INGESTION_DELAY_MINUTES: '9' };
  const { url: none, ...embedded } = loadConfig(env).simulator;
  expect(none).toBeUndefined();
  expect(loadSimulatorSettings(env)).toMatchObject(embedded);
  expect(refusalOf(loadSimulatorSettings, { SIMULATOR_SEED: '-1' }).message).toBe(
    refusalOf(loadConfig, { SIMULATOR_SEED: '-1' }).message,
  );
});

test('the defaults: local mode on the simulated tenant, everyone an operator and an approver', () => {
  const defaults: Config = {
    nodeEnv: 'development',
    port: 3978,
    bot: { id: '', password: '', type: 'MultiTenant', tenantId: '' },
    defenderSource: 'simulated',
    azure: { authorityHost: 'https://login.microsoftonline.com' },
    graphEndpoint: 'https://graph.microsoft.com',
    graphScope: 'https://graph.microsoft.com/.default',
    defenderEndpoint: 'https://api.security.microsoft.com',
    defenderScope: 'https://api.securitycenter.microsoft.com/.default',
    defenderTimeoutMs: 30000,
    portalUrl: 'https://security.microsoft.com',
    store: { kind: 'sqlite', path: '.data/watchstander.db' },
    digest: {
      dailyCron: '0 8 * * *',
      weeklyCron: '30 8 * * 1',
      monthlyCron: '0 9 1 * *',
      timezone: 'UTC',
      fireLeaseSeconds: 120,
      lateArrivalHours: 6,
    },
    catchUpSeconds: 60,
    tenants: { home: undefined, allowed: new Set(), gate: false },
    allowExternalMembers: false,
    chatQuotaShare: 0.5,
    commandLimits: { perPerson: 10, perConversation: 30 },
    operators: { everyoneIn: new Set(['*']), people: new Set() },
    approvers: { everyoneIn: new Set(['*']), people: new Set() },
    approvalTtlHours: 24,
    trackerPollSeconds: 5,
    logLevel: 'info',
    simulator: { devices: 25, latencyMs: 0, faultRate: 0, seed: 42, actionStepSeconds: 20, ingestionDelayMinutes: 240 },
  };
  expect(loadConfig({})).toEqual(defaults);
  // a blank variable is an unset one
  expect(loadConfig({ PORT: '', DEFENDER_SOURCE: ' ', BOT_ID: '', STORE: '\t', SECURITY_OPERATORS: ' ' })).toEqual(
    defaults,
  );
});

test('the defaults of the live source: nobody may act until named, the gate is on', () => {
  const config = loadConfig(LIVE);
  expect(config).toMatchObject({ defenderSource: 'live', tenants: { home: HOME, gate: true } });
  expect(config.operators).toEqual({ everyoneIn: new Set(), people: new Set() });
  expect(config.approvers).toEqual({ everyoneIn: new Set(), people: new Set() });
  // AZURE_CLIENT_ID alone selects the live source
  expect(loadConfig({ AZURE_CLIENT_ID: ANN, AZURE_TENANT_ID: HOME }).defenderSource).toBe('live');
  expect(loadConfig({ AZURE_CLIENT_ID: ANN, AZURE_TENANT_ID: HOME, DEFENDER_SOURCE: 'simulated' }).defenderSource).toBe(
    'simulated',
  );
  expect(loadConfig({ BOT_ID, BOT_PASSWORD: 'x', BOT_TENANT_ID: HOME }).bot.type).toBe('SingleTenant');
});

const ACCEPTED: [string, Env, (config: Config) => unknown, unknown][] = [
  ['values are trimmed', { PORT: ' 8080 ', LOG_LEVEL: ' warn ' }, (c) => [c.port, c.logLevel], [8080, 'warn']],
  [
    'choices in any case',
    { DEFENDER_SOURCE: 'LIVE', AZURE_TENANT_ID: HOME, LOG_LEVEL: 'DEBUG' },
    (c) => [c.defenderSource, c.logLevel],
    ['live', 'debug'],
  ],
  [
    'a managed-identity bot without a password',
    { ...IDENTITY, BOT_TYPE: 'userassignedmsi', BOT_PASSWORD: '' },
    (c) => c.bot.type,
    'UserAssignedMsi',
  ],
  [
    'production on the simulated tenant, asked for by name',
    PRODUCTION,
    (c) => [c.nodeEnv, c.defenderSource, c.tenants.home],
    ['production', 'simulated', HOME],
  ],
  [
    'production on the simulated tenant, asked for in capitals',
    { ...PRODUCTION, DEFENDER_SOURCE: 'Simulated' },
    (c) => c.defenderSource,
    'simulated',
  ],
  [
    'http endpoints on the simulated source, without the trailing slash',
    { GRAPH_ENDPOINT: 'http://127.0.0.1:4000/', DEFENDER_ENDPOINT: 'http://127.0.0.1:4000//' },
    (c) => [c.graphEndpoint, c.graphScope, c.defenderEndpoint],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000/.default', 'http://127.0.0.1:4000'],
  ],
  [
    'https URLs without the trailing slash',
    {
      AZURE_AUTHORITY_HOST: 'https://login.example/',
      DEFENDER_PORTAL_URL: 'https://portal.example//',
      SIMULATOR_URL: 'http://127.0.0.1:4000/',
    },
    (c) => [c.azure.authorityHost, c.portalUrl, c.simulator.url],
    ['https://login.example', 'https://portal.example', 'http://127.0.0.1:4000'],
  ],
  [
    'the default Defender scope, an https application ID URI',
    LIVE,
    (c) => c.defenderScope,
    'https://api.securitycenter.microsoft.com/.default',
  ],
  [
    'an api:// application ID URI as the scope',
    { DEFENDER_SCOPE: `api://${DEFENDER_APP_ID}/.default` },
    (c) => c.defenderScope,
    `api://${DEFENDER_APP_ID}/.default`,
  ],
  [
    'the application id as the scope',
    { DEFENDER_SCOPE: `${DEFENDER_APP_ID}/.default` },
    (c) => c.defenderScope,
    `${DEFENDER_APP_ID}/.default`,
  ],
  [
    'an application id in capitals as the scope',
    { DEFENDER_SCOPE: `${DEFENDER_APP_ID.toUpperCase()}/.default` },
    (c) => c.defenderScope,
    `${DEFENDER_APP_ID.toUpperCase()}/.default`,
  ],
  [
    'a resource whose identifier ends with a slash as the scope',
    { DEFENDER_SCOPE: 'https://api.securitycenter.microsoft.com//.default' },
    (c) => c.defenderScope,
    'https://api.securitycenter.microsoft.com//.default',
  ],
  [
    'a urn: application ID URI as the scope',
    { DEFENDER_SCOPE: 'urn:contoso:defender-proxy/.default' },
    (c) => c.defenderScope,
    'urn:contoso:defender-proxy/.default',
  ],
  [
    'a tenant domain for the credential when the home tenant is a GUID',
    { ...LIVE, AZURE_TENANT_ID: 'contoso.onmicrosoft.com', BOT_TENANT_ID: HOME.toUpperCase() },
    (c) => [c.azure.tenantId, c.tenants.home],
    ['contoso.onmicrosoft.com', HOME],
  ],
  [
    'Azure Tables by account URL (managed identity), kept as given',
    {
      STORE: 'azure',
      AZURE_STORAGE_ACCOUNT_URL: 'https://watch.table.core.windows.net/',
      AZURE_STORAGE_TABLE_PREFIX: 'ws2',
    },
    (c) => c.store,
    { kind: 'azure', accountUrl: 'https://watch.table.core.windows.net/', tablePrefix: 'ws2' },
  ],
  [
    'Azure Tables by connection string',
    { STORE: 'azure', AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
    (c) => c.store,
    { kind: 'azure', connectionString: 'UseDevelopmentStorage=true', tablePrefix: 'watchstander' },
  ],
  [
    'Azure settings left unread on SQLite',
    { STORE: 'sqlite:/tmp/w.db', AZURE_STORAGE_TABLE_PREFIX: 'not-used' },
    (c) => c.store,
    { kind: 'sqlite', path: '/tmp/w.db' },
  ],
  [
    'a six-field cron and another time zone',
    { DIGEST_DAILY_CRON: '0 30 7 * * 1-5', DIGEST_TIMEZONE: 'Europe/Paris' },
    (c) => [c.digest.dailyCron, c.digest.timezone],
    ['0 30 7 * * 1-5', 'Europe/Paris'],
  ],
  [
    'tenant GUIDs in capitals, with spaces and a trailing comma',
    { AZURE_TENANT_ID: HOME, ALLOWED_TENANTS: ` ${PARTNER.toUpperCase()} , ` },
    (c) => c.tenants,
    { home: HOME, allowed: new Set([PARTNER]), gate: true },
  ],
  ['ALLOWED_TENANTS=none', { AZURE_TENANT_ID: HOME, ALLOWED_TENANTS: 'NONE' }, (c) => c.tenants.allowed, new Set()],
  [
    'every access-list form',
    {
      ...LIVE,
      ALLOWED_TENANTS: PARTNER,
      SECURITY_OPERATORS: `${ANN.toUpperCase()}, ${PARTNER}/${ANN}, ${PARTNER}/*, *`,
    },
    (c) => c.operators,
    { everyoneIn: new Set([PARTNER, HOME]), people: new Set([`${HOME}/${ANN}`, `${PARTNER}/${ANN}`]) },
  ],
  [
    'an access list of nobody on the simulated source',
    { SECURITY_APPROVERS: 'none' },
    (c) => c.approvers,
    { everyoneIn: new Set(), people: new Set() },
  ],
  [
    'a person of any tenant while the gate is off',
    { SECURITY_OPERATORS: ANN },
    (c) => c.operators.people,
    new Set([`*/${ANN}`]),
  ],
  ['chat off the quota shield on the simulated source', { CHAT_QUOTA_SHARE: 'OFF' }, (c) => c.chatQuotaShare, 'off'],
  ['a quota share written without its zero', { CHAT_QUOTA_SHARE: '.25' }, (c) => c.chatQuotaShare, 0.25],
  ['yes and no as booleans', { ALLOW_EXTERNAL_MEMBERS: 'Yes' }, (c) => c.allowExternalMembers, true],
  [
    'the bounds of a range',
    { PORT: '65535', DIGEST_LATE_ARRIVAL_HOURS: '0', SIMULATOR_SEED: '2147483647' },
    (c) => [c.port, c.digest.lateArrivalHours, c.simulator.seed],
    [65535, 0, 2147483647],
  ],
  [
    'the simulated tenant knobs',
    { SIMULATOR_DEVICES: '1000000', SIMULATOR_FAULT_RATE: '1', SIMULATOR_INGESTION_DELAY_MINUTES: '0' },
    (c) => c.simulator,
    { devices: 1000000, latencyMs: 0, faultRate: 1, seed: 42, actionStepSeconds: 20, ingestionDelayMinutes: 0 },
  ],
];

test.each(ACCEPTED)('accepts %s', (_, env, read, expected) => {
  expect(read(loadConfig(env))).toEqual(expected);
});
