/**
 * The structured logger: JSON lines (pino), pretty in an interactive development terminal, secrets redacted.
 */
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

/** Creates the process logger. */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const scrub = (text: string): string =>
    secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), redactText(text));
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'watchstander' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: (err: Error) => scrubDeep(pino.stdSerializers.err(err), scrub) },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrub(a) : a && typeof a === 'object' ? scrubDeep(a, scrub) : a)) as [
            string,
          ],
        );
      },
    },
  };
  if (options.pretty && !options.destination) {
    return pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

function scrubDeep<T>(value: T, scrub: (s: string) => string, depth = 0): T {
  if (depth > 6) return value;
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub, depth + 1)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, scrub, depth + 1);
    return out as T;
  }
  return value;
}
