/**
 * A shared channel with a member of another organisation, end to end: the real server (tenant gate on, as in
 * production), the simulated tenant, and the recording connector serving the Teams roster
 * (`GET /v3/conversations/{id}/pagedmembers`, members with their `tenantId`). The daily digest runs every 5 s.
 */
import { formatTime } from '../../src/cards/format';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import type { Stores } from '../../src/store';
import {
  ANALYST,
  APPROVER,
  botAddedToTeam,
  botRemovedFromTeam,
  channelMessage,
  CHANNEL_ID,
  FOREIGN_TENANT_ID,
  TENANT_ID,
  type TestUser,
} from '../helpers/activities';
import { startBot, type BotProcess } from '../helpers/botProcess';
import { logLines, openStore, plain, postedDigests, tempStorePath, waitForDigest } from '../helpers/digests';
import { rosterMember, startRecordingConnector, type RecordingConnector } from '../helpers/recordingConnector';

jest.setTimeout(120_000);

/** A guest of the shared channel from Fabrikam (B2B direct connect). */
const FAY: TestUser = {
  id: '29:1fay-fabrikam',
  name: 'Fay Fabrikam',
  aadObjectId: '7b2e5d3f-0000-4a5b-9c3d-00000000000f',
};
const HOME_MEMBERS = [rosterMember(ANALYST), rosterMember(APPROVER)];
const WITH_FAY = [...HOME_MEMBERS, rosterMember(FAY, FOREIGN_TENANT_ID)];

const STORE_PATH = tempStorePath();
const ENV = {
  STORE: `sqlite:${STORE_PATH}`,
  AZURE_TENANT_ID: TENANT_ID,
  DIGEST_DAILY_CRON: '*/5 * * * * *',
  DIGEST_CATCHUP_SECONDS: '2',
  DIGEST_FIRE_LEASE_SECONDS: '10',
};

let simulator: RunningSimulator;
let connector: RecordingConnector;
let bot: BotProcess;
let store: Stores;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5, alertIntervalMinutes: 0 });
  connector = await startRecordingConnector();
  connector.setMembers(CHANNEL_ID, WITH_FAY);
  bot = await startBot({ ...ENV, SIMULATOR_URL: simulator.url });
  store = openStore(STORE_PATH);
});

afterAll(async () => {
  await bot?.stop();
  await store?.records.close();
  await connector?.close();
  await simulator?.close();
});

