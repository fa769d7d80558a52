/**
 * Typed errors of the Defender client, each with a message a security analyst can read.
 *
 * Everything the client throws is a `DefenderApiError`; `kind` says what went wrong (an HTTP error answer, a
 * timeout, a network failure, an unreadable answer, a paging fault, no token, or a bad argument caught before any
 * request). `message` is for the log; `readableMessage()` is for a card or a chat reply. Neither ever contains a
 * token: headers are never copied into errors and server texts are scrubbed of anything that looks like one.
 */
import type { ApiName } from './api';
import { endpointPermission, PERMISSION_RESOURCE } from './permissions';

/** What went wrong. */
export type DefenderErrorKind =
  | 'http'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'paging'
  | 'auth'
  | 'invalid-argument'
  /** Not sent: this process keeps the rest of the API quota for scheduled digests and card actions. */
  | 'quota';

/** The request an error is about. `path` is the URL path without host or query. */
export interface FailedRequest {
  api: ApiName;
  method: string;
  path: string;
}

/** Fields of a `DefenderApiError`. */
export interface DefenderApiErrorInit extends FailedRequest {
  kind?: DefenderErrorKind;
  status?: number;
  code?: string;
  serverMessage?: string;
  /** Defender's `error.target`: a correlation id to quote to Microsoft support. */
  target?: string;
  /** Graph's `innerError.request-id` (or the `request-id` header). */
  requestId?: string;
  retryAfterSeconds?: number;
  /** Start of a body that was not a JSON error object, for the log only. */
  bodySnippet?: string;
  cause?: unknown;
}

const API_LABEL: Readonly<Record<ApiName, string>> = {
  graph: 'Microsoft Graph',
  defender: 'Defender for Endpoint',
};

/** An error of the Defender client; the base of every error it throws. */
export class DefenderApiError extends Error {
  readonly kind: DefenderErrorKind;
  readonly api: ApiName;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly serverMessage?: string;
  readonly target?: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;

  constructor(init: DefenderApiErrorInit) {
    super('', init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.kind = init.kind ?? 'http';
    this.api = init.api;
    this.method = init.method.toUpperCase();
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.target = init.target;
    this.requestId = init.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.message = this.technicalMessage(init.bodySnippet);
  }

  /** What the failed call was doing, as a verb phrase ("start an antivirus scan"). */
  get operation(): string {
    return endpointPermission(this.api, this.method, this.path)?.operation ?? `call ${this.method} ${this.path}`;
  }

  /** The application permission a 403 points at, when the endpoint is known. */
  get missingPermission(): string | undefined {
    if (this.status !== 403 || this.code === 'DisabledFeature' || this.code === 'DisallowedOperation') return undefined;
    return endpointPermission(this.api, this.method, this.path)?.permission;
  }

  /** One sentence for an analyst: which API, what it could not do, and why. */
  readableMessage(): string {
    return `${API_LABEL[this.api]} could not ${this.operation}: ${this.explain()}.`;
  }

  /** Why it failed, in words; subclasses explain their own kind. */
  protected explain(): string {
    const status = this.status ?? 0;
    const code = this.code ?? '';
    if (isAlreadyRunning(this)) return 'an action of this kind is already running on the device';
    if (code === 'OsPlatformNotSupported') return "the device's operating system does not support this action";
    if (code === 'ClientVersionNotSupported') {
      return 'the Defender sensor on the device is too old for this action; update the device first';
    }
    if (code === 'DisabledFeature') return 'this feature is turned off for the tenant in the Microsoft Defender portal';
    if (code === 'DisallowedOperation') {
      // Defender's "operation not allowed, with the reason", e.g. an offboarded or not onboarded device.
      return `Defender does not allow it${this.serverMessage ? `: ${this.serverMessage}` : ''}`;
    }
    if (status === 401) {
      return 'the access token was refused; check AZURE_TENANT_ID, the app credentials and admin consent in this tenant';
    }
    if (status === 403) {
      const permission = this.missingPermission;
      return permission
        ? `the app registration lacks the application permission ${permission} (${PERMISSION_RESOURCE[this.api]}); ` +
            'an administrator must add it and grant admin consent'
        : 'access denied; the app registration lacks a required application permission';
    }
    if (status === 404) {
      const notFound = endpointPermission(this.api, this.method, this.path)?.notFound;
      if (code === 'ResourceNotFound' || code === 'NotFound') return notFound ?? 'not found';
      return `not found (HTTP 404); check the ${this.api === 'graph' ? 'GRAPH_ENDPOINT' : 'DEFENDER_ENDPOINT'} setting`;
    }
    if (status === 429) {
      return this.retryAfterSeconds === undefined
        ? 'rate limited; try again later'
        : `rate limited; retry after ${this.retryAfterSeconds} s`;
    }
    if (status >= 500) return `the service is unavailable (HTTP ${status}${code ? ` ${code}` : ''}); try again later`;
    if (status >= 300 && status < 400) return `unexpected redirect (HTTP ${status}); check the endpoint setting`;
    // The sentence ends with its own period: Graph's messages bring one.
    const detail = this.serverMessage ? `: ${this.serverMessage.replace(/\.+$/, '')}` : '';
    if (status === 400) return `the request was rejected${code ? ` (${code})` : ''}${detail}`;
    return `HTTP ${status}${code ? ` ${code}` : ''}${detail}`;
  }

  private technicalMessage(bodySnippet?: string): string {
    const parts = [`${this.method} ${this.api} ${this.path} failed`];
    if (this.status !== undefined) parts.push(`HTTP ${this.status}`);
    if (this.code) parts.push(this.code);
    if (this.serverMessage) parts.push(this.serverMessage);
    else if (bodySnippet) parts.push(`body: ${bodySnippet}`);
    if (this.target) parts.push(`target ${this.target}`);
    if (this.requestId) parts.push(`request-id ${this.requestId}`);
    return parts.join(': ');
  }
}

/** Fields of a `DefenderNetworkError`. */
export interface DefenderNetworkErrorInit extends FailedRequest {
  kind: 'timeout' | 'network';
  /** The per-request timeout that expired. */
  timeoutMs?: number;
  /** The system or TLS error code (`ECONNRESET`, `DEPTH_ZERO_SELF_SIGNED_CERT`), or a short cause text without one. */
  causeCode?: string;
  cause?: unknown;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS/;
const REQUEST_NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** No answer: the connection failed, was reset, or the per-request timeout expired. */
export class DefenderNetworkError extends DefenderApiError {
  readonly timeoutMs?: number;
  readonly causeCode?: string;

