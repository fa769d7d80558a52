/**
 * The tenant gate end to end: the real server, the simulated tenant and the recording connector, activities exactly
 * as Teams sends them, some from another organisation.
 *
 * Local mode has no Bot Framework authentication, and with the simulated source and no tenant named it serves every
 * tenant (as the simulated source serves anyone). Naming the home tenant (`AZURE_TENANT_ID`) and `ALLOWED_TENANTS`
 * turns the gate on exactly as in production, without tokens: that is the configuration here. The production rule on
 * the live source is checked in `liveServer.test.ts`; the gate's own rules in `tests/unit/bot/tenantGate.test.ts`.
 */
import { NOT_SERVED } from '../../src/bot/tenantGate';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { Stores } from '../../src/store';
import {
  ANALYST,
  botAddedToTeam,
  cardClick,
  channelMessage,
  CHANNEL_ID,
  FOREIGN_TENANT_ID,
  inTenant,
  installationUpdate,
  TENANT_ID,
  type TestUser,
} from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { openStore, tempStorePath } from '../helpers/digests';
import {
  executeActions,
  readableCardText,
  startRecordingConnector,
  type RecordingConnector,
} from '../helpers/recordingConnector';

jest.setTimeout(60_000);

/** A tenant served besides the home tenant. */
const PARTNER_TENANT_ID = '3c1d2e4f-aaaa-4bbb-8ccc-0d1e2f3a4b5c';
/** Someone of the partner tenant whose object id happens to be Ann's (an operator of the home tenant). */
const PARTNER_TWIN: TestUser = { id: '29:1partner-twin', name: 'Pat Twin', aadObjectId: ANALYST.aadObjectId };
/** Someone of the partner tenant named as an operator by tenant and object id. */
const PARTNER_OPERATOR: TestUser = {
  id: '29:1partner-operator',
  name: 'Pia Partner',
  aadObjectId: '6a1f4c2e-6666-4a5b-9c3d-000000000006',
};
/** Someone of another organisation. */
const STRANGER: TestUser = { id: '29:1fabrikam', name: 'Fay Fabrikam', aadObjectId: ANALYST.aadObjectId };
const FOREIGN_CHANNEL = '19:fabrikamSecurity0123456789@thread.tacv2';

const STORE_PATH = tempStorePath();
let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
let store: Stores;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 7, devices: 30, alertIntervalMinutes: 0 });
  connector = await startRecordingConnector();
  bot = await startBot({
    SIMULATOR_URL: simulator.url,
    STORE: `sqlite:${STORE_PATH}`,
    AZURE_TENANT_ID: TENANT_ID,
    ALLOWED_TENANTS: PARTNER_TENANT_ID,
    SECURITY_OPERATORS: `${ANALYST.aadObjectId},${PARTNER_TENANT_ID}/${PARTNER_OPERATOR.aadObjectId}`,
    LOG_LEVEL: 'warn',
  });
  store = openStore(STORE_PATH);
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor(() => connector.cards(CHANNEL_ID).length === 1, 15_000, 'the welcome card');
});

afterAll(async () => {
  await bot?.stop();
  await store?.records.close();
  await connector?.close();
  await simulator?.close();
});

/** Defender and Graph requests the simulated tenant received so far. */
const apiRequests = () => simulator.tenant.requestLog().filter((e) => e.api !== 'other').length;

/** Sends "@Watchstander <text>" and returns the reply it caused (text and cards). */
async function ask(text: string, user: TestUser, tenantId: string) {
  const before = connector.calls.length;
  const res = await bot.send(inTenant(channelMessage(text, { serviceUrl: connector.url, user }), tenantId));
  expect(res.status).toBe(200);
  await connector.waitFor(
    (calls) => calls.slice(before).some((c) => c.method === 'POST'),
    15_000,
    `a reply to "${text}"`,
  );
  const reply = connector.calls.slice(before).find((c) => c.method === 'POST')!;
  return { text: reply.body?.text as string | undefined, cards: (reply.body?.attachments ?? []) as any[], reply };
}

/** The newest audit entries, newest first. */
const auditEntries = () => store.audit.recent(50);

