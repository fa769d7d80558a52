/**
 * Items a digest only counts (alerts by source, machine actions by type and outcome, investigations by state),
 * kept as a time and a shared value so that a month of a 100,000-device tenant costs a few bytes per item.
 */
import { inWindow, type DigestWindow } from './window';

/** Timestamped references to shared values; `within(window)` gives the values of the items in a window. */
export class Timeline<V> {
  private readonly times: number[] = [];
  private readonly values: V[] = [];
  private readonly shared = new Map<string, V>();

  /**
   * Adds an item at `at` (epoch ms). Items with the same `key` share one value, built by `make` the first time:
   * the value must hold only what the key says (the digest cards count these values, they never list them).
   */
  add(at: number, key: string, make: () => V): void {
    let value = this.shared.get(key);
    if (value === undefined) {
      value = make();
      this.shared.set(key, value);
    }
    this.times.push(at);
    this.values.push(value);
  }

  /** Number of items. */
  get size(): number {
    return this.times.length;
  }

  /** The values of the items whose time falls in the window, in the order they were added. */
  within(window: DigestWindow): V[] {
    const out: V[] = [];
    for (let i = 0; i < this.times.length; i++) if (inWindow(this.times[i], window)) out.push(this.values[i]);
    return out;
  }
}
