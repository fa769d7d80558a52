/**
 * A tiny scripted HTTP server for the Defender client's unit tests: each test answers requests with its own handler
 * and asserts on what was recorded. Also small factories for API objects.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefenderClient, type DefenderClientOptions, type DefenderLogger } from '../../../src/defender/client';

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** `Date.now()` on arrival. */
  at: number;
}

/** Answers one request; `n` counts requests from 1. */
export type FakeHandler = (req: RecordedRequest, res: ServerResponse, n: number) => void | Promise<void>;

/** A running fake API. */
export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export async function startFakeApi(handler: FakeHandler): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res, requests.length)).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: { code: 'FakeFailed', message: String(error) } });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

/** A client for `api` with tiny retry delays; `overrides` replace any option. */
export function clientFor(api: FakeApi, overrides: Partial<DefenderClientOptions> = {}): DefenderClient {
  return new DefenderClient({
    graphEndpoint: api.url,
    defenderEndpoint: api.url,
    graphScope: 'https://graph.microsoft.com/.default',
    defenderScope: 'https://api.securitycenter.microsoft.com/.default',
    retry: { maxRetries: 3, delaySeconds: 0, maxDelaySeconds: 5, networkRetries: 1, networkRetryDelayMs: 10 },
    timeoutMs: 2000,
    ...overrides,
  });
}

/** One `warn` call a `memoryLogger` kept. */
export interface LoggedWarning {
  details: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it was told. */
export function memoryLogger(): DefenderLogger & { warnings: LoggedWarning[] } {
  const warnings: LoggedWarning[] = [];
  return { warnings, warn: (details, message) => warnings.push({ details, message }) };
}

/** A Defender device id (40 hex) derived from `n`. */
export function deviceId(n: number): string {
  return n.toString(16).padStart(40, 'a');
}

/** A Defender machine as the API returns it. */
export function machine(n: number): Record<string, unknown> {
  return {
    id: deviceId(n),
    computerDnsName: `pc-${n}.contoso.local`,
    osPlatform: 'Windows11',
    healthStatus: 'Active',
    riskScore: 'Low',
    machineTags: [],
  };
}

/** A machine action as the API returns it. */
export function machineAction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '7f3c2f7e-1c4b-4e0f-9a53-2b8c5e1d9a10',
    type: 'RunAntiVirusScan',
    scope: 'Quick',
    status: 'Pending',
    requestor: 'watchstander@contoso.com',
    requestorComment: 'Scan requested in Teams by Alice',
    machineId: deviceId(1),
    computerDnsName: 'pc-1.contoso.local',
    creationDateTimeUtc: '2026-11-20T08:00:00Z',
    lastUpdateDateTimeUtc: '2026-11-20T08:00:00Z',
    ...overrides,
  };
}

/** A Graph incident as the API returns it. */
export function incident(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(n),
    displayName: `Incident ${n}`,
    severity: 'high',
    status: 'active',
    createdDateTime: '2026-11-20T08:00:00Z',
    lastUpdateDateTime: '2026-11-20T09:00:00Z',
    ...overrides,
  };
}