describe('an activity from a tenant that is not served', () => {
  it('a message reads nothing from Defender (0 requests), gets one polite sentence and no card, and is audited', async () => {
    const before = apiRequests();
    const { text, cards } = await ask('show incidents', STRANGER, FOREIGN_TENANT_ID);
    expect(text).toBe(NOT_SERVED);
    expect(cards).toEqual([]);
    expect(apiRequests() - before).toBe(0);
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({
        action: 'message',
        outcome: 'refused',
        userId: STRANGER.aadObjectId,
        userTenantId: FOREIGN_TENANT_ID,
        detail: `tenant ${FOREIGN_TENANT_ID} is not served: nothing was read or changed`,
      }),
    );
  });

  it('a click (a real scan button, replayed) starts nothing: 0 requests, no card, no update, audited', async () => {
    const devices = await ask('show devices', ANALYST, TENANT_ID);
    const scan = executeActions(devices.cards[0].content).find((a) => a.title === 'Run antivirus scan');
    expect(scan).toBeDefined();
    const before = apiRequests();
    const callsBefore = connector.calls.length;
    const res = await bot.send(
      inTenant(
        cardClick(scan!.verb, scan!.data, devices.reply.createdId!, { serviceUrl: connector.url, user: STRANGER }),
        FOREIGN_TENANT_ID,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: NOT_SERVED,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(apiRequests() - before).toBe(0);
    expect(connector.calls.length).toBe(callsBefore);
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({ action: 'click scan', outcome: 'refused', userTenantId: FOREIGN_TENANT_ID }),
    );
  });

  it('an install subscribes nothing and posts no welcome: one sentence for the two install activities, audited', async () => {
    const before = apiRequests();
    const options = { serviceUrl: connector.url, channelId: FOREIGN_CHANNEL, user: STRANGER };
    expect((await bot.send(inTenant(installationUpdate('add', options), FOREIGN_TENANT_ID))).status).toBe(200);
    expect((await bot.send(inTenant(botAddedToTeam(options), FOREIGN_TENANT_ID))).status).toBe(200);
    await connector.waitFor(
      (calls) => calls.some((c) => c.conversationId === FOREIGN_CHANNEL),
      15_000,
      'the refusal sentence',
    );
    await new Promise((r) => setTimeout(r, 500));
    const posted = connector.calls.filter((c) => c.conversationId === FOREIGN_CHANNEL);
    expect(posted.map((c) => [c.body?.text, c.body?.attachments ?? []])).toEqual([[NOT_SERVED, []]]);
    expect(connector.rosterCalls.filter((c) => c.conversationId === FOREIGN_CHANNEL)).toEqual([]);
    // The home channel's install read its roster (a proactive turn the gate does not stop).
    expect(connector.rosterCalls.filter((c) => c.conversationId === CHANNEL_ID)).toHaveLength(1);
    expect(apiRequests() - before).toBe(0);
    expect(await store.conversations.get(FOREIGN_CHANNEL)).toBeUndefined();
    expect(await store.subscriptions.forConversation(FOREIGN_CHANNEL)).toEqual([]);
    const installs = (await auditEntries()).filter((e) => e.action === 'install' && e.outcome === 'refused');
    expect(installs).toHaveLength(2);
    expect(installs[0]).toMatchObject({ userTenantId: FOREIGN_TENANT_ID, conversationId: FOREIGN_CHANNEL });
  });
});

describe('a tenant served besides the home tenant (ALLOWED_TENANTS)', () => {
  it('its people can read', async () => {
    const { cards } = await ask('show devices', PARTNER_TWIN, PARTNER_TENANT_ID);
    expect(readableCardText(cards[0].content)).toMatch(/Devices with active alerts or high risk/);
  });

  it('an object id equal to a home operator’s is not an operator there: the scan is refused and nothing is sent', async () => {
    const devices = await ask('show devices', ANALYST, TENANT_ID);
    const scan = executeActions(devices.cards[0].content).find((a) => a.title === 'Run antivirus scan')!;
    const scans = () => simulator.tenant.requestLog().filter((e) => /runAntiVirusScan/.test(e.path)).length;
    const before = scans();
    const res = await bot.send(
      inTenant(
        cardClick(scan.verb, scan.data, devices.reply.createdId!, { serviceUrl: connector.url, user: PARTNER_TWIN }),
        PARTNER_TENANT_ID,
      ),
    );
    expect(res.status).toBe(200);
    expect(readableCardText(res.body.value)).toMatch(/Only security operators can run scans/);
    expect(scans()).toBe(before);
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({
        action: 'scan (Quick)',
        outcome: 'refused',
        userId: ANALYST.aadObjectId,
        userTenantId: PARTNER_TENANT_ID,
        detail: 'not in SECURITY_OPERATORS',
      }),
    );
  });

  it('someone named as <tenant id>/<object id> is an operator: one scan is sent', async () => {
    const devices = await ask('show devices', ANALYST, TENANT_ID);
    const scan = executeActions(devices.cards[0].content).find((a) => a.title === 'Run antivirus scan')!;
    const scans = () => simulator.tenant.requestLog().filter((e) => /runAntiVirusScan/.test(e.path)).length;
    const before = scans();
    const res = await bot.send(
      inTenant(
        cardClick(scan.verb, scan.data, devices.reply.createdId!, {
          serviceUrl: connector.url,
          user: PARTNER_OPERATOR,
        }),
        PARTNER_TENANT_ID,
      ),
    );
    expect(res.status).toBe(200);
    expect(readableCardText(res.body.value)).not.toMatch(/Only security operators/);
    expect(scans()).toBe(before + 1);
    expect(await auditEntries()).toContainEqual(
      expect.objectContaining({ action: 'scan (Quick)', outcome: 'allowed', userTenantId: PARTNER_TENANT_ID }),
    );
  });
});

describe('the audit log', () => {
  it('show audit names people of other tenants with their tenant', async () => {
    const { cards } = await ask('show audit', ANALYST, TENANT_ID);
    const text = readableCardText(cards[0].content);
    expect(text).toContain(`Fay Fabrikam (tenant ${FOREIGN_TENANT_ID})`);
    expect(text).toContain(`Pia Partner (tenant ${PARTNER_TENANT_ID})`);
    expect(text).not.toContain(`Ann Analyst (tenant`);
  });
});
