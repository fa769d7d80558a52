/**
 * The Azure deployment as text: infra/azure.bicep gives the web app every setting src/config.ts needs for a live,
 * Azure-stored deployment (and src/config.ts accepts them), the storage account takes no shared keys, the parameters
 * file only uses variables the Toolkit can fill in, and infra/grant-permissions.sh grants exactly the permissions of
 * docs/permissions.md, idempotently (run against a stand-in `az`).
 *
 * There is no Bicep compiler on these machines, so the Bicep is read with a small scanner that understands strings
 * (with ${...} interpolation), comments and brackets; it is not a Bicep parser, only enough to find these facts.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

// ---- A minimal Bicep scanner ---------------------------------------------------------------------------------------

/** Index just after the string literal that starts at `i` (a `'`), across `\` escapes and `${…}` interpolations. */
function skipString(src: string, i: number): number {
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') j += 2;
    else if (c === "'") return j + 1;
    else if (c === '$' && src[j + 1] === '{') j = skipBalanced(src, j + 1);
    else j++;
  }
  throw new Error(`unterminated string at ${i}`);
}

/** Index just after the bracket that closes the one at `i` (`{`, `[` or `(`), skipping strings. */
function skipBalanced(src: string, i: number): number {
  const close: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
  const stack = [close[src[i]]];
  let j = i + 1;
  while (j < src.length) {
    const c = src[j];
    if (c === "'") {
      j = skipString(src, j);
      continue;
    }
    if (close[c]) stack.push(close[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (!stack.length) return j + 1;
    } else if (c === '}' || c === ']' || c === ')') throw new Error(`unbalanced ${c} at ${j}`);
    j++;
  }
  throw new Error(`unclosed ${src[i]} at ${i}`);
}

/** The source without line and block comments (strings untouched). */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    if (src[i] === "'") {
      const end = skipString(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else {
      out += src[i++];
    }
  }
  return out;
}

/** `key: value` pairs at the top level of an object body (text between its braces); values are raw text. */
function objectProperties(body: string): Map<string, string> {
  const props = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const m = /^\s*('[^']*'|[A-Za-z_$][\w$]*)\s*:\s*/.exec(body.slice(i));
    if (!m) {
      const nl = body.indexOf('\n', i);
      i = nl < 0 ? body.length : nl + 1;
      continue;
    }
    const key = m[1].replace(/^'|'$/g, '');
    let j = i + m[0].length;
    const start = j;
    // the value runs to the end of the line, or across lines while inside brackets or strings
    while (j < body.length && body[j] !== '\n' && body[j] !== ',') {
      if (body[j] === "'") j = skipString(body, j);
      else if ('{[('.includes(body[j])) j = skipBalanced(body, j);
      else j++;
    }
    props.set(key, body.slice(start, j).trim());
    i = j + 1;
  }
  return props;
}

/** The items of an array body that are objects, each as its body text. */
function objectItems(body: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] === "'") i = skipString(body, i);
    else if (body[i] === '{') {
      const end = skipBalanced(body, i);
      items.push(body.slice(i + 1, end - 1));
      i = end;
    } else i++;
  }
  return items;
}

/** Body of the value of `key` (an object or array), found as the first `key: {` / `key: [` after `from`. */
function blockOf(src: string, key: string, from = 0): string {
  const re = new RegExp(`\\b${key}\\s*:\\s*([\\[{])`, 'g');
  re.lastIndex = from;
  const m = re.exec(src);
  if (!m) throw new Error(`no ${key} block`);
  const open = m.index + m[0].length - 1;
  return src.slice(open + 1, skipBalanced(src, open) - 1);
}

/** Body of `resource <symbol> '<type>@<version>' = {…}` (or of its `[for …: {…}]` loop). */
function resourceBody(src: string, symbol: string): { type: string; body: string } {
  const m = new RegExp(`^resource\\s+${symbol}\\s+'([^'@]+)@[^']+'\\s*=\\s*`, 'm').exec(src);
  if (!m) throw new Error(`no resource ${symbol}`);
  const open = src.indexOf('{', m.index + m[0].length);
  return { type: m[1], body: src.slice(open + 1, skipBalanced(src, open) - 1) };
}