  constructor(init: DefenderNetworkErrorInit) {
    super(init);
    this.timeoutMs = init.timeoutMs;
    this.causeCode = init.causeCode;
    this.message =
      init.kind === 'timeout'
        ? `${this.method} ${this.api} ${this.path} failed: no answer within ${init.timeoutMs} ms`
        : `${this.method} ${this.api} ${this.path} failed: ${init.causeCode ?? 'network error'}`;
  }

  /** True when the request may have reached the service although no answer came back. */
  get mayHaveReachedService(): boolean {
    if (this.kind === 'timeout') return true;
    return !(this.causeCode && (REQUEST_NEVER_SENT.has(this.causeCode) || TLS_CODES.test(this.causeCode)));
  }

  protected override explain(): string {
    let reason: string;
    if (this.kind === 'timeout') reason = `no answer within ${duration(this.timeoutMs ?? 0)}`;
    else if (this.causeCode && TLS_CODES.test(this.causeCode)) {
      reason = `the server's TLS certificate is not trusted (${this.causeCode})`;
    } else if (this.causeCode === 'ECONNREFUSED') reason = 'the connection was refused';
    else if (this.causeCode === 'ENOTFOUND') reason = 'the host name was not found';
    else reason = `the connection failed (${this.causeCode ?? 'network error'})`;
    if (this.method !== 'GET' && this.mayHaveReachedService) {
      reason += "; the action may have started anyway, so check the device's action history before trying again";
    }
    return reason;
  }
}

/** An answer that could not be read: not JSON, truncated, or not the expected shape. */
export class DefenderResponseError extends DefenderApiError {
  readonly detail: string;

  constructor(init: FailedRequest & { status?: number; detail: string; cause?: unknown }) {
    super({ ...init, kind: 'invalid-response' });
    this.detail = init.detail;
    this.message = `${this.method} ${this.api} ${this.path} failed: ${init.detail}`;
  }

  protected override explain(): string {
    return `the answer could not be read (${this.detail})`;
  }
}

/** Why a paged list was stopped. */
export type PagingFailure = 'loop' | 'page-limit' | 'foreign-link' | 'count-mismatch';

/**
 * A paged list that could not be followed to its end. It is thrown after the pages that were read, so a caller can
 * show those as an incomplete list (or the section as unavailable where a part would mislead).
 */
export class PagingError extends DefenderApiError {
  readonly reason: PagingFailure;
  readonly pages: number;
  /** For `count-mismatch`: the distinct items read, and how many the service said the list holds. */
  readonly read?: number;
  readonly expected?: number;