/** Polls `probe` until it returns a value. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const withheldFires = () => logLines(bot.logs(), 'daily digest withheld');

test('installed in a shared channel with a member of another organisation: the welcome card says so, and no digest is posted', async () => {
  expect((await bot.send(botAddedToTeam({ serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor(() => connector.cards(CHANNEL_ID).length === 1, 15_000, 'the welcome card');
  const welcome = plain(connector.cards(CHANNEL_ID)[0].card);
  expect(welcome).toContain(
    '1 member of this conversation is from another organisation, so I do not post digests here while ' +
      'ALLOW_EXTERNAL_MEMBERS is off.',
  );
  // Read from the Teams roster, the way botbuilder asks for it.
  expect(connector.rosterCalls.filter((c) => c.conversationId === CHANNEL_ID)).toEqual([
    expect.objectContaining({ pageSize: 500, continuationToken: undefined }),
  ]);

  // Two scheduled fires pass: both withheld, nothing posted, nothing reported as posted.
  await eventually(async () => (withheldFires().length >= 2 ? true : undefined));
  expect(postedDigests(connector)).toEqual([]);
  expect(logLines(bot.logs(), 'daily digest posted')).toEqual([]);
  const subscription = await store.subscriptions.get(CHANNEL_ID, 'daily');
  expect(subscription?.withheldAt).toBeDefined();
  expect(subscription?.lastPostedAt).toBeUndefined();
  expect(subscription?.lastActivityId).toBeUndefined();
  // The roster is kept between fires (read again only after ten minutes or a membership change).
  expect(connector.rosterCalls.filter((c) => c.conversationId === CHANNEL_ID)).toHaveLength(1);

  const audit = await store.audit.recent(50);
  expect(audit).toContainEqual(
    expect.objectContaining({ action: 'external members', outcome: 'withheld', conversationId: CHANNEL_ID }),
  );
  expect(audit).toContainEqual(
    expect.objectContaining({ action: 'digest daily', outcome: 'withheld', conversationId: CHANNEL_ID }),
  );
  expect(audit.find((e) => e.action === 'external members')?.detail).toContain(FOREIGN_TENANT_ID);
});

test('"digest daily" asked there is refused with the reason, and audited', async () => {
  const before = connector.calls.length;
  expect((await bot.send(channelMessage('digest daily', { serviceUrl: connector.url }))).status).toBe(200);
  await connector.waitFor((calls) => calls.slice(before).some((c) => c.method === 'POST'), 15_000, 'the answer');
  const answer = connector.calls.slice(before).find((c) => c.method === 'POST')!;
  const text = plain(answer.body.attachments[0].content);
  expect(text).toContain('Digest not posted');
  expect(text).toContain('1 member of this conversation is from another organisation, so digests are not posted here');
  expect(text).not.toMatch(/Daily security digest/);
  expect(await store.audit.recent(10)).toContainEqual(
    expect.objectContaining({ action: 'digest daily', outcome: 'refused', userId: ANALYST.aadObjectId }),
  );

  // Subscribing there says at once that the digests will not come.
  const beforeSubscribe = connector.calls.length;
  await bot.send(channelMessage('subscribe weekly', { serviceUrl: connector.url }));
  await connector.waitFor(
    (calls) => calls.slice(beforeSubscribe).some((c) => c.method === 'POST'),
    15_000,
    'the subscribe answer',
  );
  const subscribed = connector.calls.slice(beforeSubscribe).find((c) => c.method === 'POST')!;
  expect(plain(subscribed.body.attachments[0].content)).toMatch(
    /This conversation gets the weekly digest .* But 1 member of this conversation is from another organisation, so digests are not posted here/,
  );
});

test('with ALLOW_EXTERNAL_MEMBERS=true the next digest is posted, and it covers everything since the first withheld one', async () => {
  const kept = (await store.subscriptions.get(CHANNEL_ID, 'daily'))!.watermark!;
  expect(kept).toBeDefined();
  expect(await bot.stop()).toBe(0);
  bot = await startBot({ ...ENV, SIMULATOR_URL: simulator.url, ALLOW_EXTERNAL_MEMBERS: 'true' });

  const digest = await waitForDigest(connector, 'daily', 1, 20_000);
  expect(digest.text).toMatch(/Daily security digest/);
  expect(digest.text).toContain(formatTime(kept, { timeZone: 'UTC' }));
  expect(digest.text).not.toMatch(/First digest/);
  const posted = await eventually(async () => logLines(bot.logs(), 'daily digest posted')[0]);
  expect(posted.since).toBe(kept);
  const subscription = await eventually(async () => {
    const s = await store.subscriptions.get(CHANNEL_ID, 'daily');
    return s?.lastActivityId ? s : undefined;
  });
  expect(subscription.withheldAt).toBeUndefined();
  expect(subscription.lastActivityId).toBe(digest.activityId);
});

test('with the setting off again, digests stop; when Teams reports the guest left, they resume at once', async () => {
  expect(await bot.stop()).toBe(0);
  bot = await startBot({ ...ENV, SIMULATOR_URL: simulator.url });
  await eventually(async () => (withheldFires().length >= 1 ? true : undefined));
  const posts = postedDigests(connector, 'daily').length;

  connector.setMembers(CHANNEL_ID, HOME_MEMBERS);
  const left = { ...botRemovedFromTeam({ serviceUrl: connector.url }), membersRemoved: [{ id: FAY.id }] };
  expect((await bot.send(left)).status).toBe(200);
  await waitForDigest(connector, 'daily', posts + 1, 20_000);
  expect(await store.subscriptions.get(CHANNEL_ID, 'daily')).toBeDefined();
});
