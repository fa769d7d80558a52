/**
 * Activities exactly as Teams sends them in a team channel, for end-to-end tests.
 */
import { randomUUID } from 'node:crypto';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const TEAM_ID = '19:teamGeneral0123456789abcdef@thread.tacv2';
export const CHANNEL_ID = '19:securityChannel0123456789ab@thread.tacv2';
export const BOT = { id: '28:0b7c6f0e-2f3b-4a9e-9d2b-4d1e2f3a4b5c', name: 'Watchstander' };

/** A Teams user. */
export interface TestUser {
  id: string;
  name: string;
  aadObjectId: string;
  /** What the Teams member lookup answers as `userPrincipalName`. */
  userPrincipalName?: string;
}

export const ANALYST: TestUser = {
  id: '29:1analyst-teams-id',
  name: 'Ann Analyst',
  aadObjectId: '6a1f4c2e-1111-4a5b-9c3d-000000000001',
  userPrincipalName: 'ann.analyst@contoso.com',
};
export const APPROVER: TestUser = {
  id: '29:1approver-teams-id',
  name: 'Bob Approver',
  aadObjectId: '6a1f4c2e-2222-4a5b-9c3d-000000000002',
  userPrincipalName: 'bob.approver@contoso.com',
};
export const OUTSIDER: TestUser = {
  id: '29:1outsider-teams-id',
  name: 'Olly Outsider',
  aadObjectId: '6a1f4c2e-3333-4a5b-9c3d-000000000003',
  userPrincipalName: 'olly.outsider@contoso.com',
};

/** Where the activities come from. */
export interface ChannelOptions {
  serviceUrl: string;
  channelId?: string;
  user?: TestUser;
}

function channelBase(options: ChannelOptions, conversationId: string) {
  const channelId = options.channelId ?? CHANNEL_ID;
  const user = options.user ?? ANALYST;
  return {
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: BOT,
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID },
    channelData: {
      teamsChannelId: channelId,
      teamsTeamId: TEAM_ID,
      channel: { id: channelId, name: 'Security' },
      team: { id: TEAM_ID, name: 'Contoso IT' },
      tenant: { id: TENANT_ID },
    },
    locale: 'en-US',
  };
}

/** "@Watchstander <text>" posted as a new message in the channel (a new thread). */
export function channelMessage(text: string, options: ChannelOptions) {
  const id = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const channelId = options.channelId ?? CHANNEL_ID;
  return {
    ...channelBase(options, `${channelId};messageid=${id}`),
    type: 'message',
    id,
    text: `<at>${BOT.name}</at> ${text}`,
    textFormat: 'plain',
    entities: [
      { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: BOT.name } },
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/London' },
    ],
  };
}

/** The bot added to the team: `conversationUpdate` with the bot in `membersAdded`, in the General channel. */
export function botAddedToTeam(options: ChannelOptions) {
  return botMembership('membersAdded', 'teamMemberAdded', options);
}

/** `installationUpdate` add/remove in the team. */
export function installationUpdate(action: 'add' | 'remove', options: ChannelOptions) {
  const channelId = options.channelId ?? CHANNEL_ID;
  return { ...channelBase(options, channelId), type: 'installationUpdate', id: `f:${randomUUID()}`, action };
}

/** The bot removed from the team. */
export function botRemovedFromTeam(options: ChannelOptions) {
  return botMembership('membersRemoved', 'teamMemberRemoved', options);
}

function botMembership(
  members: 'membersAdded' | 'membersRemoved',
  eventType: 'teamMemberAdded' | 'teamMemberRemoved',
  options: ChannelOptions,
) {
  const base = channelBase(options, options.channelId ?? CHANNEL_ID);
  return {
    ...base,
    type: 'conversationUpdate',
    id: `f:${randomUUID()}`,
    [members]: [{ id: BOT.id }],
    channelData: { ...base.channelData, eventType },
  };
}

/** A click on an `Action.Execute` button of the card posted as `replyToId`. */
export function cardClick(verb: unknown, data: unknown, replyToId: string, options: ChannelOptions) {
  const channelId = options.channelId ?? CHANNEL_ID;
  return {
    ...channelBase(options, `${channelId};messageid=${replyToId}`),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `f:${randomUUID()}`,
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** A tenant other than `TENANT_ID` (Fabrikam), for activities from another organisation. */
export const FOREIGN_TENANT_ID = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';

/** The same activity as sent from `tenantId`: both places Teams names the tenant say so. */
export function inTenant<T extends { conversation: object; channelData: object }>(activity: T, tenantId: string): T {
  return {
    ...activity,
    conversation: { ...activity.conversation, tenantId },
    channelData: { ...activity.channelData, tenant: { id: tenantId } },
  };
}
