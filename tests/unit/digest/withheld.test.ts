/**
 * Digests and conversations with members of other organisations: withheld (not posted, not reported as posted,
 * audited), the slot done, the watermark kept, so the first digest posted there later covers the whole time.
 */
import { runFire } from '../../../src/digest/fire';
import { fireAt, type Fire } from '../../../src/digest/schedule';
import type { RosterMember } from '../../../src/members';
import type { Services } from '../../../src/services';
import { staticRoster, testMembers } from '../../helpers/members';
import { readableCardText } from '../../helpers/recordingConnector';
import { quietTenant, recordingMessenger, testClock, testServices } from './fixtures';

const HOME = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const FABRIKAM = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';
const CHANNEL = '19:shared@thread.tacv2';
const DAILY = '0 8 * * *';
const fire = (iso: string): Fire => fireAt('daily', DAILY, new Date(iso), 'UTC');
const options = { reason: 'scheduled' as const, leaseMs: 30_000, stopping: () => false };

async function sharedChannel(members: RosterMember[], env: Record<string, string> = {}) {
  const clock = testClock('2025-06-02T08:00:00.000Z');
  const messenger = recordingMessenger();
  const config = { DIGEST_DAILY_CRON: DAILY, AZURE_TENANT_ID: HOME, ...env };
  const base = testServices({ defender: quietTenant(), messenger, clock, env: config });
  const services: Services = { ...base, members: testMembers(base.config, staticRoster(members), () => clock.now()) };
  await services.stores.conversations.save({
    id: CHANNEL,
    type: 'channel',
    tenantId: HOME,
    reference: {},
    installedAt: '2025-05-01T00:00:00.000Z',
  });
  await services.stores.subscriptions.subscribe(CHANNEL, 'daily', undefined, new Date('2025-05-01T00:00:00Z'));
  await services.stores.subscriptions.markPosted(CHANNEL, 'daily', {
    watermark: '2025-06-01T08:00:00.000Z',
    slot: '2025-06-01T08:00:00.000Z',
    at: '2025-06-01T08:00:01.000Z',
  });
  return { services, messenger, clock };
}

const members = [
  { name: 'Ann', aadObjectId: 'a', tenantId: HOME },
  { name: 'Fay', aadObjectId: 'f', tenantId: FABRIKAM },
];

describe('a digest due in a conversation with a member of another organisation', () => {
  it('is withheld: nothing posted, the slot done (no retry), the watermark where it was, and audited', async () => {
    const { services, messenger } = await sharedChannel(members);
    const result = await runFire(services, fire('2025-06-02T08:00:00.000Z'), options);
    expect(result).toMatchObject({ outcome: 'done', due: 1, posts: { withheld: 1 } });
    expect(messenger.posts).toEqual([]);
    const subscription = await services.stores.subscriptions.get(CHANNEL, 'daily');
    expect(subscription).toMatchObject({
      watermark: '2025-06-01T08:00:00.000Z',
      lastSlot: '2025-06-02T08:00:00.000Z',
      lastPostedAt: '2025-06-01T08:00:01.000Z',
      withheldAt: '2025-06-02T08:00:00.000Z',
    });
    const [entry] = await services.stores.audit.recent(1);
    expect(entry).toMatchObject({ action: 'digest daily', outcome: 'withheld', conversationId: CHANNEL });
    expect(entry.detail).toMatch(/^1 member of this conversation is from another organisation/);
    // A second run of the same fire does nothing more.
    expect(await runFire(services, fire('2025-06-02T08:00:00.000Z'), options)).toMatchObject({ due: 0 });
  });

  it('once ALLOW_EXTERNAL_MEMBERS=true, the next digest is posted and covers the withheld days too', async () => {
    const { services, messenger, clock } = await sharedChannel(members);
    await runFire(services, fire('2025-06-02T08:00:00.000Z'), options);
    clock.set('2025-06-03T08:00:00.000Z');
    await runFire(services, fire('2025-06-03T08:00:00.000Z'), options);
    expect(messenger.posts).toEqual([]);

    const allowing: Services = {
      ...services,
      members: testMembers({ ...services.config, allowExternalMembers: true }, staticRoster(members)),
    };
    clock.set('2025-06-04T08:00:00.000Z');
    const result = await runFire(allowing, fire('2025-06-04T08:00:00.000Z'), options);
    expect(result.posts).toEqual({ posted: 1 });
    expect(messenger.posts).toHaveLength(1);
    // Its period starts at the last digest actually posted there, three days ago.
    const text = readableCardText(messenger.posts[0].card);
    expect(text).toMatch(/Sun 1 Jun 2025 08:00 UTC/);
    expect(text).not.toMatch(/First digest/);
    const subscription = await services.stores.subscriptions.get(CHANNEL, 'daily');
    expect(subscription?.watermark).toBe('2025-06-04T08:00:00.000Z');
    expect(subscription?.withheldAt).toBeUndefined();
  });

  it('a subscription withheld from its first digest keeps that first period: its window starts there', async () => {
    const { services } = await sharedChannel(members);
    await services.stores.subscriptions.subscribe('19:new@thread.tacv2', 'daily', undefined, new Date('2025-06-01Z'));
    await services.stores.conversations.save({
      id: '19:new@thread.tacv2',
      type: 'channel',
      tenantId: HOME,
      reference: {},
      installedAt: '2025-06-01T00:00:00.000Z',
    });
    await runFire(services, fire('2025-06-02T08:00:00.000Z'), options);
    expect((await services.stores.subscriptions.get('19:new@thread.tacv2', 'daily'))?.watermark).toBe(
      '2025-06-01T08:00:00.000Z',
    );
  });

  it('a roster Teams cannot list fails the post (retried later), never posts blind', async () => {
    const { services, messenger } = await sharedChannel([]);
    const failing: Services = {
      ...services,
      members: testMembers(services.config, {
        members: () => Promise.reject(new Error('HTTP 502 from the connector')),
      }),
    };
    const result = await runFire(failing, fire('2025-06-02T08:00:00.000Z'), options);
    expect(result).toMatchObject({ outcome: 'retry', posts: { failed: 1 } });
    expect(messenger.posts).toEqual([]);
    expect((await services.stores.subscriptions.get(CHANNEL, 'daily'))?.lastSlot).toBe('2025-06-01T08:00:00.000Z');
  });

  it('members of the home tenant only: posted as always', async () => {
    const { services, messenger } = await sharedChannel([members[0]]);
    expect((await runFire(services, fire('2025-06-02T08:00:00.000Z'), options)).posts).toEqual({ posted: 1 });
    expect(messenger.posts).toHaveLength(1);
  });
});