/** A Bicep string literal without interpolation, unescaped; undefined for any other expression. */
function literal(value: string | undefined): string | undefined {
  if (!value || !/^'(?:[^'\\$]|\\.|\$(?!\{))*'$/.test(value)) return undefined;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

interface Param {
  type: string;
  default?: string;
}

function params(src: string): Map<string, Param> {
  const out = new Map<string, Param>();
  for (const m of src.matchAll(/^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm))
    out.set(m[1], { type: m[2], default: m[3]?.trim() });
  return out;
}

function outputs(src: string): string[] {
  return [...src.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]);
}

// ---- The deployment ----------------------------------------------------------------------------------------------

const bicep = stripComments(read('infra/azure.bicep'));
const botBicep = stripComments(read('infra/botRegistration/azurebot.bicep'));
const webApp = resourceBody(bicep, 'webApp');
const appSettings = new Map(
  objectItems(blockOf(webApp.body, 'appSettings')).map((item) => {
    const p = objectProperties(item);
    return [literal(p.get('name')) ?? `<not a literal: ${p.get('name')}>`, p.get('value') ?? ''] as const;
  }),
);
const parametersFile = JSON.parse(read('infra/azure.parameters.json'));
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function parseEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith('#')) vars[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return vars;
}
const envDev = parseEnv(read('env/.env.dev'));

/** Filled in by the Toolkit on provision, so they may be empty in the committed template. */
const TOOLKIT_GENERATED = new Set(['RESOURCE_SUFFIX']);
/** The deployer must fill these in before provisioning (they have no safe default). */
const DEPLOYER_REQUIRED = new Set(['SECURITY_OPERATORS', 'SECURITY_APPROVERS']);

