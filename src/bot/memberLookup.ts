/**
 * Who is behind an activity, as Teams knows them: the conversation member lookup (`TeamsInfo.getMember`, i.e.
 * `GET /v3/conversations/{team or conversation id}/members/{user id}` on the activity's `serviceUrl`) gives the
 * member's user principal name. Triage gives incidents to that name only; a card's data never stands in for it.
 */
import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from 'botbuilder';
import type { PrincipalLookup } from '../actions/types';

/** A lookup of the sender's user principal name, asked at most once and only when called. */
export function principalLookup(context: TurnContext): PrincipalLookup {
  let asked: Promise<string> | undefined;
  return () => (asked ??= lookUp(context));
}

async function lookUp(context: TurnContext): Promise<string> {
  const from = context.activity.from;
  if (!from?.id) throw new Error('the activity names no sender');
  let member: TeamsChannelAccount & { objectId?: string };
  try {
    member = await TeamsInfo.getMember(context, from.id);
  } catch (error) {
    throw new Error(`the member lookup answered ${failure(error)}`);
  }
  const upn = typeof member?.userPrincipalName === 'string' ? member.userPrincipalName.trim() : '';
  if (!upn) throw new Error('Teams gave no user principal name for you');
  // Teams answers with `objectId` (the Playground with `aadObjectId`): it must be the sender's own Entra object id.
  const objectId = member.aadObjectId ?? member.objectId;
  if (from.aadObjectId && objectId && objectId.toLowerCase() !== from.aadObjectId.toLowerCase()) {
    throw new Error('Teams answered about another account');
  }
  return upn;
}

/** "HTTP 404 MemberNotFoundInConversation" (or "nothing" when no answer came), without anything else. */
function failure(error: unknown): string {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof e?.statusCode === 'number' ? `HTTP ${e.statusCode}` : undefined;
  const code = typeof e?.code === 'string' && /^[A-Za-z]{1,60}$/.test(e.code) ? e.code : undefined;
  return [status, code].filter(Boolean).join(' ') || 'nothing';
}
