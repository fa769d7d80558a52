/**
 * Timelines: counted items kept as a time and a shared value.
 */
import { Timeline } from '../../../src/digest/timeline';

test('items of the same key share one value, and a window keeps only its own items', () => {
  const timeline = new Timeline<{ source: string }>();
  let made = 0;
  const make = (source: string) => () => (made++, { source });
  for (let i = 0; i < 1000; i++) timeline.add(i * 1000, i % 2 ? 'mail' : 'endpoint', make(i % 2 ? 'mail' : 'endpoint'));
  expect(made).toBe(2);
  expect(timeline.size).toBe(1000);
  const within = timeline.within({ since: new Date(100_000), until: new Date(200_000), first: false });
  expect(within).toHaveLength(100);
  expect(new Set(within).size).toBe(2);
  expect(within.filter((v) => v.source === 'mail')).toHaveLength(50);
});
