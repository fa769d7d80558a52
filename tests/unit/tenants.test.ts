/**
 * Which tenants are served and who is on an access list: always (tenant, object id), never the object id alone.
 */
import { ConfigError, isAllowed, loadConfig } from '../../src/config';
import { mayBeSamePerson } from '../../src/store/requests';
import { TenantPolicy } from '../../src/tenants';

const HOME = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PARTNER = '3c1d2e4f-aaaa-4bbb-8ccc-0d1e2f3a4b5c';
const STRANGER = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';
const ANN = '6a1f4c2e-1111-4a5b-9c3d-000000000001';
const BOB = '6a1f4c2e-2222-4a5b-9c3d-000000000002';

/** The first line of the error `loadConfig(env)` throws (what the start prints). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('the configuration was accepted');
}

describe('the home tenant and ALLOWED_TENANTS', () => {
  it('local mode with the simulated source and no tenant named accepts every tenant, as before', () => {
    const { tenants } = loadConfig({});
    expect(tenants).toEqual({ home: undefined, allowed: new Set(), gate: false });
    const policy = new TenantPolicy(tenants);
    expect(policy.judge({ channelData: STRANGER, conversation: STRANGER })).toEqual({
      served: true,
      tenantId: STRANGER,
    });
    expect(policy.judge({})).toEqual({ served: true, tenantId: undefined });
  });

  it('naming a home tenant on the simulated source turns the gate on (how the end-to-end tests run it)', () => {
    const { tenants } = loadConfig({ AZURE_TENANT_ID: HOME.toUpperCase(), ALLOWED_TENANTS: ` ${PARTNER} , ` });
    expect(tenants).toEqual({ home: HOME, allowed: new Set([PARTNER]), gate: true });
  });

  it('the live source always gates and needs the home tenant: AZURE_TENANT_ID, else BOT_TENANT_ID', () => {
    expect(refusal({ DEFENDER_SOURCE: 'live' })).toMatch(/^AZURE_TENANT_ID: .*home tenant/);
    expect(loadConfig({ DEFENDER_SOURCE: 'live', BOT_TENANT_ID: HOME }).tenants).toMatchObject({
      home: HOME,
      gate: true,
    });
    // AZURE_TENANT_ID is the tenant whose Defender data the bot holds: it wins over the bot registration's.
    expect(loadConfig({ DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: HOME, BOT_TENANT_ID: PARTNER }).tenants.home).toBe(
      HOME,
    );
  });

  it('a Bot Framework identity (BOT_ID) gates the simulated source too', () => {
    const identity = { BOT_ID: '0b7c6f0e-2f3b-4a9e-9d2b-4d1e2f3a4b5c', BOT_PASSWORD: 'x', BOT_TYPE: 'MultiTenant' };
    expect(refusal(identity)).toMatch(/^AZURE_TENANT_ID: /);
    expect(loadConfig({ ...identity, BOT_TENANT_ID: HOME }).tenants).toEqual({
      home: HOME,
      allowed: new Set(),
      gate: true,
    });
  });

  it('refuses, in one line naming the variable, a tenant that is not a GUID', () => {
    expect(refusal({ ALLOWED_TENANTS: `${PARTNER},contoso.com` })).toBe(
      'ALLOWED_TENANTS: expected comma-separated tenant GUIDs (or none), got "contoso.com"',
    );
    expect(refusal({ DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: 'contoso.onmicrosoft.com' })).toMatch(
      /^AZURE_TENANT_ID: the tenant gate compares tenant GUIDs/,
    );
    expect(refusal({ BOT_TENANT_ID: 'contoso.onmicrosoft.com' })).toMatch(/^BOT_TENANT_ID: expected a tenant GUID/);
    // A domain is fine for the credential as long as the home tenant is known as a GUID.
    expect(
      loadConfig({ DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: 'contoso.onmicrosoft.com', BOT_TENANT_ID: HOME }).tenants
        .home,
    ).toBe(HOME);
  });

  it('ALLOWED_TENANTS=none is no other tenant, for deployments that cannot pass an empty value', () => {
    expect(loadConfig({ AZURE_TENANT_ID: HOME, ALLOWED_TENANTS: 'none' }).tenants.allowed).toEqual(new Set());
  });

  it('the command limits default to 10 a minute per person and 30 per conversation', () => {
    expect(loadConfig({}).commandLimits).toEqual({ perPerson: 10, perConversation: 30 });
    expect(loadConfig({ COMMAND_LIMIT_PER_PERSON: '3' }).commandLimits.perPerson).toBe(3);
    expect(refusal({ COMMAND_LIMIT_PER_CONVERSATION: '0' })).toBe(
      'COMMAND_LIMIT_PER_CONVERSATION: expected commands a minute 1-1000000, got "0"',
    );
  });

  it('CHAT_QUOTA_SHARE is half by default; off only on the simulated source', () => {
    expect(loadConfig({}).chatQuotaShare).toBe(0.5);
    expect(loadConfig({ CHAT_QUOTA_SHARE: '0.25' }).chatQuotaShare).toBe(0.25);
    expect(loadConfig({ CHAT_QUOTA_SHARE: 'off' }).chatQuotaShare).toBe('off');
    expect(refusal({ DEFENDER_SOURCE: 'live', AZURE_TENANT_ID: HOME, CHAT_QUOTA_SHARE: 'off' })).toBe(
      'CHAT_QUOTA_SHARE: off is only for the simulated source; expected a fraction 0.05-1',
    );
    expect(refusal({ CHAT_QUOTA_SHARE: '2' })).toBe(
      'CHAT_QUOTA_SHARE: expected a fraction between 0.05 and 1 (or off), got "2"',
    );
  });

  it('ALLOW_EXTERNAL_MEMBERS is false unless set to true', () => {
    expect(loadConfig({}).allowExternalMembers).toBe(false);
    expect(loadConfig({ ALLOW_EXTERNAL_MEMBERS: 'true' }).allowExternalMembers).toBe(true);
    expect(refusal({ ALLOW_EXTERNAL_MEMBERS: 'maybe' })).toBe(
      'ALLOW_EXTERNAL_MEMBERS: expected true or false, got "maybe"',
    );
  });
});

describe('judging the tenant of an activity (gate on)', () => {
  const policy = new TenantPolicy(loadConfig({ AZURE_TENANT_ID: HOME, ALLOWED_TENANTS: PARTNER }).tenants);

  it('serves the home tenant and the allowed ones, in any letter case', () => {
    expect(policy.judge({ channelData: HOME, conversation: HOME })).toEqual({ served: true, tenantId: HOME });
    const upper = PARTNER.toUpperCase();
    expect(policy.judge({ channelData: upper, conversation: PARTNER })).toEqual({ served: true, tenantId: PARTNER });
  });

  it('refuses any other tenant, and says which', () => {
    expect(policy.judge({ channelData: STRANGER, conversation: STRANGER })).toEqual({
      served: false,
      tenantId: STRANGER,
      reason: `tenant ${STRANGER} is not served`,
    });
  });

  it('refuses an activity whose two tenant fields disagree or that names its tenant only once', () => {
    expect(policy.judge({ channelData: HOME, conversation: STRANGER })).toMatchObject({ served: false });
    expect(policy.judge({ channelData: STRANGER, conversation: HOME })).toMatchObject({ served: false });
    expect(policy.judge({ channelData: HOME })).toMatchObject({ served: false, tenantId: HOME });
    expect(policy.judge({ conversation: HOME })).toMatchObject({ served: false, tenantId: HOME });
    expect(policy.judge({})).toMatchObject({ served: false, tenantId: undefined });
  });
});

describe('access lists compare (tenant, object id)', () => {
  const config = loadConfig({
    AZURE_TENANT_ID: HOME,
    ALLOWED_TENANTS: PARTNER,
    SECURITY_OPERATORS: `${ANN}, ${PARTNER}/${BOB}`,
    SECURITY_APPROVERS: `*,${PARTNER}/*`,
  });

  it('a bare object id is a person of the home tenant only', () => {
    expect(isAllowed(config.operators, { id: ANN, tenantId: HOME })).toBe(true);
    expect(isAllowed(config.operators, { id: ANN.toUpperCase(), tenantId: HOME.toUpperCase() })).toBe(true);
    // The same object id in another tenant is someone else, served tenant or not.
    expect(isAllowed(config.operators, { id: ANN, tenantId: PARTNER })).toBe(false);
    expect(isAllowed(config.operators, { id: ANN, tenantId: STRANGER })).toBe(false);
    expect(isAllowed(config.operators, { id: ANN })).toBe(false);
  });

  it('<tenant>/<object id> names a person of another served tenant, and only there', () => {
    expect(isAllowed(config.operators, { id: BOB, tenantId: PARTNER })).toBe(true);
    expect(isAllowed(config.operators, { id: BOB, tenantId: HOME })).toBe(false);
  });

  it('* is everyone of the home tenant; <tenant>/* everyone of that tenant', () => {
    expect(isAllowed(config.approvers, { id: BOB, tenantId: HOME })).toBe(true);
    expect(isAllowed(config.approvers, { id: BOB, tenantId: PARTNER })).toBe(true);
    expect(isAllowed(config.approvers, { id: BOB, tenantId: STRANGER })).toBe(false);
    expect(isAllowed(config.approvers, { id: BOB })).toBe(false);
  });

  it('with the gate off (local simulated mode) the lists work as before: * is everyone, an id matches anywhere', () => {
    const local = loadConfig({ SECURITY_OPERATORS: ANN });
    expect(isAllowed(local.operators, { id: ANN, tenantId: STRANGER })).toBe(true);
    expect(isAllowed(local.operators, { id: BOB, tenantId: STRANGER })).toBe(false);
    expect(isAllowed(loadConfig({}).operators, { id: BOB })).toBe(true);
  });

  it('refuses an entry of a tenant that is not served, or one that is not an id', () => {
    expect(refusal({ AZURE_TENANT_ID: HOME, SECURITY_OPERATORS: `${STRANGER}/${ANN}` })).toBe(
      `SECURITY_OPERATORS: tenant ${STRANGER} of "${STRANGER}/${ANN}" is not served: add it to ALLOWED_TENANTS`,
    );
    expect(refusal({ AZURE_TENANT_ID: HOME, SECURITY_APPROVERS: `${PARTNER}/ann` })).toMatch(
      /^SECURITY_APPROVERS: expected \*, none, or comma-separated Entra object ids/,
    );
  });
});

describe('two people, not one', () => {
  it('the same object id in two tenants is two people; an unknown tenant is taken to be the same one', () => {
    expect(mayBeSamePerson({ id: ANN, name: 'a', tenantId: HOME }, { id: ANN, name: 'b', tenantId: HOME })).toBe(true);
    expect(mayBeSamePerson({ id: ANN, name: 'a', tenantId: HOME }, { id: ANN, name: 'a', tenantId: PARTNER })).toBe(
      false,
    );
    expect(mayBeSamePerson({ id: ANN, name: 'a' }, { id: ANN.toUpperCase(), name: 'a', tenantId: PARTNER })).toBe(true);
    expect(mayBeSamePerson({ id: ANN, name: 'a', tenantId: HOME }, { id: BOB, name: 'a', tenantId: HOME })).toBe(false);
  });
});
