/**
 * Identity and secrets, end to end: with a Bot Framework identity configured, a request without a valid token is
 * refused with 401 and runs nothing; and no secret — bot password, Azure client secret, storage account key, bearer
 * tokens — ever reaches the log, even when things fail and are logged at trace level. (That production refuses to
 * start without an identity or on an implicit simulated tenant is proven in tests/unit/config.test.ts.)
 */
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { botAddedToTeam, cardClick, channelMessage, CHANNEL_ID } from '../helpers/activities';
import { startAzurite, type RunningAzurite } from '../helpers/azurite';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { FAKE_CLOUD_DEVICE_IDS, startFakeCloud, type FakeCloud } from '../helpers/fakeCloud';
import { startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

const BOT_ID = '0b7c6f0e-2f3b-4a9e-9d2b-4d1e2f3a4b5c';
const BOT_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const BOT_PASSWORD = 'Xy8Q~bot.password_Value-4711';
const IDENTITY = { BOT_ID, BOT_PASSWORD, BOT_TYPE: 'SingleTenant', BOT_TENANT_ID };

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed with a key nobody trusts. */
function forgedJwt(claims: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const head = base64url({ alg: 'RS256', typ: 'JWT', kid: 'forged-key' });
  const body = base64url({
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  });
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
}

/** An HS256 JWT (a secret-looking bearer token for the logs). */
function hmacJwt(subject: string): string {
  const head = base64url({ alg: 'HS256', typ: 'JWT' });
  const body = base64url({ sub: subject, aud: BOT_ID, iss: 'https://api.botframework.com' });
  return `${head}.${body}.${createHmac('sha256', 'k').update(`${head}.${body}`).digest('base64url')}`;
}

/** POSTs an activity with an optional Authorization header. */
async function post(bot: BotProcess, activity: unknown, authorization?: string) {
  const res = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, text: await res.text() };
}

const tempStore = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-identity-')), 'watch.db')}`;

