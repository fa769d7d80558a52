/**
 * The simulated tenant over HTTPS (`tls`), as the live client meets the real services: its URL, the next links it
 * writes and the URIs in its error messages all say https, and it still refuses a request without a bearer token.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { createTestCertificate, type TestCertificate } from '../../helpers/fakeCloud';

let certificate: TestCertificate;
let simulator: RunningSimulator;

beforeAll(async () => {
  certificate = createTestCertificate();
  simulator = await startSimulator({
    devices: 30,
    requireAuth: true,
    // Next links on a Defender list, which the service leaves out by default when `$top` is sent.
    behaviour: { defenderNextLinks: true },
    tls: { cert: readFileSync(certificate.certPath), key: readFileSync(certificate.keyPath) },
  });
});

afterAll(async () => {
  await simulator?.close();
  certificate?.remove();
});

/** GET over HTTPS trusting only the test certificate. */
function get(url: string, authorization?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: readFileSync(certificate.certPath), headers: authorization ? { authorization } : {} },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('listens on an https:// URL and pages with https next links on the host it was called by', async () => {
  expect(simulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const port = new URL(simulator.url).port;
  const first = await get(`https://localhost:${port}/api/machines?$top=10`, 'Bearer any');
  expect(first.status).toBe(200);
  expect(first.body.value).toHaveLength(10);
  const next = new URL(first.body['@odata.nextLink']);
  expect(`${next.protocol}//${next.host}${next.pathname}`).toBe(`https://localhost:${port}/api/machines`);
  const second = await get(next.href, 'Bearer any');
  expect(second.status).toBe(200);
  expect(second.body.value).toHaveLength(10);
});

test('over https it still answers 401 without a bearer token and names https URIs in a 404', async () => {
  expect((await get(`${simulator.url}/v1.0/security/incidents`)).status).toBe(401);
  const missing = await get(`${simulator.url}/api/nothing-here`, 'Bearer any');
  expect(missing.status).toBe(404);
  expect(JSON.stringify(missing.body)).toContain(`${simulator.url}/api/nothing-here`);
});
