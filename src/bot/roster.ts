/**
 * The member roster of a stored conversation, read from Teams with the paged members API
 * (`TeamsInfo.getPagedMembers`: `GET /v3/conversations/{id}/pagedmembers`), from the stored reference, so it works
 * for scheduled digests as well as inside a turn.
 *
 * The reference carries no team, so the call lists the members of the conversation itself: for a channel, the
 * channel's members, which in a shared channel include the people of other organisations.
 */
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { TeamsInfo, type ConversationReference } from 'botbuilder';
import type { Roster, RosterMember } from '../members';
import type { ConversationRecord } from '../store/conversations';

/** Members asked for per page (Teams serves 50 to 500). */
const PAGE_SIZE = 500;
/** Pages read at most (25,000 members, the largest team Teams allows, fit in 50). */
const MAX_PAGES = 60;

/** Reads conversation rosters through the Bot Framework connector. */
export class TeamsRoster implements Roster {
  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
  ) {}

  async members(conversation: ConversationRecord): Promise<RosterMember[]> {
    const reference = conversation.reference as Partial<ConversationReference>;
    const members: RosterMember[] = [];
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      let token: string | undefined;
      const seen = new Set<string>();
      for (let page = 0; ; page++) {
        if (page >= MAX_PAGES) throw new Error(`the roster of ${conversation.id} has more than ${MAX_PAGES} pages`);
        const result = await TeamsInfo.getPagedMembers(context, PAGE_SIZE, token);
        for (const m of result.members ?? []) {
          members.push({ aadObjectId: m.aadObjectId, name: m.name, tenantId: m.tenantId });
        }
        token = result.continuationToken || undefined;
        if (!token) break;
        if (seen.has(token)) throw new Error(`the roster of ${conversation.id} repeats a continuation token`);
        seen.add(token);
      }
    });
    return members;
  }
}
