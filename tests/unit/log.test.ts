/**
 * The structured logger never writes a secret: not in a field that holds one, not inside free text, not inside an
 * error's message or stack, not deep inside an object — and errors keep their message and stack while being scrubbed.
 */
import { Writable } from 'node:stream';
import { createLogger, redactText, requestContext, type Logger } from '../../src/log';

const BOT_PASSWORD = 'bot~Pa55word.Value_123';
const CLIENT_SECRET = 'Qx8Q~client.secret-value-456';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const CONNECTION_STRING = `DefaultEndpointsProtocol=https;AccountName=prodaccount;AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`;
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwic3ViIjoiMTIzIn0.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLXRva2Vu';
const OPAQUE_TOKEN = 'opaque-token-value-0123456789';

/** A logger writing into memory; `text()` is everything written, `lines()` the parsed JSON lines. */
function memoryLogger(secrets: string[] = [BOT_PASSWORD, CLIENT_SECRET, CONNECTION_STRING]) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const log: Logger = createLogger({ level: 'trace', secrets, destination });
  return {
    log,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

function expectNoSecrets(text: string): void {
  for (const secret of [BOT_PASSWORD, CLIENT_SECRET, ACCOUNT_KEY, JWT, OPAQUE_TOKEN, 'signature-part-of-the-token']) {
    expect(text).not.toContain(secret);
  }
}

describe('redactText', () => {
  it('removes bearer tokens, JWTs, account keys, SAS signatures and form-encoded secrets from free text', () => {
    const text = [
      `Authorization: Bearer ${JWT}`,
      `token ${JWT} seen`,
      CONNECTION_STRING,
      'https://acct.blob.core.windows.net/c?sv=2024&sig=AbCdEf%2Bsecret&se=2030',
      `grant_type=client_credentials&client_secret=${CLIENT_SECRET}&scope=x`,
    ].join('\n');
    const out = redactText(text);
    expect(out).not.toContain(JWT.split('.')[1]);
    expect(out).not.toContain(ACCOUNT_KEY);
    expect(out).not.toContain('AbCdEf%2Bsecret');
    expect(out).not.toContain(CLIENT_SECRET);
    expect(out).toContain('AccountName=prodaccount');
    expect(out).toContain('Bearer [redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'scan of device pc-042 started by Ann (ScanType Quick), 3 alerts, see https://security.microsoft.com';
    expect(redactText(text)).toBe(text);
  });
});

describe('createLogger', () => {
  it('replaces fields named like secrets at any depth, whatever they hold', () => {
    const { log, lines, text } = memoryLogger([]);
    log.info(
      {
        password: 'p1-value',
        config: { bot: { id: 'x', password: 'p2-value' }, azure: { clientSecret: 'p3-value' } },
        request: { headers: { Authorization: 'p4-value', authorization: 'p5-value', 'x-other': 'visible' } },
        storage: { connectionString: 'p6-value' },
        tokens: [{ accessToken: 'p7-value' }, { token: 'p8-value' }],
      },
      'settings',
    );
    for (const value of [
      'p1-value',
      'p2-value',
      'p3-value',
      'p4-value',
      'p5-value',
      'p6-value',
      'p7-value',
      'p8-value',
    ]) {
      expect(text()).not.toContain(value);
    }
    expect(lines()[0].request.headers['x-other']).toBe('visible');
    expect(lines()[0].config.bot.id).toBe('x');
  });

  it('scrubs the configured secret values and token shapes from messages and nested strings', () => {
    const { log, text } = memoryLogger();
    log.warn(`login failed with ${BOT_PASSWORD} and ${CLIENT_SECRET}`);
    log.info({ detail: { note: `storage is ${CONNECTION_STRING}` }, header: `Bearer ${OPAQUE_TOKEN}` }, `got ${JWT}`);
    log.info({ a: { b: { c: { d: { e: { f: { g: { h: { i: BOT_PASSWORD } } } } } } } } }, 'deep');
    expectNoSecrets(text());
    expect(text()).toContain('[redacted]');
  });

  it('keeps an error’s type, message and stack, with secrets removed, whether logged as { err } or first', () => {
    const { log, lines, text } = memoryLogger();
    class TeamsSendError extends Error {}
    const error = new TeamsSendError(`POST failed: Authorization: Bearer ${JWT}; password=${BOT_PASSWORD}`);
    Object.assign(error, { statusCode: 502, request: { headers: { authorization: `Bearer ${OPAQUE_TOKEN}` } } });
    log.error({ err: error, conversationId: 'c1' }, 'send failed');
    log.error(error, 'send failed again');
    log.error({ err: new Error('outer', { cause: new Error(`inner with ${CLIENT_SECRET}`) }) }, 'with a cause');
    expectNoSecrets(text());
    const [first, second, third] = lines();
    for (const line of [first, second]) {
      expect(line.err.type).toBe('TeamsSendError');
      expect(line.err.message).toMatch(/^POST failed/);
      expect(line.err.stack).toMatch(/TeamsSendError|Error/);
      expect(line.err.statusCode).toBe(502);
      expect(line.err.request.headers.authorization).toBe('[redacted]');
    }
    expect(first.conversationId).toBe('c1');
    expect(third.err.message).toMatch(/inner with \[redacted\]/);
  });

  it('scrubs child-logger bindings and survives circular and binary values', () => {
    const { log, text, lines } = memoryLogger();
    const child = log.child({
      part: 'teams',
      credential: { clientSecret: CLIENT_SECRET },
      note: `started with ${BOT_PASSWORD}`,
      deeper: { azure: { settings: { password: 'p9-value' } } },
    });
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    child.info({ loop, body: Buffer.from(BOT_PASSWORD) }, 'odd values');
    expectNoSecrets(text());
    expect(text()).not.toContain('p9-value');
    expect(lines()[0].part).toBe('teams');
    expect(lines()[0].loop.self).toBe('[circular]');
  });
});

test('every line written while an activity is handled carries its request id, even after an await', async () => {
  const { log, lines } = memoryLogger();
  log.info('before');
  await requestContext.run({ requestId: 'req-42', activityType: 'message' }, async () => {
    log.info('inside');
    await new Promise((resolve) => setTimeout(resolve, 1));
    log.child({ part: 'defender' }).warn('deeper');
  });
  log.info('after');
  const [before, inside, deeper, after] = lines();
  expect(before.requestId).toBeUndefined();
  expect(inside).toMatchObject({ requestId: 'req-42', activityType: 'message' });
  expect(deeper).toMatchObject({ requestId: 'req-42', part: 'defender' });
  expect(after.requestId).toBeUndefined();
});
