/**
 * Command rate limits per person and per conversation.
 */
import { CommandLimits } from '../../../src/quota/commandLimits';

function clock() {
  let t = Date.parse('2026-01-05T10:00:00Z');
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('command rate limits', () => {
  const limits = { perPerson: { max: 3, windowMs: 60_000 }, perConversation: { max: 5, windowMs: 60_000 } };

  it('a person past the limit is refused once with when to try again, then dropped silently until then', () => {
    const time = clock();
    const gate = new CommandLimits(limits, time.now);
    for (let i = 0; i < 3; i++) {
      expect(gate.admit('t/ann', 'c1')).toEqual({ ok: true });
      time.advance(10_000);
    }
    expect(gate.admit('t/ann', 'c1')).toEqual({
      ok: false,
      limit: 'person',
      rate: limits.perPerson,
      retryAt: Date.parse('2026-01-05T10:01:00Z'),
      answer: true,
    });
    expect(gate.admit('t/ann', 'c1')).toMatchObject({ ok: false, answer: false });
    // Someone else in the same conversation is not held back by Ann.
    expect(gate.admit('t/bob', 'c1')).toEqual({ ok: true });
    time.advance(30_000);
    expect(gate.admit('t/ann', 'c1')).toEqual({ ok: true });
  });

  it('a conversation has its own limit across people', () => {
    const time = clock();
    const gate = new CommandLimits(limits, time.now);
    for (const person of ['a', 'b', 'c', 'd', 'e']) expect(gate.admit(`t/${person}`, 'c1').ok).toBe(true);
    expect(gate.admit('t/f', 'c1')).toMatchObject({ ok: false, limit: 'conversation', answer: true });
    expect(gate.admit('t/f', 'c2')).toEqual({ ok: true });
  });

  it('the same object id in two tenants is two people', () => {
    const gate = new CommandLimits(limits, clock().now);
    for (let i = 0; i < 3; i++) gate.admit('home/ann', `c${i}`);
    expect(gate.admit('home/ann', 'c9').ok).toBe(false);
    expect(gate.admit('partner/ann', 'c9').ok).toBe(true);
  });

  it('a refused command does not count: who waits as told gets in', () => {
    const time = clock();
    const gate = new CommandLimits(limits, time.now);
    for (let i = 0; i < 3; i++) gate.admit('t/ann', 'c1');
    for (let i = 0; i < 100; i++) gate.admit('t/ann', 'c1');
    time.advance(60_001);
    expect(gate.admit('t/ann', 'c1')).toEqual({ ok: true });
  });
});
