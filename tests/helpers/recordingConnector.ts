/**
 * A recording Bot Framework connector: the `serviceUrl` the bot replies to in end-to-end tests.
 *
 * It answers `POST /v3/conversations/:id/activities[/:replyToId]` (send / reply),
 * `PUT /v3/conversations/:id/activities/:activityId` (update) and the member lookup
 * `GET /v3/conversations/:id/members/:memberId` (`TeamsInfo.getMember`; `:id` is the team id in a channel) like the
 * Teams connector, records every call, and can enforce the Teams rate limits (429 + `Retry-After`) or fail on demand.
 * It also serves the member roster the way Teams does (`GET /v3/conversations/:id/pagedmembers?pageSize=&
 * continuationToken=`, which botbuilder's `TeamsInfo.getPagedMembers` calls): by default the two test users of the
 * home tenant; `setMembers` changes it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ANALYST, APPROVER, OUTSIDER, TENANT_ID, type TestUser } from './activities';

/** One call the bot made to the connector. */
export interface ConnectorCall {
  method: 'POST' | 'PUT' | 'DELETE' | string;
  path: string;
  conversationId: string;
  /** For PUT: the updated activity id; for POST: the activity replied to, if any. */
  activityId?: string;
  /** The id the connector gave a posted activity. */
  createdId?: string;
  body: any;
  at: number;
  status: number;
}

/** A conversation member as Teams lists it (`TeamsChannelAccount`). */
export interface RosterMember {
  id: string;
  name: string;
  aadObjectId: string;
  tenantId: string;
  userPrincipalName?: string;
  userRole?: string;
}

/** A test user as a roster member of `tenantId` (the home tenant unless given). */
export function rosterMember(user: TestUser, tenantId: string = TENANT_ID): RosterMember {
  return { id: user.id, name: user.name, aadObjectId: user.aadObjectId, tenantId, userRole: 'user' };
}

/** One roster read the bot made. */
export interface RosterCall {
  conversationId: string;
  pageSize?: number;
  continuationToken?: string;
  at: number;
}

/** Options of the recording connector. */
export interface ConnectorOptions {
  /** Enforce the Teams limits: 7 sends per second per conversation, 50 per second in total; else 429. */
  enforceTeamsLimits?: boolean;
  /** The people the member lookup knows (default: the analyst, the approver and the outsider). */
  members?: TestUser[];
}

