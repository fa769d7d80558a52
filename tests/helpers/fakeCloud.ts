/**
 * A fake Microsoft cloud over HTTPS for live-path tests: an Entra token authority that MSAL accepts (custom authority
 * host, instance discovery off), and small Graph security and Defender for Endpoint APIs that insist on a bearer token
 * of their own scope. It records every token request and every API call with its Authorization header.
 *
 * One HTTPS server plays all three roles, under two host names so the client's two `customHosts` are exercised:
 * the authority and Graph answer at `https://127.0.0.1:<port>`, Defender for Endpoint at `https://localhost:<port>`.
 * With `upstream`, the APIs are the simulated tenant's: the fake cloud checks each token and passes the call on.
 * The certificate is self-signed and made at test time; a process trusts it through `NODE_EXTRA_CA_CERTS`, which
 * Node reads only at start, so the client under test runs in a child process (see `swcRegister.js` and `env()`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1 and localhost. */
export interface TestCertificate {
  dir: string;
  certPath: string;
  keyPath: string;
  /** Deletes the directory. */
  remove(): void;
}

/** Makes a self-signed certificate (CN=localhost, SAN IP:127.0.0.1 and DNS:localhost) in a new temp dir. */
export function createTestCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'watchstander-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'pipe' },
  );
  return { dir, certPath, keyPath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One `POST /{tenant}/oauth2/v2.0/token` the authority answered. */
export interface TokenRequest {
  tenant: string;
  grantType: string;
  clientId: string;
  /** The `scope` form field as sent (space-separated). */
  scope: string;
  /** The token issued, or undefined when the request was refused. */
  token?: string;
}

/** One Graph or Defender call the fake received. */
export interface ApiCall {
  api: 'graph' | 'defender';
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  /** The scope the presented token was issued for, if it was one of ours. */
  tokenScope?: string;
  status: number;
}

/** Options of `startFakeCloud`. */
export interface FakeCloudOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Scope the Defender API accepts tokens for. */
  defenderScope?: string;
  /**
   * An http base URL (the simulated tenant) that answers every Graph and Defender call once its token is checked:
   * the fake cloud is then only the https front and the token authority, the tenant's answers pass through.
   */
  upstream?: string;
}

/** A running fake cloud. */
export interface FakeCloud {
  port: number;
  authorityHost: string;
  graphEndpoint: string;
  defenderEndpoint: string;
  /** `<graphEndpoint>/.default`, the scope Watchstander derives from GRAPH_ENDPOINT. */
  graphScope: string;
  defenderScope: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  certificate: TestCertificate;
  tokenRequests: TokenRequest[];
  apiCalls: ApiCall[];
  /** Scope a token was issued for. */
  scopeOf(token: string): string | undefined;
  /** Environment for a Watchstander process (or child) that should use this cloud, CA trust included. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const DEVICE_IDS = ['1e5bc9d7e413ddd7902c2932e418702b84d0cc07', '2f6cd0e8f524eee8a13d3a43f529813c95e1dd18'];

/** Starts the fake cloud on a free loopback port with a fresh certificate. */
export async function startFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const certificate = createTestCertificate();
  const tenantId = options.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const clientId = options.clientId ?? '4a3b2c1d-0000-4000-8000-00000000c11e';
  const clientSecret = options.clientSecret ?? 'fake-cloud-secret';
  const defenderScope = options.defenderScope ?? 'https://api.securitycenter.microsoft.com/.default';
  const tokenRequests: TokenRequest[] = [];
  const apiCalls: ApiCall[] = [];
  const tokens = new Map<string, string>();
  const actions = new Map<string, Record<string, unknown>>();
  let port = 0;
  const base = (): string => `https://127.0.0.1:${port}`;
  const graphScope = (): string => `${base()}/.default`;

  const server: Server = createServer(
    { cert: readFileSync(certificate.certPath), key: readFileSync(certificate.keyPath) },
    (req, res) => {
      readBody(req)
        .then((body) => route(req, res, body))
        .catch((error: unknown) => send(res, 500, { error: { code: 'FakeCloudFailed', message: String(error) } }));
    },
  );

