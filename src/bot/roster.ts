/**
 * The member roster of a conversation, read from Teams with the paged members API
 * (`TeamsInfo.getPagedMembers`: `GET /v3/conversations/{id}/pagedmembers`), from a stored reference, so it works
 * for scheduled digests as well as inside a turn. `ProactiveMessenger.members` calls it within the Teams limits.
 *
 * A reference carries no team, so the call lists the members of the conversation itself: for a channel, the
 * channel's members, which in a shared channel include the people of other organisations.
 */
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { TeamsInfo, type ConversationReference } from 'botbuilder';
import type { RosterMember } from '../members';

/** Members asked for per page (Teams serves 50 to 500). */
const PAGE_SIZE = 500;
/** Pages read at most (25,000 members, the largest team Teams allows, fit in 50). */
const MAX_PAGES = 60;

/** Every member of the conversation of `reference`, page by page. */
export async function readRoster(
  adapter: TeamsAdapter,
  botAppId: string,
  reference: Partial<ConversationReference>,
): Promise<RosterMember[]> {
  const members: RosterMember[] = [];
  const conversationId = reference.conversation?.id ?? 'unknown';
  await adapter.continueConversationAsync(botAppId, reference, async (context) => {
    let token: string | undefined;
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new Error(`the roster of ${conversationId} has more than ${MAX_PAGES} pages`);
      const result = await TeamsInfo.getPagedMembers(context, PAGE_SIZE, token);
      for (const m of result.members ?? []) {
        members.push({ aadObjectId: m.aadObjectId, name: m.name, tenantId: m.tenantId });
      }
      token = result.continuationToken || undefined;
      if (!token) break;
      if (seen.has(token)) throw new Error(`the roster of ${conversationId} repeats a continuation token`);
      seen.add(token);
    }
  });
  return members;
}
