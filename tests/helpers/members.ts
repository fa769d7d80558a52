/**
 * Conversation members for tests that build `Services` by hand: a roster that lists whom the test says (nobody
 * by default, so every digest may be posted).
 */
import type { Config } from '../../src/config';
import { ConversationMembers, type Roster, type RosterMember } from '../../src/members';
import { TenantPolicy } from '../../src/tenants';

/** A roster that answers `members` for every conversation (and counts its reads). */
export function staticRoster(members: RosterMember[] = []): Roster & { reads: number } {
  const roster = {
    reads: 0,
    async members() {
      roster.reads += 1;
      return members;
    },
  };
  return roster;
}

/** The members check of `config` over `roster`. */
export function testMembers(config: Config, roster: Roster = staticRoster(), now?: () => Date): ConversationMembers {
  return new ConversationMembers(roster, new TenantPolicy(config.tenants), config.allowExternalMembers, now);
}