  constructor(
    init: FailedRequest & { reason: PagingFailure; pages: number; link?: string; read?: number; expected?: number },
  ) {
    super({ ...init, kind: 'paging' });
    this.reason = init.reason;
    this.pages = init.pages;
    this.read = init.read;
    this.expected = init.expected;
    const where = `${this.method} ${this.api} ${this.path}`;
    const counts = init.read === undefined ? '' : ` (${init.read} of ${init.expected} items)`;
    this.message = `${where} failed: paging stopped (${init.reason}) after ${init.pages} pages${counts}`;
  }

  protected override explain(): string {
    switch (this.reason) {
      case 'loop':
        return 'the service sent the same page or next-page link twice, so the list was stopped to avoid an endless loop';
      case 'page-limit':
        return `the list was longer than ${this.pages} pages, so it was stopped`;
      case 'foreign-link':
        return 'the next-page link pointed to another host, so it was not followed';
      case 'count-mismatch':
        return `only ${this.read} of the ${this.expected} items the service counted could be read`;
    }
  }
}

/** No access token could be obtained for the API's scope. */
export class DefenderAuthError extends DefenderApiError {
  readonly scope: string;
  readonly detail: string;

  constructor(init: FailedRequest & { scope: string; detail: string; cause?: unknown }) {
    super({ ...init, kind: 'auth' });
    this.scope = init.scope;
    this.detail = scrub(init.detail, 300);
    this.message = `${this.method} ${this.api} ${this.path} failed: no token for ${init.scope}: ${this.detail}`;
  }

  protected override explain(): string {
    return `no access token for ${this.scope} (${this.detail})`;
  }
}

/** A caller-supplied value (device id, action id, comment) that was refused before any request was sent. */
export class InvalidArgumentError extends DefenderApiError {
  readonly argument: string;
  readonly expected: string;

  constructor(init: FailedRequest & { argument: string; value: unknown; expected: string }) {
    super({ ...init, kind: 'invalid-argument' });
    this.argument = init.argument;
    this.expected = init.expected;
    const value = JSON.stringify(shown(init.value));
    this.message = `${this.method} ${this.api} ${this.path}: invalid ${init.argument} ${value}`;
  }

  protected override explain(): string {
    return `that is not a valid ${this.argument} (expected ${this.expected})`;
  }
}

/**
 * True for Defender's "an action of this kind is already running": documented as HTTP 400 "Action is already in
 * progress" (whatever the code), also seen as the code `ActiveRequestAlreadyExists` (docs/service-behaviour.md §10).
 */
export function isAlreadyRunning(error: Pick<DefenderApiError, 'status' | 'code' | 'serverMessage'>): boolean {
  if (error.code === 'ActiveRequestAlreadyExists') return true;
  return error.status === 400 && /already in progress|already (running|pending)/i.test(error.serverMessage ?? '');
}

/** Builds the typed error of a non-2xx answer from its status, headers and (possibly non-JSON) body. */
export function errorFromResponse(
  request: FailedRequest,
  status: number,
  headers: Headers,
  bodyText: string,
): DefenderApiError {
  const body = parseErrorBody(bodyText);
  return new DefenderApiError({
    ...request,
    status,
    code: body?.code,
    serverMessage: body?.message,
    target: body?.target,
    requestId: body?.requestId ?? headers.get('request-id') ?? headers.get('x-ms-request-id') ?? undefined,
    retryAfterSeconds: retryAfterSeconds(headers),
    bodySnippet: body ? undefined : scrub(bodyText, 120) || undefined,
  });
}

/** The `Retry-After` header in whole seconds (delta-seconds or an HTTP date), or `undefined`. */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

interface ErrorBody {
  code?: string;
  message?: string;
  target?: string;
  requestId?: string;
}

/** Graph `{error:{code,message,innerError:{request-id}}}` or Defender `{error:{code,message,target}}`. */
function parseErrorBody(text: string): ErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = isRecord(json) && isRecord(json.error) ? json.error : undefined;
  if (!error) return undefined;
  const inner = isRecord(error.innerError) ? error.innerError : isRecord(error.innererror) ? error.innererror : {};
  return {
    code: stringOf(error.code, 80),
    message: stringOf(error.message, 300),
    target: stringOf(error.target, 120),
    requestId: stringOf(inner['request-id'], 120),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.trim() ? scrub(value, max) : undefined;
}

/** Control characters out, anything token-like redacted, length capped. */
export function scrub(text: string, max: number): string {
  const cleaned = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/Bearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[redacted]')
    .trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function shown(value: unknown): unknown {
  return typeof value === 'string' ? scrub(value, 60) : typeof value;
}
