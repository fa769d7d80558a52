/**
 * A simulated tenant on an injected clock, with small fetch helpers, for the simulator tests.
 */
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';

/** 2025-05-12T09:00:00Z, a Monday: the tenant's first instant in every test. */
export const T0 = Date.UTC(2025, 4, 12, 9, 0, 0);

/** A running simulator whose clock only moves when the test says so. */
export interface TestTenant {
  sim: RunningSimulator;
  url: string;
  /** Moves the injected clock. */
  advance(seconds: number): void;
  get(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/**
 * Starts a simulator on an injected clock (alerts arrive only when the clock moves). These tests talk to it with
 * plain fetch, so its random lost answers are off unless a test asks for them; everything else is as by default.
 */
export async function startTestTenant(options: SimulatorOptions = {}): Promise<TestTenant> {
  let now = T0;
  const behaviour = { lostAnswerRate: 0, ...options.behaviour };
  const sim = await startSimulator({ now: () => now, ...options, behaviour });
  const read = async (res: Response) => {
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    sim,
    url: sim.url,
    advance: (seconds) => {
      now += seconds * 1000;
    },
    get: async (path, init) => read(await fetch(path.startsWith('http') ? path : sim.url + path, init)),
    post: async (path, body) =>
      read(
        await fetch(sim.url + path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    close: () => sim.close(),
  };
}

/**
 * Pages a Defender for Endpoint list as the client does when no next link comes: `$top` and `$skip` until a page is
 * shorter than `$top`. Returns every item and the number of requests.
 */
export async function getAllBySkip(
  t: TestTenant,
  path: string,
  top: number,
): Promise<{ items: any[]; requests: number }> {
  const items: any[] = [];
  const joiner = path.includes('?') ? '&' : '?';
  for (let skip = 0, requests = 1; ; skip += top, requests++) {
    const res = await t.get(`${path}${joiner}$top=${top}&$skip=${skip}`);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (res.body['@odata.nextLink'] !== undefined) throw new Error(`${path} sent a next link with $top`);
    items.push(...res.body.value);
    if (res.body.value.length < top) return { items, requests };
  }
}

/** Follows `@odata.nextLink` from `path` and returns every item (fails after `maxPages`). */
export async function getAll(t: TestTenant, path: string, maxPages = 1000): Promise<any[]> {
  const items: any[] = [];
  let next: string | undefined = path;
  for (let pages = 0; next; pages++) {
    if (pages >= maxPages) throw new Error(`more than ${maxPages} pages from ${path}`);
    const res = await t.get(next);
    if (res.status !== 200) throw new Error(`${next} answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...res.body.value);
    next = res.body['@odata.nextLink'];
  }
  return items;
}