describe('with a Bot Framework identity (BOT_ID set)', () => {
  let simulator: RunningSimulator;
  let connector: RecordingConnector;
  let bot: BotProcess;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3 });
    connector = await startRecordingConnector();
    bot = await startBot({
      ...IDENTITY,
      NODE_ENV: 'production',
      DEFENDER_SOURCE: 'simulated',
      SIMULATOR_URL: simulator.url,
      STORE: tempStore(),
      LOG_LEVEL: 'trace',
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await connector?.close();
    await simulator?.close();
  });

  const serviceUrl = () => connector.url;
  const forgedBotFramework = forgedJwt({ iss: 'https://api.botframework.com', aud: BOT_ID, serviceurl: 'x' });
  const forgedUnknownIssuer = forgedJwt({ iss: 'https://sts.evil.example/', aud: BOT_ID });
  const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: 'https://api.botframework.com', aud: BOT_ID })}.`;

  it('answers 401 to a request without a token, with a bogus bearer token or with another scheme, and runs nothing', async () => {
    const activities = [
      channelMessage('help', { serviceUrl: serviceUrl() }),
      channelMessage('show devices', { serviceUrl: serviceUrl() }),
      botAddedToTeam({ serviceUrl: serviceUrl() }),
      cardClick('scan', { deviceId: 'a'.repeat(40), scanType: 'Quick' }, 'card-1', { serviceUrl: serviceUrl() }),
    ];
    const headers = [
      undefined,
      'Bearer bogus',
      'Bearer ',
      `Bearer ${forgedUnknownIssuer}`,
      'Basic dXNlcjpwYXNzd29yZA==',
      hmacJwt('no scheme'),
    ];
    const answers = [];
    for (const activity of activities) {
      for (const authorization of headers)
        answers.push({ authorization, ...(await post(bot, activity, authorization)) });
    }
    expect(answers.filter((a) => a.status !== 401).map((a) => `${a.status} ${a.authorization}`)).toEqual([]);
    for (const answer of answers) expect(JSON.parse(answer.text)).toEqual({ error: 'Unauthorized' });
    expect(connector.calls).toEqual([]);
    expect(simulator.tenant.requestLog().filter((e) => !/exposureScore/i.test(e.path))).toEqual([]);
  });

  it('refuses a Bot Framework-issued token that is forged or unsigned (401, or 503 while the signing keys cannot be fetched)', async () => {
    for (const token of [forgedBotFramework, unsigned]) {
      const answer = await post(bot, channelMessage('help', { serviceUrl: serviceUrl() }), `Bearer ${token}`);
      expect([401, 503]).toContain(answer.status);
      expect(answer.text).not.toMatch(/botframework\.com|ENOTFOUND|getaddrinfo|at \S+:\d+/);
    }
    expect(connector.calls).toEqual([]);
    expect(simulator.tenant.requestLog().filter((e) => !/exposureScore/i.test(e.path))).toEqual([]);
  });

  it('writes neither the bot password nor any presented token to its log', async () => {
    const output = bot.output();
    expect(output).toMatch(/refused an unauthenticated request/);
    for (const secret of [
      BOT_PASSWORD,
      forgedBotFramework,
      forgedUnknownIssuer,
      unsigned.split('.')[1],
      hmacJwt('no scheme'),
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe('secrets in the log', () => {
  let azurite: RunningAzurite;
  let cloud: FakeCloud;
  let connector: RecordingConnector;

  beforeAll(async () => {
    [azurite, cloud, connector] = await Promise.all([startAzurite(), startFakeCloud(), startRecordingConnector()]);
  });

  afterAll(async () => {
    await connector?.close();
    await cloud?.close();
    await azurite?.stop();
  });

  /** A live bot against the fake cloud, on Azure storage with an account key, logging everything. */
  function startLiveBot(clientSecret: string, prefix: string): Promise<BotProcess> {
    return startBot({
      ...cloud.env(),
      AZURE_CLIENT_SECRET: clientSecret,
      // Local mode, so traffic is processed; the password is still configured and must still never be logged.
      BOT_PASSWORD,
      STORE: 'azure',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_TABLE_PREFIX: prefix,
      SECURITY_OPERATORS: '*',
      SECURITY_APPROVERS: '*',
      DEFENDER_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'trace',
    });
  }

  /** Traffic that succeeds and fails in many ways: commands, clicks, a digest, refused sends, odd headers. */
  async function exercise(bot: BotProcess): Promise<void> {
    const serviceUrl = connector.url;
    const bearer = `Bearer ${hmacJwt('a user token')}`;
    await post(bot, botAddedToTeam({ serviceUrl }), bearer);
    for (const text of [
      'help',
      'show devices',
      'secure score',
      'show pending actions',
      'show incidents',
      'digest daily',
    ]) {
      await post(bot, channelMessage(text, { serviceUrl }), bearer);
    }
    await post(
      bot,
      cardClick('scan', { deviceId: FAKE_CLOUD_DEVICE_IDS[0], scanType: 'Quick' }, 'card-1', { serviceUrl }),
      bearer,
    );
    await post(bot, cardClick('scan', { deviceId: 'a'.repeat(40), scanType: 'Full' }, 'card-2', { serviceUrl }));
    await post(bot, cardClick('scan', { deviceId: '../x' }, 'card-3', { serviceUrl }));
    // Teams refuses the next sends: the failures are logged.
    connector.failNext(500, 3);
    connector.failNext(401, 2);
    await post(bot, channelMessage('help', { serviceUrl }), bearer);
    await post(bot, channelMessage('secure score', { serviceUrl }), bearer);
    await post(bot, { type: 'message', text: 'x', authorization: bearer, password: BOT_PASSWORD });
  }

  it('never logs BOT_PASSWORD, AZURE_CLIENT_SECRET, the storage key or a bearer token, working or failing', async () => {
    const wrongSecret = 'Wr0ng~client.secret_value-0815';
    const [working, refused] = await Promise.all([
      startLiveBot(cloud.clientSecret, 'idgood'),
      startLiveBot(wrongSecret, 'idbad'),
    ]);
    try {
      await Promise.all([exercise(working), exercise(refused)]);
      // The tracker of the started scan polls once more before the bots stop.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await Promise.all([working.stop(), refused.stop()]);
    }
    const accountKey = /AccountKey=([^;]+)/.exec(azurite.connectionString)![1];
    const issuedTokens = cloud.tokenRequests.flatMap((t) => (t.token ? [t.token] : []));
    expect(issuedTokens.length).toBeGreaterThan(0);
    // Something did fail and was logged, so the greps below looked at error lines too.
    expect(refused.output()).toMatch(/"level":(40|50)/);
    expect(refused.output()).toMatch(/AADSTS7000215|invalid_client|credential/i);
    expect(working.output()).toMatch(/"level":(40|50)/);
    for (const [name, output] of [
      ['working', working.output()],
      ['refused', refused.output()],
    ] as const) {
      const hits = [
        ['BOT_PASSWORD', BOT_PASSWORD],
        ['AZURE_CLIENT_SECRET', cloud.clientSecret],
        ['wrong AZURE_CLIENT_SECRET', wrongSecret],
        ['storage account key', accountKey],
        ['storage connection string', azurite.connectionString],
        ['user bearer token', hmacJwt('a user token')],
        ...issuedTokens.map((t) => ['issued access token', t]),
      ].filter(([, secret]) => output.includes(secret));
      expect({ bot: name, hits: hits.map(([what]) => what) }).toEqual({ bot: name, hits: [] });
      expect(output).not.toMatch(/unhandled rejection|uncaught/i);
    }
    expect(connector.calls.some((c) => c.conversationId === CHANNEL_ID)).toBe(true);
  });
});
