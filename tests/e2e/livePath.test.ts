/**
 * The live path, end to end at the client level: a real `ClientSecretCredential` gets tokens from an https token
 * authority (custom authority host, instance discovery off) and the client calls https Graph and Defender APIs that
 * only accept a token of their own scope. The client runs in a child process because Node reads
 * NODE_EXTRA_CA_CERTS (the trust of the test certificate) only at start.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startFakeCloud, type FakeCloud } from '../helpers/fakeCloud';

const ROOT = join(__dirname, '..', '..');

let cloud: FakeCloud;
beforeAll(async () => {
  cloud = await startFakeCloud();
});
afterAll(async () => {
  await cloud?.close();
});

/** Runs `tests/e2e/livePathChild.ts` with `env` only (nothing inherited but PATH). */
function runChild(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', join(ROOT, 'tests/helpers/swcRegister.js'), join(ROOT, 'tests/e2e/livePathChild.ts')],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('live path against a fake Microsoft cloud over https', () => {
  it('gets one token per API scope and sends each API only the token of its own scope', async () => {
    const { code, stdout, stderr } = await runChild(cloud.env());
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const seen = JSON.parse(stdout) as {
      incidents: string[];
      machines: string[];
      scan: { status: string };
      investigations: string[];
      stats: { graph: number; defender: number };
    };
    expect(seen.incidents).toEqual(['1', '2']); // the next link was followed over https
    expect(seen.machines).toHaveLength(2);
    expect(seen.scan.status).toBe('InProgress');
    expect(seen.investigations).toEqual(['PendingApproval']);

    // Tokens: requested with client credentials, once per scope (then cached), for exactly the two scopes.
    const granted = cloud.tokenRequests.filter((t) => t.token);
    expect(granted.every((t) => t.grantType === 'client_credentials' && t.clientId === cloud.clientId)).toBe(true);
    expect(granted.every((t) => t.tenant === cloud.tenantId)).toBe(true);
    const scopes = granted.map((t) => cloud.scopeOf(t.token!));
    expect(cloud.graphScope).toBe(`https://127.0.0.1:${cloud.port}/.default`);
    expect(scopes.sort()).toEqual([cloud.defenderScope, cloud.graphScope].sort());

    // Calls: every one authenticated, each with the token of its own API's scope.
    const graphCalls = cloud.apiCalls.filter((c) => c.api === 'graph');
    const defenderCalls = cloud.apiCalls.filter((c) => c.api === 'defender');
    expect(graphCalls).toHaveLength(2);
    const template = (path: string): string => path.replace(/[0-9a-f]{40}/, '{id}').replace(/[0-9a-f-]{36}$/, '{id}');
    expect(defenderCalls.map((c) => `${c.method} ${template(c.path)}`)).toEqual([
      'GET /api/machines',
      'GET /api/machines/{id}',
      'POST /api/machines/{id}/runAntiVirusScan',
      'GET /api/machineactions/{id}',
      'GET /api/machineactions',
      'GET /api/investigations',
    ]);
    for (const call of graphCalls) expect(call.tokenScope).toBe(cloud.graphScope);
    for (const call of defenderCalls) expect(call.tokenScope).toBe(cloud.defenderScope);
    expect(cloud.apiCalls.every((c) => c.status < 400)).toBe(true);
    expect(graphCalls.every((c) => c.host === `127.0.0.1:${cloud.port}`)).toBe(true);
    expect(defenderCalls.every((c) => c.host === `localhost:${cloud.port}`)).toBe(true);
    expect(seen.stats).toEqual({ graph: 2, defender: 6 });
  });

  it('verifies TLS: without the test CA in NODE_EXTRA_CA_CERTS no token is obtained and no API is called', async () => {
    const { NODE_EXTRA_CA_CERTS: _trust, ...untrusting } = cloud.env();
    const before = cloud.apiCalls.length;
    const { code, stderr } = await runChild(untrusting);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Microsoft Graph could not list incidents: no access token for /);
    expect(cloud.apiCalls.length).toBe(before);
  });

  it('says readably why it fails when the secret is wrong, and leaks no secret', async () => {
    const before = cloud.apiCalls.length;
    const { code, stderr } = await runChild({ ...cloud.env(), AZURE_CLIENT_SECRET: 'wrong-secret' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Microsoft Graph could not list incidents: no access token for /);
    expect(stderr).toContain(`${cloud.graphScope} (`);
    expect(stderr).toContain('AADSTS7000215');
    expect(stderr).not.toContain('wrong-secret');
    expect(cloud.apiCalls.length).toBe(before);
  });
});
