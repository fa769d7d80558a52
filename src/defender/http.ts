/**
 * One Microsoft Graph client (`@microsoft/microsoft-graph-client`) for both APIs: Graph and Defender for Endpoint.
 *
 * Chain: RequestTargetHandler → AuthenticationHandler → RetryHandler → TransportHandler → HTTPMessageHandler.
 * Both endpoint hosts are `customHosts`, so the library attaches a token to https requests for either; each request
 * names its API's token provider (one per scope) in `AuthenticationHandlerOptions`, because a provider built on a
 * credential ignores per-request scopes. Plain `http://` endpoints (the simulated tenant on loopback) get no token.
 *
 * Retries: `RetryHandler` retries 429, 503 and 504 honouring `Retry-After`. GETs are retried on all three; POSTs
 * (machine actions) and PATCHes (incident triage) only on 429, where the service refused the request, because after
 * a 503 or 504 the change may already be made. A `Retry-After` longer than `maxDelaySeconds` is not waited out: the error says when to retry.
 */
import type { TokenCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  HTTPMessageHandler,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  type AuthenticationProvider,
  type FetchOptions,
  type MiddlewareOptions,
  type ShouldRetry,
} from '@microsoft/microsoft-graph-client';
import type { ApiName } from './api';
import { DefenderAuthError, DefenderNetworkError, retryAfterSeconds } from './errors';
import {
  ApiRequestOptions,
  RequestCounter,
  RequestTargetHandler,
  TokenUnavailable,
  TransportHandler,
  type RequestStats,
} from './middleware';

/** Retry settings; the defaults suit production, tests set tiny values. */
export interface RetryOptions {
  /** Retries after 429/503/504 (library limit 10). Default 3. */
  maxRetries?: number;
  /** Base back-off in seconds when the answer has no `Retry-After`. Default 3. */
  delaySeconds?: number;
  /** Longest wait between two attempts; a longer `Retry-After` ends the retries. Default 60. */
  maxDelaySeconds?: number;
  /** Extra attempts of a GET after a connection reset or timeout. Default 2. */
  networkRetries?: number;
  /** Wait before the first network retry in ms, doubled each time. Default 500. */
  networkRetryDelayMs?: number;
}

/** Where the two APIs live and how to authenticate to them. */
export interface ApiHttpOptions {
  graphEndpoint: string;
  defenderEndpoint: string;
  graphScope: string;
  defenderScope: string;
  /** App-only credential; without one, https requests fail with a readable `DefenderAuthError`. */
  credential?: TokenCredential;
  retry?: RetryOptions;
  /** Per-attempt timeout in ms, body included. Default 30 000. */
  timeoutMs?: number;
  /** Told about every retry (throttling, unavailability, network), for the log. */
  onRetry?: (info: RetryInfo) => void;
}

/** What `onRetry` is told: the request, which retry this is, and why. */
export interface RetryInfo {
  method: string;
  url: string;
  /** 1 for the first retry. */
  retry: number;
  reason: string;
}

/** One API call; `url` is absolute and already encoded. */
export interface ApiRequest {
  api: ApiName;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** An HTTP answer of any status, body read as text. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
}

const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 3,
  delaySeconds: 3,
  maxDelaySeconds: 60,
  networkRetries: 2,
  networkRetryDelayMs: 500,
};

/** Sends requests to Graph and Defender for Endpoint through one shared Graph client middleware chain. */
export class ApiHttpClient {
  private readonly client: Client;
  private readonly counter = new RequestCounter();
  private readonly tokenProviders: Record<ApiName, AuthenticationProvider>;

  constructor(options: ApiHttpOptions) {
    const retry = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
    validateRetry(retry);
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);

    this.tokenProviders = {
      graph: new ScopedTokenProvider(options.graphScope, options.credential),
      defender: new ScopedTokenProvider(options.defenderScope, options.credential),
    };
    const shouldRetry = this.shouldRetry(retry, options);
    const retryOptions = new RetryHandlerOptions(retry.delaySeconds, retry.maxRetries, shouldRetry);
    // RetryHandler copies its options' own properties per request, so the bound must be an own property.
    Object.assign(retryOptions, { getMaxDelay: () => retry.maxDelaySeconds });

