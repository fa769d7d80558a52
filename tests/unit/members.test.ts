/**
 * Members of other organisations in a conversation: counted from the Teams roster, kept for a while, forgotten on
 * membership changes, and the rule for digests.
 */
import { loadConfig } from '../../src/config';
import type { RosterMember } from '../../src/members';
import type { ConversationRecord } from '../../src/store/conversations';
import { staticRoster, testMembers } from '../helpers/members';

const HOME = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PARTNER = '3c1d2e4f-aaaa-4bbb-8ccc-0d1e2f3a4b5c';
const FABRIKAM = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';

const channel: ConversationRecord = {
  id: '19:shared@thread.tacv2',
  type: 'channel',
  tenantId: HOME,
  teamId: '19:team@thread.tacv2',
  reference: {},
  installedAt: '2026-01-05T10:00:00Z',
};

const member = (name: string, tenantId?: string): RosterMember => ({ name, aadObjectId: name, tenantId });

function clock() {
  let t = Date.parse('2026-01-05T10:00:00Z');
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('conversation members', () => {
  const gated = loadConfig({ AZURE_TENANT_ID: HOME, ALLOWED_TENANTS: PARTNER });

  it('counts members of tenants the bot does not serve, and members that name no tenant', async () => {
    const roster = staticRoster([
      member('ann', HOME),
      member('pat', PARTNER.toUpperCase()),
      member('fay', FABRIKAM),
      member('fred', FABRIKAM),
      member('nobody'),
    ]);
    const audience = await testMembers(gated, roster).audience(channel);
    expect(audience).toMatchObject({ members: 5, external: 3, externalTenants: [FABRIKAM, 'unknown'] });
  });

  it('digests are withheld where external members are, unless ALLOW_EXTERNAL_MEMBERS=true (then no roster read)', async () => {
    const roster = staticRoster([member('ann', HOME), member('fay', FABRIKAM)]);
    const verdict = await testMembers(gated, roster).digestVerdict(channel);
    expect(verdict).toMatchObject({
      post: false,
      reason:
        '1 member of this conversation is from another organisation, so digests are not posted here ' +
        '(ALLOW_EXTERNAL_MEMBERS is off).',
    });
    const allowing = loadConfig({ AZURE_TENANT_ID: HOME, ALLOW_EXTERNAL_MEMBERS: 'true' });
    const unread = staticRoster([member('fay', FABRIKAM)]);
    expect(await testMembers(allowing, unread).digestVerdict(channel)).toEqual({ post: true });
    expect(unread.reads).toBe(0);
    expect(await testMembers(gated, staticRoster([member('ann', HOME)])).digestVerdict(channel)).toEqual({
      post: true,
    });
  });

  it('with the gate off, "external" means another tenant than the conversation’s', async () => {
    const local = loadConfig({});
    const roster = staticRoster([member('ann', HOME), member('fay', FABRIKAM)]);
    expect((await testMembers(local, roster).audience(channel)).external).toBe(1);
  });

  it('keeps a roster for ten minutes, and forgets it when Teams reports a membership change in the team', async () => {
    const time = clock();
    const members: RosterMember[] = [member('ann', HOME)];
    const roster = staticRoster(members);
    const check = testMembers(gated, roster, time.now);
    await check.audience(channel);
    time.advance(9 * 60_000);
    await check.audience(channel);
    expect(roster.reads).toBe(1);
    members.push(member('fay', FABRIKAM));
    check.forget('19:general@thread.tacv2', channel.teamId);
    expect((await check.audience(channel)).external).toBe(1);
    expect(roster.reads).toBe(2);
    time.advance(10 * 60_000 + 1);
    await check.audience(channel);
    expect(roster.reads).toBe(3);
  });

  it('a roster that cannot be read is not kept: the next question asks Teams again', async () => {
    let reads = 0;
    const check = testMembers(gated, {
      async members() {
        reads += 1;
        if (reads === 1) throw new Error('HTTP 502 from the connector');
        return [member('ann', HOME)];
      },
    });
    await expect(check.digestVerdict(channel)).rejects.toThrow('HTTP 502');
    await expect(check.digestVerdict(channel)).resolves.toEqual({ post: true });
  });
});
