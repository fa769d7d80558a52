/**
 * The HTTP server of the simulated tenant (node `http`, loopback). One server answers both APIs: Microsoft
 * Graph at `<url>/v1.0/security/...` and Defender for Endpoint at `<url>/api/...` — so the product's real HTTP
 * client uses `<url>` as both endpoints — plus the `/_simulator/` control API.
 *
 * Per API request: log it, wait the configured latency, maybe inject a fault, check quotas, answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { SimulatorConfig } from '../config';
import { handleAdmin } from './admin';
import { ApiError, errorBody, type ServiceName } from './errors';
import type { FaultKind } from './faults';
import { ODataError } from './odata';
import type { RequestApi } from './requestLog';
import { handleApi } from './routes';
import { SimulatedTenant, type TenantOptions } from './tenant';

/** Options of `startSimulator`: the tenant's, plus where to listen. */
export interface SimulatorOptions extends TenantOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Refuse API requests without `Authorization: Bearer …` with 401, as the services do (default false). */
  requireAuth?: boolean;
  /** Serve HTTPS with this PEM certificate and key, as the services do, instead of plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** A simulator that is listening. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:43121` (`https://` with `tls`): both the Graph and the Defender endpoint. */
  url: string;
  /** The tenant, to control it in-process. */
  tenant: SimulatedTenant;
  /** Stops listening and drops every open connection (including hung `timeout` faults). */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const TOO_MANY_REQUESTS = 'Too many requests. Retry after the time given in the Retry-After header.';
const SERVICE_UNAVAILABLE = 'The service is temporarily unavailable. Retry the operation.';

const CONTENT_TYPE: Readonly<Record<ServiceName, string>> = {
  graph: 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
  defender: 'application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8',
};

/** Maps the tenant's knobs of the `SIMULATOR_*` variables (`SimulatorConfig`, `src/config.ts`) to simulator options. */
export function simulatorOptionsFromConfig(config: Omit<SimulatorConfig, 'url'>): SimulatorOptions {
  return {
    devices: config.devices,
    latencyMs: config.latencyMs,
    faultRate: config.faultRate,
    seed: config.seed,
    actionStepSeconds: config.actionStepSeconds,
    flow: { ingestionDelayMaxMinutes: config.ingestionDelayMinutes },
  };
}

/** Starts a simulated tenant on loopback. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const tenant = new SimulatedTenant(options);
  const host = options.host ?? '127.0.0.1';
  const timers = new Set<NodeJS.Timeout>();
  const scheme = options.tls ? 'https' : 'http';
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(tenant, req, res, timers, options.requireAuth ?? false, scheme).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'InternalServerError', message: String(error) } });
      else res.destroy();
    });
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  // Longer than any client's idle keep-alive (undici's is 4 s): the client, not the server, closes an idle socket, so
  // a request is never sent on a socket the server is closing (a reset the client retries and counts twice).
  server.keepAliveTimeout = 65_000;
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tenant,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

interface Route {
  service: ServiceName;
  segments: string[];
}

/** `/v1.0/security/x/y` → graph [x, y]; `/api/x` and `/api/v1.0/x` → defender [x]. */
function classify(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const lower = parts.map((p) => p.toLowerCase());
  if (lower[0] === 'v1.0' && lower[1] === 'security') return { service: 'graph', segments: parts.slice(2) };
  if (lower[0] === 'api') return { service: 'defender', segments: parts.slice(lower[1] === 'v1.0' ? 2 : 1) };
  return undefined;
}

