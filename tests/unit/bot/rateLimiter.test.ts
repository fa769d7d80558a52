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
