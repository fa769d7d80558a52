/**
 * The two links Watchstander adds to the Microsoft Graph client's middleware chain.
 *
 * `RequestTargetHandler` (first) sends the exact URL the client built and turns whatever fails further down into a
 * typed error. `TransportHandler` (just above `HTTPMessageHandler`) counts every HTTP attempt per API, bounds each
 * attempt with a timeout that also covers reading the body, and retries connection resets and timeouts of GETs.
 */
import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { ApiName } from './api';
import { DefenderApiError, DefenderNetworkError, scrub, type FailedRequest } from './errors';

/** Requests made to each API since the last reset; every HTTP attempt counts, retries included. */
export interface RequestStats {
  graph: number;
  defender: number;
}

/** Counts HTTP attempts per API. */
export class RequestCounter {
  private counts: RequestStats = { graph: 0, defender: 0 };

  /** Adds one attempt to `api`. */
  count(api: ApiName): void {
    this.counts[api] += 1;
  }

  /** A copy of the counts. */
  snapshot(): RequestStats {
    return { ...this.counts };
  }

  /** Sets both counts back to zero. */
  reset(): void {
    this.counts = { graph: 0, defender: 0 };
  }
}

/** Per-request middleware option: which API, the exact URL, and (afterwards) the typed failure if any. */
export class ApiRequestOptions implements MiddlewareOptions {
  /** Set by the chain when the request failed without an HTTP answer. */
  failure?: DefenderApiError;
  /** The body of the answer, read once by `TransportHandler` (a list page can be megabytes: not decoded twice). */
  body?: string;

  constructor(
    readonly api: ApiName,
    readonly url: string,
  ) {}

  /** The request as errors describe it. */
  describe(method: string | undefined): FailedRequest {
    return { api: this.api, method: (method ?? 'GET').toUpperCase(), path: new URL(this.url).pathname };
  }
}

/** Thrown by a token provider; `RequestTargetHandler` turns it into a `DefenderAuthError`. */
export class TokenUnavailable extends Error {
  constructor(
    readonly scope: string,
    detail: string,
    cause?: unknown,
  ) {
    super(detail, cause === undefined ? undefined : { cause });
    this.name = 'TokenUnavailable';
  }
}

/** Options of a request, as the chain passes them. */
function requestOptions(context: Context): ApiRequestOptions {
  const options = context.middlewareControl?.getMiddlewareOptions(ApiRequestOptions);
  if (!(options instanceof ApiRequestOptions)) {
    throw new Error('a Defender client request must carry ApiRequestOptions');
  }
  return options;
}

/**
 * First link: replaces the URL `GraphRequest` rebuilt with the exact one the client built, refuses redirects, and
 * records the typed failure of anything that throws further down.
 *
 * GraphRequest re-parses URLs by splitting strings: an `http://` host loses its origin and query values are
 * re-joined, so the URL travels in `ApiRequestOptions` instead.
 */
export class RequestTargetHandler implements Middleware {
  private next?: Middleware;
  private readonly toAuthError: (target: FailedRequest, error: TokenUnavailable) => DefenderApiError;

  constructor(toAuthError: (target: FailedRequest, error: TokenUnavailable) => DefenderApiError) {
    this.toAuthError = toAuthError;
  }

  async execute(context: Context): Promise<void> {
    const target = requestOptions(context);
    context.request = target.url;
    // Tokens never follow a redirect; an API answering 3xx is reported as such.
    context.options = { ...context.options, redirect: 'manual' };
    try {
      await this.next!.execute(context);
    } catch (error) {
      const request = target.describe(context.options?.method);
      target.failure ??=
        error instanceof DefenderApiError
          ? error
          : error instanceof TokenUnavailable
            ? this.toAuthError(request, error)
            : new DefenderNetworkError({ ...request, kind: 'network', causeCode: errorCode(error), cause: error });
      throw error;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Settings of `TransportHandler`. */
export interface TransportOptions {
  /** Per-attempt timeout, including reading the body. */
  timeoutMs: number;
  /** Extra attempts of a GET after a connection reset or timeout. */
  networkRetries: number;
  /** Wait before the first network retry; doubled for each further one. */
  networkRetryDelayMs: number;
  onRetry?: (info: { method: string; url: string; attempt: number; error: DefenderNetworkError }) => void;
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * Link above `HTTPMessageHandler`: counts, times out and buffers each attempt; retries GETs on resets and timeouts.
 *
 * The body is read inside the timeout, so a server that stalls mid-body is a timeout too, and a body cut short
 * is a retryable network error rather than a JSON error later.
 */
export class TransportHandler implements Middleware {
  private next?: Middleware;

  constructor(
    private readonly options: TransportOptions,
    private readonly counter: RequestCounter,
  ) {}

  async execute(context: Context): Promise<void> {
    const target = requestOptions(context);
    const method = (context.options?.method ?? 'GET').toUpperCase();
    for (let attempt = 1; ; attempt++) {
      this.counter.count(target.api);
      try {
        await this.attempt(context, target, method);
        return;
      } catch (error) {
        if (!(error instanceof DefenderNetworkError)) throw error;
        // A POST may have reached the service (a scan may be running): never send it twice.
        const retryable = method === 'GET' && (error.kind === 'timeout' || TRANSIENT_CODES.has(error.causeCode ?? ''));
        if (!retryable || attempt > this.options.networkRetries) throw error;
        this.options.onRetry?.({ method, url: target.url, attempt, error });
        await sleep(this.options.networkRetryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  private async attempt(context: Context, target: ApiRequestOptions, method: string): Promise<void> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    context.options = { ...context.options, signal: controller.signal };
    try {
      await this.next!.execute(context);
      const raw = context.response!;
      target.body = NULL_BODY_STATUSES.has(raw.status) ? '' : await raw.text();
      // The links above look at the status and headers only; the body travels in `target`.
      context.response = new Response(null, { status: raw.status, statusText: raw.statusText, headers: raw.headers });
    } catch (error) {
      const request = target.describe(method);
      if (timedOut) throw new DefenderNetworkError({ ...request, kind: 'timeout', timeoutMs: this.options.timeoutMs });
      throw new DefenderNetworkError({ ...request, kind: 'network', causeCode: errorCode(error), cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The system or TLS code of a fetch failure (`TypeError: fetch failed` keeps it in `cause`), else the innermost
 * cause's short message ("bad port").
 */
function errorCode(error: unknown): string | undefined {
  let message: string | undefined;
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const { code, message: text, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    if (typeof text === 'string' && text) message = scrub(text, 80);
    e = cause;
  }
  return message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