async function serve(
  tenant: SimulatedTenant,
  req: IncomingMessage,
  res: ServerResponse,
  timers: Set<NodeJS.Timeout>,
  requireAuth: boolean,
  scheme: 'http' | 'https',
): Promise<void> {
  const target = req.url ?? '/';
  const url = new URL(target, 'http://simulator.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const base = `${scheme}://${req.headers.host ?? 'localhost'}`;

  if (url.pathname === '/_simulator' || url.pathname.startsWith('/_simulator/')) {
    const body = await readBody(req).catch(() => Symbol.for('invalid'));
    try {
      if (body === Symbol.for('invalid')) throw new ApiError(400, 'BadRequest', 'The body is not valid JSON');
      const segments = url.pathname.split('/').filter(Boolean).slice(1);
      const reply = handleAdmin(tenant, method, segments, url.searchParams, body);
      if (reply.body === undefined) res.writeHead(reply.status).end();
      else sendJson(res, reply.status, reply.body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    }
    return;
  }

  const route = classify(url.pathname);
  const api: RequestApi = route?.service ?? 'other';
  const service: ServiceName = route?.service ?? 'defender';
  const started = Date.now();
  const arrived = new Date(tenant.now()).toISOString();
  let fault: FaultKind | undefined;
  res.once('close', () => {
    tenant.log.add({
      time: arrived,
      method,
      path: target,
      api,
      authorization: req.headers.authorization ?? null,
      status: res.headersSent && res.writableFinished ? res.statusCode : null,
      fault,
      durationMs: Date.now() - started,
    });
  });

  let body: unknown;
  let badBody = false;
  try {
    body = await readBody(req);
  } catch {
    badBody = true;
  }
  if (tenant.latencyMs > 0) await delay(tenant.latencyMs, timers);

  const requestId = randomUUID();
  const clientRequestId = header(req, 'client-request-id');
  const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPE[service] };
  if (service === 'graph') {
    headers['request-id'] = requestId;
    headers['client-request-id'] = clientRequestId ?? requestId;
  }
  const fail = (error: ApiError): void => {
    const payload = errorBody(service, error, { requestId, clientRequestId, date: new Date(tenant.now()) });
    send(res, error.status, { ...headers, ...error.headers }, JSON.stringify(payload));
  };

  fault = tenant.faults.pick(method, target);
  const retryAfter = String(tenant.faults.retryAfterSeconds);
  switch (fault) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'timeout':
      // Never answer; the connection stays open until the client gives up or the server closes.
      return;
    case '429':
      return fail(new ApiError(429, 'TooManyRequests', TOO_MANY_REQUESTS, { 'Retry-After': retryAfter }));
    case '500':
      return fail(new ApiError(500, 'InternalServerError', 'An internal server error occurred. Retry the operation.'));
    case '503':
      return fail(new ApiError(503, 'ServiceUnavailable', SERVICE_UNAVAILABLE, { 'Retry-After': retryAfter }));
    default:
      break;
  }

  let status: number;
  let payload: Record<string, unknown>;
  try {
    if (!route) {
      const uri = `${base}${url.pathname}`;
      throw new ApiError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${uri}'.`);
    }
    if (requireAuth && !/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
      throw service === 'graph'
        ? new ApiError(401, 'InvalidAuthenticationToken', 'Access token is empty.')
        : new ApiError(401, 'Unauthorized', 'Unauthorized (invalid or expired authorization header)');
    }
    if (badBody) throw new ApiError(400, 'InvalidRequestBody', 'Request body is incorrect');
    tenant.checkRateLimit(route.service);
    const reply = handleApi(tenant, {
      method,
      service: route.service,
      segments: route.segments,
      paging: { base, pathname: url.pathname, query: url.searchParams },
      body,
    });
    status = reply.status;
    payload = reply.body;
  } catch (error) {
    if (error instanceof ODataError) {
      return fail(new ApiError(400, service === 'graph' ? 'BadRequest' : 'ODataError', error.message));
    }
    if (error instanceof ApiError) return fail(error);
    return fail(new ApiError(500, 'InternalServerError', `Unexpected simulator error: ${(error as Error).message}`));
  }

  if (fault === undefined && status === 201 && tenant.faults.chance(tenant.behaviour.lostAnswerRate)) {
    fault = 'resetAfterAction'; // the action exists; its answer is lost (docs/service-behaviour.md §14)
  }
  if (fault === 'resetAfterAction') {
    req.socket.destroy();
    return;
  }
  if (fault === 'hangAfterAction') return; // the action exists; the answer never comes
  if (fault === 'loopingNextLink' && Array.isArray(payload.value)) {
    payload = { ...payload, '@odata.nextLink': `${base}${target}` };
  }
  const text = JSON.stringify(payload);
  if (fault === 'truncated') {
    res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
    return;
  }
  if (fault === 'invalidJson') {
    send(res, status, headers, `${text.slice(0, Math.floor(text.length / 2))}<!-- upstream connection reset -->`);
    return;
  }
  send(res, status, headers, text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, text: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify(body));
}

/** Reads a JSON body (undefined when empty); rejects when it is not JSON or too large. */
function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(new Error('body too large'));
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function delay(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });
}