  function route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', base());
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[1] === 'v2.0' && url.pathname.endsWith('/.well-known/openid-configuration')) {
      return openIdConfiguration(res, segments[0]);
    }
    if (req.method === 'POST' && url.pathname.endsWith('/oauth2/v2.0/token')) return issueToken(res, segments[0], body);
    if (segments[0] === 'v1.0') return api(req, res, 'graph', url, body);
    if (segments[0] === 'api') return api(req, res, 'defender', url, body);
    send(res, 404, { error: { code: 'ResourceNotFound', message: `No route for ${url.pathname}` } });
  }

  function openIdConfiguration(res: ServerResponse, tenant: string): void {
    const authority = `${base()}/${tenant}`;
    send(res, 200, {
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      tenant_region_scope: 'EU',
    });
  }

  function issueToken(res: ServerResponse, tenant: string, body: string): void {
    const form = new URLSearchParams(body);
    const request: TokenRequest = {
      tenant,
      grantType: form.get('grant_type') ?? '',
      clientId: form.get('client_id') ?? '',
      scope: form.get('scope') ?? '',
    };
    tokenRequests.push(request);
    if (tenant !== tenantId || request.clientId !== clientId || form.get('client_secret') !== clientSecret) {
      return send(res, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
        error_codes: [7000215],
      });
    }
    const scope = request.scope.split(' ').find((s) => s.endsWith('/.default')) ?? request.scope;
    request.token = `fake-token-${tokenRequests.length}-${scope.replace(/[^a-z0-9]+/gi, '-')}`;
    tokens.set(request.token, scope);
    send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: request.token });
  }

  function api(req: IncomingMessage, res: ServerResponse, name: 'graph' | 'defender', url: URL, body: string): void {
    const authorization = req.headers.authorization;
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    const tokenScope = token ? tokens.get(token) : undefined;
    const call: ApiCall = {
      api: name,
      method: req.method ?? 'GET',
      host: req.headers.host ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization,
      tokenScope,
      status: 200,
    };
    apiCalls.push(call);
    const expectedScope = name === 'graph' ? graphScope() : defenderScope;
    if (tokenScope !== expectedScope) {
      call.status = 401;
      const code = name === 'graph' ? 'InvalidAuthenticationToken' : 'Unauthorized';
      return send(res, 401, { error: { code, message: 'Token scope mismatch' } });
    }
    if (options.upstream) {
      void forward(req, res, url, body, call);
      return;
    }
    const [status, payload] = name === 'graph' ? graph(url) : defender(req.method ?? 'GET', url, body);
    call.status = status;
    send(res, status, payload);
  }

  /** Passes a checked call to the upstream tenant; its links to itself come back as links to this https host. */
  function forward(req: IncomingMessage, res: ServerResponse, url: URL, body: string, call: ApiCall): Promise<void> {
    const upstream = new URL(options.upstream!);
    const headers: Record<string, string> = { host: req.headers.host ?? '' };
    for (const name of ['content-type', 'prefer', 'client-request-id', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (body) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve) => {
      const fail = (error: unknown) => {
        call.status = 502;
        send(res, 502, { error: { code: 'BadGateway', message: String(error) } });
        resolve();
      };
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: url.pathname + url.search, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('error', fail);
          answer.on('end', () => {
            // The tenant writes its links with the Host it was sent, over http: they point back here, over https.
            const host = req.headers.host ?? '';
            const text = Buffer.concat(chunks).toString('utf8').replaceAll(`http://${host}`, `https://${host}`);
            call.status = answer.statusCode ?? 502;
            const passed: Record<string, string> = {};
            for (const [key, value] of Object.entries(answer.headers)) {
              if (typeof value === 'string' && !['content-length', 'connection', 'keep-alive'].includes(key)) {
                passed[key] = value;
              }
            }
            res.writeHead(call.status, { ...passed, 'content-length': String(Buffer.byteLength(text)) });
            res.end(text);
            resolve();
          });
        },
      );
      outgoing.on('error', fail);
      outgoing.end(body || undefined);
    });
  }

  function graph(url: URL): [number, unknown] {
    const path = url.pathname;
    const now = new Date().toISOString();
    if (path === '/v1.0/security/incidents') {
      // Two pages, to prove next links are followed over https with the right token.
      const page = url.searchParams.get('$skiptoken') === 'p2' ? 2 : 1;
      const incident = (id: number): Record<string, unknown> => ({
        id: String(id),
        displayName: `Suspicious activity on device ${id}`,
        severity: id === 1 ? 'high' : 'medium',
        status: 'active',
        incidentWebUrl: `https://security.microsoft.com/incidents/${id}`,
        createdDateTime: now,
        lastUpdateDateTime: now,
      });
      return page === 1
        ? [200, { value: [incident(1)], '@odata.nextLink': `${base()}/v1.0/security/incidents?$top=50&$skiptoken=p2` }]
        : [200, { value: [incident(2)] }];
    }
    if (path === '/v1.0/security/alerts_v2') return [200, { value: [] }];
    if (path === '/v1.0/security/secureScores') {
      return [200, { value: [{ id: `${tenantId}_today`, createdDateTime: now, currentScore: 42, maxScore: 100 }] }];
    }
    if (path === '/v1.0/security/secureScoreControlProfiles') return [200, { value: [] }];
    return [404, { error: { code: 'ResourceNotFound', message: `No Graph route for ${path}` } }];
  }

  function defender(method: string, url: URL, body: string): [number, unknown] {
    const path = url.pathname;
    const now = new Date().toISOString();
    const machine = (id: string, n: number): Record<string, unknown> => ({
      id,
      computerDnsName: `desktop-${n}.contoso.local`,
      osPlatform: 'Windows11',
      healthStatus: 'Active',
      riskScore: n === 1 ? 'High' : 'Low',
      lastSeen: now,
      machineTags: [],
    });
    const notFound = (message: string): [number, unknown] => [
      404,
      { error: { code: 'ResourceNotFound', message, target: 'fake-correlation-id' } },
    ];
    const machineMatch = /^\/api\/machines\/([0-9a-f]{40})(?:\/(\w+))?$/.exec(path);
    if (method === 'GET' && path === '/api/machines') {
      return [200, { value: DEVICE_IDS.map((id, i) => machine(id, i + 1)) }];
    }
    if (machineMatch) {
      const [, id, verb] = machineMatch;
      const index = DEVICE_IDS.indexOf(id);
      if (index < 0) return notFound('Machine not found');
      if (method === 'GET' && !verb) return [200, machine(id, index + 1)];
      if (method === 'GET' && verb === 'alerts') return [200, { value: [] }];
      if (method === 'POST' && (verb === 'runAntiVirusScan' || verb === 'isolate' || verb === 'unisolate')) {
        const request = JSON.parse(body || '{}') as { Comment?: string; ScanType?: string; IsolationType?: string };
        const action = {
          id: `0b7c1a2e-5d3f-4e6a-9b8c-${String(actions.size + 1).padStart(12, '0')}`,
          type: verb === 'runAntiVirusScan' ? 'RunAntiVirusScan' : verb === 'isolate' ? 'Isolate' : 'Unisolate',
          scope: request.ScanType ?? request.IsolationType ?? null,
          status: 'Pending',
          requestor: clientId,
          requestorComment: request.Comment ?? '',
          machineId: id,
          computerDnsName: `desktop-${index + 1}.contoso.local`,
          creationDateTimeUtc: now,
          lastUpdateDateTimeUtc: now,
        };
        actions.set(action.id, action);
        return [201, action];
      }
      if (method === 'POST' && verb === 'startInvestigation') {
        const computerDnsName = `desktop-${index + 1}.contoso.local`;
        return [201, { id: '63017', startTime: now, state: 'Running', machineId: id, computerDnsName }];
      }
    }
    const actionMatch = /^\/api\/machineactions\/([0-9a-f-]{36})$/.exec(path);
    if (method === 'GET' && actionMatch) {
      const action = actions.get(actionMatch[1]);
      return action ? [200, { ...action, status: 'InProgress' }] : notFound('Machine action not found');
    }
    if (method === 'GET') {
      switch (path) {
        case '/api/machineactions':
          return [200, { value: [...actions.values()] }];
        case '/api/investigations':
          return [
            200,
            {
              value: [
                {
                  id: '63004',
                  startTime: now,
                  state: 'PendingApproval',
                  machineId: DEVICE_IDS[0],
                  computerDnsName: 'desktop-1.contoso.local',
                },
              ],
            },
          ];
        case '/api/alerts':
        case '/api/recommendations':
        case '/api/remediationTasks':
        case '/api/deviceavinfo':
          return [200, { value: [] }];
        case '/api/exposureScore':
          return [200, { time: now, score: 31.5 }];
        case '/api/configurationScore':
          return [200, { time: now, score: 340 }];
      }
    }
    return notFound(`No Defender route for ${method} ${path}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    port,
    authorityHost: base(),
    graphEndpoint: base(),
    defenderEndpoint: `https://localhost:${port}`,
    graphScope: graphScope(),
    defenderScope,
    tenantId,
    clientId,
    clientSecret,
    certificate,
    tokenRequests,
    apiCalls,
    scopeOf: (token) => tokens.get(token),
    env: () => ({
      NODE_EXTRA_CA_CERTS: certificate.certPath,
      DEFENDER_SOURCE: 'live',
      AZURE_AUTHORITY_HOST: base(),
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: clientSecret,
      GRAPH_ENDPOINT: base(),
      DEFENDER_ENDPOINT: `https://localhost:${port}`,
      DEFENDER_SCOPE: defenderScope,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          certificate.remove();
          resolve();
        });
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The device ids the fake Defender API knows. */
export const FAKE_CLOUD_DEVICE_IDS: readonly string[] = DEVICE_IDS;