/** A running recording connector. */
export interface RecordingConnector {
  url: string;
  calls: ConnectorCall[];
  /** Successful sends and updates (status 2xx). */
  delivered(): ConnectorCall[];
  /** Cards (Adaptive Card contents) delivered to a conversation, in order, with the activity id each lives at. */
  cards(conversationId?: string): { activityId: string; card: any; call: ConnectorCall }[];
  /** The current content of every card activity (after updates), by activity id. */
  latestCards(conversationId?: string): Map<string, any>;
  /** Answer the next `count` calls with this status. */
  failNext(status: number, count?: number, retryAfterSeconds?: number): void;
  /** Makes the member lookup know `user` too. */
  addMember(user: TestUser): void;
  /** Member lookups (`GET …/members/:memberId`) made so far. */
  memberLookups(): ConnectorCall[];
  /** Roster reads (`GET …/pagedmembers`), apart from `calls`, in order. */
  rosterCalls: RosterCall[];
  /** Sets the members Teams lists for a conversation (for all conversations when `conversationId` is `*`). */
  setMembers(conversationId: string, members: RosterMember[]): void;
  /** Resolves when `predicate` holds for the calls, or rejects after `timeoutMs`. */
  waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a recording connector on a free loopback port. */
export async function startRecordingConnector(options: ConnectorOptions = {}): Promise<RecordingConnector> {
  const calls: ConnectorCall[] = [];
  let nextId = 1;
  const failures: { status: number; retryAfter?: number }[] = [];
  const sendTimes = new Map<string, number[]>();
  const members = new Map<string, TestUser>();
  for (const user of options.members ?? [ANALYST, APPROVER, OUTSIDER]) members.set(user.id, user);
  const rosterCalls: RosterCall[] = [];
  const rosters = new Map<string, RosterMember[]>([['*', [rosterMember(ANALYST), rosterMember(APPROVER)]]]);

  /** `GET /v3/conversations/:id/pagedmembers`: pages of the roster, Teams' page size bounds (50-500) applied. */
  const pagedMembers = (conversationId: string, query: URLSearchParams, res: ServerResponse) => {
    const requested = Number(query.get('pageSize') ?? 200);
    const pageSize = Math.min(500, Math.max(50, Number.isFinite(requested) ? requested : 200));
    const token = query.get('continuationToken') ?? undefined;
    rosterCalls.push({ conversationId, pageSize: requested, continuationToken: token, at: Date.now() });
    const members = rosters.get(conversationId) ?? rosters.get('*')!;
    const start = token ? Number(token) : 0;
    const page = members.slice(start, start + pageSize);
    const next = start + pageSize < members.length ? String(start + pageSize) : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ members: page, ...(next ? { continuationToken: next } : {}) }));
  };

  const overLimit = (key: string, max: number, now: number): number => {
    const times = (sendTimes.get(key) ?? []).filter((t) => t > now - 1000);
    sendTimes.set(key, times);
    return times.length >= max ? Math.max(1, Math.ceil((times[0] + 1000 - now) / 1000)) : 0;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]);
      const roster = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec((req.url ?? '').split('?')[0]);
      if (roster && req.method === 'GET') {
        const query = new URL(req.url ?? '/', 'http://connector.invalid').searchParams;
        return pagedMembers(decodeURIComponent(roster[1]), query, res);
      }
      const match =
        /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec((req.url ?? '').split('?')[0]) ??
        /^\/v3\/conversations\/([^/]+)\/(members)\/([^/]+)$/.exec((req.url ?? '').split('?')[0]);
      let body: any = undefined;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const call: ConnectorCall = {
        method: req.method ?? 'GET',
        path,
        conversationId: match ? decodeURIComponent(match[1]) : '',
        activityId: match?.[2] && match[2] !== 'members' ? decodeURIComponent(match[2]) : undefined,
        body,
        at: Date.now(),
        status: 200,
      };
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        call.status = status;
        calls.push(call);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (!match) return answer(404, { error: { code: 'NotFound', message: `no route ${req.method} ${path}` } });
      const failure = failures.shift();
      if (failure) {
        return answer(
          failure.status,
          { error: { code: 'Injected', message: `injected ${failure.status}` } },
          failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
        );
      }
      if (match[2] === 'members' && match[3] !== undefined) {
        if (req.method !== 'GET') return answer(405, { error: { code: 'MethodNotAllowed', message: 'GET only' } });
        // As Teams answers it, the Entra object id as `objectId`:
        // https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#get-single-member-details
        const member = members.get(decodeURIComponent(match[3]));
        if (!member) {
          return answer(404, {
            error: { code: 'MemberNotFoundInConversation', message: 'The member is not in this conversation' },
          });
        }
        const [givenName, ...rest] = member.name.split(' ');
        return answer(200, {
          id: member.id,
          name: member.name,
          objectId: member.aadObjectId,
          givenName,
          surname: rest.join(' '),
          email: member.userPrincipalName,
          userPrincipalName: member.userPrincipalName,
          tenantId: TENANT_ID,
          userRole: 'user',
        });
      }
      if (options.enforceTeamsLimits && (req.method === 'POST' || req.method === 'PUT')) {
        const now = Date.now();
        const wait = Math.max(overLimit(`c:${call.conversationId}`, 7, now), overLimit('tenant', 50, now));
        if (wait) {
          return answer(
            429,
            { error: { code: 'TooManyRequests', message: 'rate limited' } },
            { 'retry-after': String(wait) },
          );
        }
        sendTimes.get(`c:${call.conversationId}`)!.push(now);
        sendTimes.get('tenant')!.push(now);
      }
      if (req.method === 'PUT') return answer(200, { id: call.activityId });
      if (req.method === 'POST') {
        call.createdId = `rec-${nextId++}`;
        return answer(200, { id: call.createdId });
      }
      if (req.method === 'DELETE') return answer(200, {});
      return answer(405, { error: { code: 'MethodNotAllowed', message: 'method not allowed' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };

  const delivered = () => calls.filter((c) => c.status >= 200 && c.status < 300);
  const cardsOf = (call: ConnectorCall) =>
    ((call.body?.attachments ?? []) as any[])
      .filter((a) => a?.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((a) => a.content);

  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    delivered,
    cards(conversationId) {
      return delivered()
        .filter((c) => c.method === 'POST' && (!conversationId || c.conversationId === conversationId))
        .flatMap((call) => cardsOf(call).map((card) => ({ activityId: call.createdId!, card, call })));
    },
    latestCards(conversationId) {
      const latest = new Map<string, any>();
      for (const call of delivered()) {
        if (conversationId && call.conversationId !== conversationId) continue;
        const card = cardsOf(call)[0];
        if (!card) continue;
        if (call.method === 'POST') latest.set(call.createdId!, card);
        if (call.method === 'PUT' && call.activityId) latest.set(call.activityId, card);
      }
      return latest;
    },
    failNext(status, count = 1, retryAfterSeconds) {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter: retryAfterSeconds });
    },
    addMember(user) {
      members.set(user.id, user);
    },
    memberLookups: () => calls.filter((c) => /\/members\/[^/]+$/.test(c.path)),
    rosterCalls,
    setMembers(conversationId, members) {
      rosters.set(conversationId, members);
    },
    async waitFor(predicate, timeoutMs = 15_000, what = 'connector calls') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${calls.length} calls recorded`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** All text of a card (TextBlocks, facts, action titles), for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value', 'altText']) if (typeof o[key] === 'string') out.push(o[key] as string);
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return out.join('\n');
}

/** Text as a reader sees it: without the invisible characters and escape backslashes that card escaping puts in. */
export function readable(text: string): string {
  return text.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '').replace(/\\(?=[!-/:-@[-`{-~])/g, '');
}

/** All text of a card as a reader sees it. */
export function readableCardText(card: unknown): string {
  return readable(cardText(card));
}

/** Every `Action.Execute` in a card. */
export function executeActions(card: unknown): { title: string; verb: string; data: any }[] {
  const out: { title: string; verb: string; data: any }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, any>;
    if (o.type === 'Action.Execute') out.push({ title: o.title, verb: o.verb, data: o.data });
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}