describe('infra/azure.bicep', () => {
  it('is balanced (strings, interpolations, brackets), as far as a scanner can tell without the Bicep compiler', () => {
    for (const src of [bicep, botBicep]) {
      let i = 0;
      while (i < src.length) {
        if (src[i] === "'") i = skipString(src, i);
        else if ('{[('.includes(src[i])) i = skipBalanced(src, i);
        else if ('}])'.includes(src[i])) throw new Error(`stray ${src[i]} at ${i}`);
        else i++;
      }
    }
  });

  it('gives the web app every setting a live deployment with Azure storage needs', () => {
    const required = [
      'BOT_ID',
      'BOT_TYPE',
      'BOT_TENANT_ID',
      'DEFENDER_SOURCE',
      'AZURE_CLIENT_ID',
      'AZURE_TENANT_ID',
      'STORE',
      'AZURE_STORAGE_ACCOUNT_URL',
      'SECURITY_OPERATORS',
      'SECURITY_APPROVERS',
      'DIGEST_DAILY_CRON',
      'DIGEST_WEEKLY_CRON',
      'DIGEST_MONTHLY_CRON',
      'DIGEST_TIMEZONE',
      'NODE_ENV',
    ];
    const names = [...appSettings.keys()];
    for (const name of required) expect(names).toContain(name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs the bot as the managed identity, live, on Azure storage, from the deployed package', () => {
    const fixed = (name: string) => literal(appSettings.get(name));
    expect(fixed('BOT_TYPE')).toBe('UserAssignedMsi');
    expect(fixed('DEFENDER_SOURCE')).toBe('live');
    expect(fixed('STORE')).toBe('azure');
    expect(fixed('NODE_ENV')).toBe('production');
    expect(fixed('WEBSITE_RUN_FROM_PACKAGE')).toBe('1');
    expect(fixed('SCM_DO_BUILD_DURING_DEPLOYMENT')).toBe('false');
    expect(appSettings.get('BOT_ID')).toBe('identity.properties.clientId');
    expect(appSettings.get('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
    expect(appSettings.get('BOT_TENANT_ID')).toBe('identity.properties.tenantId');
    expect(appSettings.get('AZURE_TENANT_ID')).toBe('identity.properties.tenantId');
    // no secret of any kind in the app settings
    for (const name of [
      'BOT_PASSWORD',
      'AZURE_CLIENT_SECRET',
      'AZURE_CLIENT_CERTIFICATE_PATH',
      'AZURE_STORAGE_CONNECTION_STRING',
    ]) {
      expect(appSettings.has(name)).toBe(false);
    }
  });

  it('produces settings that src/config.ts accepts', () => {
    const bicepParams = params(bicep);
    const paramValue = (name: string): string => {
      const fromFile = parametersFile.parameters[name]?.value as string | undefined;
      if (fromFile !== undefined) {
        return fromFile.replace(PLACEHOLDER, (_, v: string) =>
          DEPLOYER_REQUIRED.has(v)
            ? '5e0b2f6c-1d3a-4b8e-9c7f-2a4d6e8b0c13'
            : TOOLKIT_GENERATED.has(v)
              ? 'a1b2c3'
              : envDev[v],
        );
      }
      const d = literal(bicepParams.get(name)?.default);
      if (d === undefined)
        throw new Error(`parameter ${name} has neither a value in azure.parameters.json nor a literal default`);
      return d;
    };
    const expressions: Record<string, string> = {
      'identity.properties.clientId': '0d3c5b7a-9e1f-4a2b-8c6d-4e0f2a1b3c5d',
      'identity.properties.tenantId': '7a9c1e3f-5b2d-4f6a-8e0c-2d4b6f8a0c1e',
      storageTableUrl: 'https://watchstandera1b2c3st.table.core.windows.net',
    };
    const env: Record<string, string> = {};
    for (const [name, value] of appSettings) {
      const resolved =
        literal(value) ?? expressions[value] ?? (params(bicep).has(value) ? paramValue(value) : undefined);
      if (resolved === undefined) throw new Error(`app setting ${name}: cannot resolve ${value}`);
      env[name] = resolved;
    }
    const config = loadConfig(env);
    expect(config.nodeEnv).toBe('production');
    expect(config.defenderSource).toBe('live');
    expect(config.bot).toMatchObject({ type: 'UserAssignedMsi', id: expressions['identity.properties.clientId'] });
    expect(config.azure.clientId).toBe(expressions['identity.properties.clientId']);
    expect(config.azure.clientSecret).toBeUndefined();
    expect(config.store).toMatchObject({ kind: 'azure', accountUrl: expressions.storageTableUrl });
    expect(config.digest).toMatchObject({
      dailyCron: '0 8 * * *',
      weeklyCron: '30 8 * * 1',
      monthlyCron: '0 9 1 * *',
      timezone: 'UTC',
    });
    // An object id names a person of the home tenant, the managed identity's.
    expect(config.operators).toEqual({
      everyoneIn: new Set(),
      people: new Set([`${expressions['identity.properties.tenantId']}/5e0b2f6c-1d3a-4b8e-9c7f-2a4d6e8b0c13`]),
    });
    expect(config.tenants).toEqual({
      home: expressions['identity.properties.tenantId'],
      allowed: new Set(),
      gate: true,
    });
    expect(config.allowExternalMembers).toBe(false);
  });

  it('leaves SECURITY_OPERATORS and SECURITY_APPROVERS empty (nobody) unless the deployer sets them', () => {
    const p = params(bicep);
    expect(appSettings.get('SECURITY_OPERATORS')).toBe('securityOperators');
    expect(appSettings.get('SECURITY_APPROVERS')).toBe('securityApprovers');
    expect(literal(p.get('securityOperators')?.default)).toBe('');
    expect(literal(p.get('securityApprovers')?.default)).toBe('');
    const live = { DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: '7a9c1e3f-5b2d-4f6a-8e0c-2d4b6f8a0c1e' };
    expect(loadConfig({ ...live, SECURITY_OPERATORS: '' }).operators).toEqual({
      everyoneIn: new Set(),
      people: new Set(),
    });
  });

  it('hosts a Linux Node 22 web app that is always on, HTTPS only, without FTP, as the managed identity', () => {
    const props = objectProperties(blockOf(webApp.body, 'properties'));
    expect(props.get('httpsOnly')).toBe('true');
    const site = objectProperties(blockOf(webApp.body, 'siteConfig'));
    expect(site.get('linuxFxVersion')).toBe('linuxFxVersion');
    expect(literal(params(bicep).get('linuxFxVersion')?.default)).toBe('NODE|22-lts');
    // package.json says the web app's Node is supported (tests/e2e/node22.test.ts proves it)
    const engines = (JSON.parse(read('package.json')).engines.node as string).split('||').map((r) => r.trim());
    expect(engines).toContain('^22.0.0');
    expect(site.get('alwaysOn')).toBe('true');
    expect(literal(site.get('ftpsState'))).toBe('Disabled');
    expect(literal(site.get('minTlsVersion'))).toBe('1.2');
    expect(literal(site.get('healthCheckPath'))).toBe('/healthz');
    // the start command runs the compiled entry point that package.json names, as `npm start` does
    const { main, scripts } = JSON.parse(read('package.json')) as { main: string; scripts: Record<string, string> };
    expect(literal(site.get('appCommandLine'))).toBe(`node --disable-warning=DEP0111 ${main}`);
    expect(scripts.start).toBe(literal(site.get('appCommandLine')));
    const identity = objectProperties(blockOf(webApp.body, 'identity'));
    expect(literal(identity.get('type'))).toBe('UserAssigned');
    expect(literal(objectProperties(resourceBody(bicep, 'serverfarm').body).get('kind'))).toBe('linux');
  });

  it('creates a storage account that takes no shared keys, no anonymous blobs and only TLS 1.2 over HTTPS', () => {
    const storage = resourceBody(bicep, 'storage');
    expect(storage.type).toBe('Microsoft.Storage/storageAccounts');
    expect(literal(objectProperties(storage.body).get('kind'))).toBe('StorageV2');
    const props = objectProperties(blockOf(storage.body, 'properties'));
    expect(props.get('allowSharedKeyAccess')).toBe('false');
    expect(props.get('allowBlobPublicAccess')).toBe('false');
    expect(literal(props.get('minimumTlsVersion'))).toBe('TLS1_2');
    expect(props.get('supportsHttpsTrafficOnly')).toBe('true');
  });

  it('lets the identity use the account through Blob and Table data roles, not keys', () => {
    const roles = resourceBody(bicep, 'storageRoles');
    expect(roles.type).toBe('Microsoft.Authorization/roleAssignments');
    expect(bicep).toContain("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'"); // Storage Blob Data Contributor
    expect(bicep).toContain("'0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'"); // Storage Table Data Contributor
    const props = objectProperties(blockOf(roles.body, 'properties'));
    expect(props.get('principalId')).toBe('identity.properties.principalId');
    expect(literal(props.get('principalType'))).toBe('ServicePrincipal');
    expect(objectProperties(roles.body).get('scope')).toBe('storage');
  });

  it('registers an Azure Bot for the managed identity with the Teams channel', () => {
    const bot = resourceBody(botBicep, 'botService');
    expect(bot.type).toBe('Microsoft.BotService/botServices');
    const top = objectProperties(bot.body);
    expect(literal(top.get('kind'))).toBe('azurebot');
    expect(literal(top.get('location'))).toBe('global');
    expect(literal(params(botBicep).get('botServiceSku')?.default)).toBe('F0');
    const props = objectProperties(blockOf(bot.body, 'properties'));
    expect(literal(props.get('msaAppType'))).toBe('UserAssignedMSI');
    expect(props.get('msaAppId')).toBe('identityClientId');
    expect(props.get('msaAppMSIResourceId')).toBe('identityResourceId');
    expect(props.get('msaAppTenantId')).toBe('identityTenantId');
    expect(props.get('endpoint')).toBe("'https://${botAppDomain}/api/messages'");
    const channel = resourceBody(botBicep, 'botServiceMsTeamsChannel');
    expect(literal(objectProperties(channel.body).get('name'))).toBe('MsTeamsChannel');
  });

  it('outputs what the Toolkit, the deploy stage and grant-permissions.sh read', () => {
    expect(outputs(bicep)).toEqual(
      expect.arrayContaining([
        'BOT_AZURE_APP_SERVICE_RESOURCE_ID',
        'BOT_DOMAIN',
        'BOT_ID',
        'BOT_TENANT_ID',
        'BOT_MANAGED_IDENTITY_PRINCIPAL_ID',
        'STORAGE_ACCOUNT_URL',
      ]),
    );
    // every output lands in env/.env.dev, which lists it (empty until provision)
    for (const name of outputs(bicep)) expect(Object.keys(envDev)).toContain(name);
  });
});

describe('infra/azure.parameters.json', () => {
  it('sets only parameters that azure.bicep declares', () => {
    const declared = params(bicep);
    for (const name of Object.keys(parametersFile.parameters)) expect([name, declared.has(name)]).toEqual([name, true]);
  });

  it('uses only variables of env/.env.dev that are set, generated by the Toolkit, or required from the deployer', () => {
    // The Toolkit refuses a ${{NAME}} whose value is empty, so a variable with an empty template value would
    // break every provision.
    const names = [...read('infra/azure.parameters.json').matchAll(PLACEHOLDER)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect([name, name in envDev]).toEqual([name, true]);
      if (!TOOLKIT_GENERATED.has(name) && !DEPLOYER_REQUIRED.has(name))
        expect([name, envDev[name]]).not.toEqual([name, '']);
    }
  });
});

describe('Toolkit project files', () => {
  it('teamsapp.yml deploys the bicep and its parameters, with the ignore file and the output resource id', () => {
    const yml = read('teamsapp.yml');
    expect(yml).toMatch(/path: \.\/infra\/azure\.bicep/);
    expect(yml).toMatch(/parameters: \.\/infra\/azure\.parameters\.json/);
    expect(yml).toMatch(/ignoreFile: \.appserviceignore/);
    expect(yml).toMatch(/resourceId: \$\{\{BOT_AZURE_APP_SERVICE_RESOURCE_ID\}\}/);
    expect(fs.existsSync(path.join(ROOT, '.appserviceignore'))).toBe(true);
    const deployment = /deploymentName: (\S+)/.exec(yml)![1];
    expect(read('infra/grant-permissions.sh')).toContain(`deployment='${deployment}'`);
  });

  it('.appserviceignore keeps what App Service runs: package.json, lib/ and node_modules/', () => {
    const lines = read('.appserviceignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const kept of [
      'package.json',
      'lib',
      'lib/',
      '/lib/',
      'lib/src',
      '/lib/src/',
      'node_modules',
      'node_modules/',
      '/node_modules/',
    ]) {
      expect(lines).not.toContain(kept);
    }
    expect(lines).not.toContain('*.js');
    // the simulated tenant's catalogue is JSON beside its compiled code (lib/src/simulator/catalog/*.json)
    expect(lines.filter((l) => /^\/?(lib\/.*)?\*+\.json$/.test(l))).toEqual([]);
  });
});

// ---- infra/grant-permissions.sh -----------------------------------------------------------------------------------

const GRAPH_APP = '00000003-0000-0000-c000-000000000000';
const DEFENDER_APP = 'fc780465-2017-40d4-a0c5-307022471b92';

/** Permissions named in docs/permissions.md: the first cell of each table row that looks like a permission. */
function documentedPermissions(): string[] {
  return [
    ...new Set([...read('docs/permissions.md').matchAll(/^\|\s*`([A-Za-z]+\.[A-Za-z.]+)`\s*\|/gm)].map((m) => m[1])),
  ];
}

/** The app role id the stand-in az gives a permission (same derivation as in FAKE_AZ). */
function fakeRoleId(app: string, value: string): string {
  return createHash('sha1')
    .update(app + value)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
}

describe('infra/grant-permissions.sh', () => {
  const script = path.join(ROOT, 'infra', 'grant-permissions.sh');

  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('grants exactly the permissions docs/permissions.md lists', () => {
    const text = read('infra/grant-permissions.sh');
    const listed = [
      ...text.matchAll(/^(?:GRAPH_ROLES|GRAPH_ACTION_ROLES|DEFENDER_READ_ROLES|DEFENDER_ACTION_ROLES)=\(([^)]*)\)/gm),
    ].flatMap((m) => m[1].trim().split(/\s+/));
    expect([...listed].sort()).toEqual([...documentedPermissions()].sort());
    expect(text).toContain(GRAPH_APP);
    expect(text).toContain(DEFENDER_APP);
  });

  describe('against a stand-in az', () => {
    const MSI = '2b4d6f80-1a3c-4e5f-8a7b-9c0d1e2f3a4b';
    const MSI_CLIENT = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
    const GRAPH_SP = '11111111-aaaa-4bbb-8ccc-000000000001';
    const DEFENDER_SP = '22222222-aaaa-4bbb-8ccc-000000000002';
    let dir: string;

    // A fake `az` in Node: answers the calls the script makes, keeps app role assignments in a file, logs POSTs.
    const FAKE_AZ = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const dir = __dirname;
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
const out = (s) => { process.stdout.write(s + '\\n'); process.exit(0); };
const fail = (s) => { process.stderr.write(s + '\\n'); process.exit(3); };
const state = path.join(dir, 'assignments.tsv');
const roleId = (app, value) => require('crypto').createHash('sha1').update(app + value).digest('hex')
  .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');
const roles = {
  '${GRAPH_APP}': ['SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All', 'SecurityAlert.Read.All', 'SecurityEvents.Read.All', 'User.Read.All'],
  '${DEFENDER_APP}': ['Machine.Read.All', 'Machine.ReadWrite.All', 'Machine.Scan', 'Machine.Isolate', 'Alert.Read.All', 'Alert.ReadWrite.All', 'Score.Read.All', 'SecurityRecommendation.Read.All', 'RemediationTasks.Read.All', 'Vulnerability.Read.All'],
};
const sp = { '${MSI}': '${MSI}', '${MSI_CLIENT}': '${MSI}', '${GRAPH_APP}': '${GRAPH_SP}', '${DEFENDER_APP}': '${DEFENDER_SP}' };
const cmd = args.slice(0, 2).join(' ');
if (cmd === 'account show') out('3c5e7a9b-0d2f-4a6c-8e1b-3d5f7a9c0e2b');
if (cmd === 'ad sp') {
  const id = opt('--id');
  if (id === '${DEFENDER_APP}' && process.env.FAKE_NO_DEFENDER) fail('Resource does not exist');
  if (!sp[id]) fail('Resource does not exist');
  const q = opt('--query');
  if (q === 'id') out(sp[id]);
  if (q === 'displayName') out('watchstandera1b2c3');
  if (q.startsWith('appRoles')) out(roles[id].map((v) => v + '\\t' + roleId(id, v)).join('\\n'));
  fail('unexpected query ' + q);
}
if (cmd === 'deployment group') {
  if (opt('--name') !== 'Create-resources-for-bot') fail('DeploymentNotFound');
  const q = opt('--query');
  if (q === 'keys(properties.outputs)') out('BOT_ID\\nBOT_MANAGED_IDENTITY_PRINCIPAL_ID\\nSTORAGE_ACCOUNT_URL');
  if (q === 'properties.outputs.BOT_MANAGED_IDENTITY_PRINCIPAL_ID.value') out('${MSI}');
  fail('unexpected query ' + q);
}
if (args[0] === 'rest') {
  if (opt('--uri') !== 'https://graph.microsoft.com/v1.0/servicePrincipals/${MSI}/appRoleAssignments') fail('bad uri ' + opt('--uri'));
  const current = fs.existsSync(state) ? fs.readFileSync(state, 'utf8') : '';
  if (opt('--method') === 'GET') out(current.trimEnd());
  const body = JSON.parse(opt('--body'));
  fs.appendFileSync(path.join(dir, 'posts.jsonl'), JSON.stringify(body) + '\\n');
  fs.appendFileSync(state, body.resourceId + '\\t' + body.appRoleId + '\\n');
  out('');
}
fail('unexpected call: az ' + args.join(' '));
`;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'watchstander-grant-'));
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(path.join(dir, 'bin', 'az'), FAKE_AZ, { mode: 0o755 });
      fs.mkdirSync(path.join(dir, 'infra'));
      fs.mkdirSync(path.join(dir, 'env'));
      fs.copyFileSync(script, path.join(dir, 'infra', 'grant-permissions.sh'));
      fs.writeFileSync(
        path.join(dir, 'env', '.env.test'),
        `TEAMSFX_ENV=test\nBOT_MANAGED_IDENTITY_PRINCIPAL_ID=${MSI}\n`,
      );
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (...args: string[]) =>
      spawnSync('bash', [path.join(dir, 'infra', 'grant-permissions.sh'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` },
      });
    const posts = (): { principalId: string; resourceId: string; appRoleId: string }[] => {
      const file = path.join(dir, 'bin', 'posts.jsonl');
      return fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : [];
    };

    it('grants every documented permission once, and nothing on a second run', () => {
      const first = run(MSI);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const granted = posts();
      expect(granted).toHaveLength(documentedPermissions().length);
      for (const body of granted) {
        expect(body.principalId).toBe(MSI);
        expect([GRAPH_SP, DEFENDER_SP]).toContain(body.resourceId);
      }
      // each POST names the app role of a documented permission on the resource that defines it
      const graphRoles = [
        'SecurityIncident.Read.All',
        'SecurityIncident.ReadWrite.All',
        'SecurityAlert.Read.All',
        'SecurityEvents.Read.All',
      ];
      const expected = documentedPermissions().map((p) =>
        graphRoles.includes(p)
          ? `${GRAPH_SP} ${fakeRoleId(GRAPH_APP, p)}`
          : `${DEFENDER_SP} ${fakeRoleId(DEFENDER_APP, p)}`,
      );
      expect(granted.map((b) => `${b.resourceId} ${b.appRoleId}`).sort()).toEqual(expected.sort());
      for (const permission of documentedPermissions())
        expect(first.stdout).toMatch(new RegExp(`granted\\s+${permission.replace(/\./g, '\\.')}\\s`));

      const second = run(MSI);
      expect(second.status).toBe(0);
      expect(posts()).toHaveLength(granted.length);
      expect(second.stdout).toContain(`Done: 0 granted, ${granted.length} already present.`);
    });

    it('finds the identity from env/.env.<env>, from the deployment outputs, or from its client id', () => {
      expect(run('--env', 'test', '--dry-run').stdout).toContain(`(${MSI})`);
      expect(run('-g', 'rg-watchstander-dev', '--dry-run').stdout).toContain(`(${MSI})`);
      expect(run(MSI_CLIENT, '--dry-run').stdout).toContain(`(${MSI})`);
      expect(posts()).toEqual([]);
    });

    it('grants no action permission with --read-only', () => {
      expect(run(MSI, '--read-only').status).toBe(0);
      expect(posts()).toHaveLength(8);
      const all = run(MSI, '--dry-run').stdout;
      for (const action of [
        'Machine.Scan',
        'Machine.Isolate',
        'Alert.ReadWrite.All',
        'SecurityIncident.ReadWrite.All',
      ]) {
        expect(all).toMatch(new RegExp(`to grant\\s+${action.replace(/\./g, '\\.')}\\s`));
      }
    });

    it('explains a tenant without Defender for Endpoint, and a missing identity', () => {
      const noDefender = spawnSync('bash', [path.join(dir, 'infra', 'grant-permissions.sh'), MSI], {
        encoding: 'utf8',
        env: { ...process.env, FAKE_NO_DEFENDER: '1', PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` },
      });
      expect(noDefender.status).toBe(1);
      expect(noDefender.stderr).toMatch(/WindowsDefenderATP service principal .* does not exist in this tenant/);

      const none = run();
      expect(none.status).toBe(1);
      expect(none.stderr).toMatch(/which identity\?/);
      expect(run('not-a-guid').stderr).toMatch(/not a GUID/);
    });
  });
});
