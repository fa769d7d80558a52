/**
 * The structured logger: JSON lines (pino), pretty in an interactive development terminal, secrets redacted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Object paths that may hold a secret; their values are replaced before a line is written. */
const REDACT_PATHS = [
  'password',
  '*.password',
  'clientSecret',
  '*.clientSecret',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'connectionString',
  '*.connectionString',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
];

/** Patterns of secrets inside free text (messages, error strings). */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/Bearer\s+[A-Za-z0-9\-._~+/]+=*/g, 'Bearer [redacted]'],
  [/(AccountKey|SharedAccessSignature|sig|client_secret|password)=([^;&\s"]+)/gi, '$1=[redacted]'],
  [/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
];

/** The activity being handled: its log lines carry these fields. */
export interface RequestContext {
  requestId: string;
  activityType?: string;
}

/** Where the current activity's `RequestContext` lives while it is handled. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** Removes secrets from a piece of text. */
export function redactText(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  level: string;
  /** Human-readable lines instead of JSON. */
  pretty?: boolean;
  /** Exact secret values to scrub wherever they appear (e.g. BOT_PASSWORD, AZURE_CLIENT_SECRET). */
  secrets?: string[];
  destination?: pino.DestinationStream;
}

/** Field names whose values are secrets at any depth (case-insensitive): replaced whole, whatever they hold. */
const SECRET_KEY =
  /^(password|passwd|secret|client_?secret|authorization|proxy-authorization|cookie|set-cookie|connection_?string|(access|refresh|id)?_?token|account_?key|api_?key|sig|x-api-key)$/i;

/** How deep a logged object is walked; anything deeper is cut, so nothing escapes the scrubbing unseen. */
const MAX_DEPTH = 8;

/** Creates the process logger. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const scrub = (text: string): string =>
    secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), redactText(text));
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'watchstander' },
    // Every line written while an activity is handled carries its request id, however deep the call.
    mixin: () => ({ ...requestContext.getStore() }),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Errors normally arrive already serialized and scrubbed by the hook below; anything else raw is done here.
    serializers: { err: (err: unknown) => (err instanceof Error ? scrubDeep(err, scrub) : err) },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a, i) =>
          // pino files an Error given first under `err`; keep it there once it is a plain object.
          i === 0 && a instanceof Error ? { err: scrubDeep(a, scrub) } : scrubDeep(a, scrub),
        );
        method.apply(this, scrubbed as [string]);
      },
    },
  };
  const logger =
    options.pretty && !options.destination
      ? pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true } } })
      : options.destination
        ? pino(pinoOptions, options.destination)
        : pino(pinoOptions);
  // pino writes child bindings without the hook; children inherit this `child`, so every generation is scrubbed.
  const child = logger.child as unknown as (this: Logger, bindings: pino.Bindings, childOptions?: unknown) => Logger;
  const scrubbedChild = function (this: Logger, bindings: pino.Bindings, childOptions?: unknown): Logger {
    return child.call(this, scrubDeep(bindings, scrub) as pino.Bindings, childOptions);
  };
  logger.child = scrubbedChild as unknown as Logger['child'];
  return logger;
}

/**
 * A copy of `value` safe to write: secret-named fields replaced, secrets removed from every string, errors turned
 * into `{ type, message, stack, … }` (their message and stack are not enumerable, so a plain copy would lose them),
 * binary data summarized, and anything deeper than `MAX_DEPTH` or circular cut.
 */
function scrubDeep(value: unknown, scrub: (s: string) => string, depth = 0, seen = new Set<object>()): unknown {
  if (typeof value === 'string') return scrub(value);
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return '[too deep to log]';
  if (seen.has(value)) return '[circular]';
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrubDeep(v, scrub, depth + 1, seen));
    const source: Record<string, unknown> =
      value instanceof Error ? { ...pino.stdSerializers.err(value) } : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) {
      out[k] =
        SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : scrubDeep(v, scrub, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
