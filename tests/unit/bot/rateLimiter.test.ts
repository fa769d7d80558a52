/**
 * The Teams send limiter counts a send from its start until a window after it ended, so the sends Teams sees in any
 * window never exceed the limit, however long each one takes.
 */
import { SlidingWindowLimiter, type ReleaseSend } from '../../../src/bot/rateLimiter';

function limiter(max: number) {
  const clock = { now: 0 };
  return { clock, limiter: new SlidingWindowLimiter({ max, windowMs: 1000 }, () => clock.now) };
}

const isRelease = (taken: ReleaseSend | number): taken is ReleaseSend => typeof taken === 'function';

test('a send still running keeps its place, however old', () => {
  const { clock, limiter: l } = limiter(2);
  expect(isRelease(l.reserve('tenant'))).toBe(true);
  expect(isRelease(l.reserve('tenant'))).toBe(true);
  clock.now = 5000;
  expect(isRelease(l.reserve('tenant'))).toBe(false);
});

test('a place frees itself one window after its send ended, not after it started', () => {
  const { clock, limiter: l } = limiter(1);
  const first = l.reserve('tenant') as ReleaseSend;
  clock.now = 300;
  first();
  clock.now = 1000;
  expect(l.reserve('tenant')).toBe(300);
  clock.now = 1300;
  expect(isRelease(l.reserve('tenant'))).toBe(true);
});

test('releasing twice does not move the end, and keys are independent', () => {
  const { clock, limiter: l } = limiter(1);
  const first = l.reserve('a') as ReleaseSend;
  first();
  clock.now = 900;
  first();
  expect(l.reserve('a')).toBe(100);
  expect(isRelease(l.reserve('b'))).toBe(true);
});

test('acquire waits for a place and resolves with its release', async () => {
  const clock = { now: 0 };
  const waits: number[] = [];
  const l = new SlidingWindowLimiter(
    { max: 1, windowMs: 1000 },
    () => clock.now,
    async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
  );
  (await l.acquire('tenant'))();
  const second = await l.acquire('tenant');
  expect(waits).toEqual([1000]);
  expect(typeof second).toBe('function');
});

describe('the four Teams windows of one conversation, together (7 / 1 s, 8 / 2 s, 60 / 30 s, 1,800 / h)', () => {
  const TEAMS = [
    { max: 7, windowMs: 1000 },
    { max: 8, windowMs: 2000 },
    { max: 60, windowMs: 30_000 },
    { max: 1800, windowMs: 3_600_000 },
  ];

  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** Sends `count` instant sends to one conversation as fast as the limiter lets them; their start times. */
  async function burst(l: SlidingWindowLimiter, count: number, key = 'conversation'): Promise<number[]> {
    const starts: number[] = [];
    const run = (async () => {
      for (let i = 0; i < count; i++) {
        const release = await l.acquire(key);
        starts.push(Date.now());
        release();
      }
    })();
    while (starts.length < count) await jest.advanceTimersByTimeAsync(50);
    await run;
    return starts;
  }

  /** The most sends that started in any window of `windowMs`. */
  function busiest(starts: number[], windowMs: number): number {
    let most = 0;
    for (const start of starts) most = Math.max(most, starts.filter((s) => s >= start && s < start + windowMs).length);
    return most;
  }

  it('seven go at once, the eighth waits for the 1 s window and the ninth for the 2 s one', async () => {
    const starts = await burst(new SlidingWindowLimiter(TEAMS), 9);
    expect(starts.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(starts[7]).toBeGreaterThanOrEqual(1000);
    expect(starts[8]).toBeGreaterThanOrEqual(2000);
    expect(busiest(starts, 1000)).toBeLessThanOrEqual(7);
    expect(busiest(starts, 2000)).toBeLessThanOrEqual(8);
  });

  it('over two minutes no window holds more than its limit, and the 30 s window paces the rest', async () => {
    const starts = await burst(new SlidingWindowLimiter(TEAMS), 130);
    expect(busiest(starts, 1000)).toBeLessThanOrEqual(7);
    expect(busiest(starts, 2000)).toBeLessThanOrEqual(8);
    expect(busiest(starts, 30_000)).toBe(60);
    // 60 per 30 s: the 61st send waits for the first one to leave the window.
    expect(starts[60] - starts[0]).toBeGreaterThanOrEqual(30_000);
  });

  it('the hour window stops a conversation at 1,800 sends until the first leaves it; another conversation is free', async () => {
    const hourly = [{ max: 1800, windowMs: 3_600_000 }];
    const l = new SlidingWindowLimiter(hourly);
    for (let i = 0; i < 1800; i++) (l.reserve('busy') as ReleaseSend)();
    expect(l.reserve('busy')).toBe(3_600_000);
    expect(isRelease(l.reserve('quiet'))).toBe(true);
    jest.setSystemTime(3_600_000);
    expect(isRelease(l.reserve('busy'))).toBe(true);
  });

  it('refuses a limit that could never let a send through', () => {
    expect(() => new SlidingWindowLimiter([])).toThrow(RangeError);
    expect(() => new SlidingWindowLimiter({ max: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