    this.client = Client.initWithMiddleware({
      customHosts: new Set([hostname(options.graphEndpoint), hostname(options.defenderEndpoint)]),
      middleware: [
        new RequestTargetHandler(
          (request, error) =>
            new DefenderAuthError({ ...request, scope: error.scope, detail: error.message, cause: error.cause }),
        ),
        new AuthenticationHandler(this.tokenProviders.graph),
        new RetryHandler(retryOptions),
        new TransportHandler(
          {
            timeoutMs,
            networkRetries: retry.networkRetries,
            networkRetryDelayMs: retry.networkRetryDelayMs,
            onRetry: ({ method, url, attempt, error }) =>
              options.onRetry?.({ method, url, retry: attempt, reason: error.causeCode ?? error.kind }),
          },
          this.counter,
        ),
        new HTTPMessageHandler(),
      ],
    });
  }

  /** Sends one request; resolves with the answer whatever its status, rejects with a typed error when none came. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const target = new ApiRequestOptions(request.api, request.url);
    const middlewareOptions: MiddlewareOptions[] = [
      target,
      new AuthenticationHandlerOptions(this.tokenProviders[request.api]),
    ];
    const builder = this.client
      .api(request.url)
      .headers({ Accept: 'application/json', ...request.headers })
      .responseType(ResponseType.RAW)
      .middlewareOptions(middlewareOptions);
    try {
      const response: Response =
        request.method === 'POST'
          ? await builder.post(request.body ?? {})
          : request.method === 'PATCH'
            ? await builder.patch(request.body ?? {})
            : await builder.get();
      return { status: response.status, headers: response.headers, text: target.body ?? (await response.text()) };
    } catch (error) {
      // GraphRequest wraps chain errors in a GraphError; the typed failure was kept on the request options.
      throw (
        target.failure ??
        new DefenderNetworkError({ ...target.describe(request.method), kind: 'network', cause: error })
      );
    }
  }

  /** HTTP attempts per API since the last reset (retries included). */
  stats(): RequestStats {
    return this.counter.snapshot();
  }

  /** Sets the request counts back to zero. */
  resetStats(): void {
    this.counter.reset();
  }

  private shouldRetry(retry: Required<RetryOptions>, options: ApiHttpOptions): ShouldRetry {
    return (_delay, attempt, request, fetchOptions: FetchOptions | undefined, response) => {
      const method = (fetchOptions?.method ?? 'GET').toUpperCase();
      if (response.status !== 429 && method !== 'GET') return false;
      const wait = retryAfterSeconds(response.headers);
      if (wait !== undefined && wait > retry.maxDelaySeconds) return false;
      options.onRetry?.({
        method,
        url: typeof request === 'string' ? request : request.url,
        retry: attempt + 1,
        reason: `HTTP ${response.status}${wait === undefined ? '' : `, Retry-After ${wait} s`}`,
      });
      return true;
    };
  }
}

/** Gets app-only tokens for one scope from the credential; a failure becomes a readable `DefenderAuthError`. */
class ScopedTokenProvider implements AuthenticationProvider {
  constructor(
    private readonly scope: string,
    private readonly credential?: TokenCredential,
  ) {}

  async getAccessToken(): Promise<string> {
    if (!this.credential) throw new TokenUnavailable(this.scope, 'no Azure credential is configured');
    let token;
    try {
      token = await this.credential.getToken(this.scope);
    } catch (error) {
      throw new TokenUnavailable(this.scope, error instanceof Error ? error.message : String(error), error);
    }
    if (!token?.token) throw new TokenUnavailable(this.scope, 'the credential returned no token');
    return token.token;
  }
}

function hostname(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateRetry(retry: Required<RetryOptions>): void {
  const check = (name: keyof RetryOptions, max: number): void => {
    const value = retry[name];
    if (!(Number.isFinite(value) && value >= 0 && value <= max)) {
      throw new RangeError(`retry.${name} must be between 0 and ${max}, got ${value}`);
    }
  };
  check('maxRetries', 10);
  check('delaySeconds', 180);
  check('maxDelaySeconds', 180);
  check('networkRetries', 5);
  check('networkRetryDelayMs', 60_000);
}
