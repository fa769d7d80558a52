/**
 * Reads shared by identical callers: one request in flight per query, and a recent result reused within the
 * freshness window by callers that accept it.
 *
 * A list read (a promise) is shared as it is; a paged read (an async iterable of pages) is shared page by page: the
 * first caller's pulls fetch the pages, later callers read the pages already fetched and wait for the next one. A
 * paged read longer than `maxItems` stops taking new callers and drops the pages every caller has passed, so a big
 * list is never held whole; it is then not kept for reuse either.
 */

/** Options of `SharedReads`. */
export interface SharedReadsOptions {
  /** The clock (epoch ms). */
  now?: () => number;
  /** How long a result may be reused (ms). */
  freshnessMs: number;
  /** Items a kept result (or a shared paged read) may hold. */
  maxItems: number;
  /** Results kept at most (oldest dropped first). */
  maxEntries?: number;
}

interface Kept {
  at: number;
  value: unknown;
}

/** Coalesces identical reads and keeps recent results. */
export class SharedReads {
  private readonly now: () => number;
  private readonly lists = new Map<string, Promise<unknown>>();
  private readonly streams = new Map<string, SharedPages<unknown>>();
  private readonly kept = new Map<string, Kept>();
  /** Moves on every `forget()`: a read that started before it is not kept when it ends. */
  private generation = 0;

  constructor(private readonly options: SharedReadsOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Drops every kept result, and keeps none of the reads in flight: called after a write (a scan, an incident
   * assigned), whose effect a kept read would hide for the rest of its freshness window.
   */
  forget(): void {
    this.generation++;
    this.kept.clear();
    // A read already shared stays shared with those who joined it, but no new caller joins it.
    this.lists.clear();
    this.streams.clear();
  }

  /**
   * The result of the read named `key`: reused when `reuse` and a fresh one is kept, shared when the same read is
   * in flight, else started with `start` (which may throw to refuse). Arrays come back as the caller's own copy.
   */
  read<T>(key: string, reuse: boolean, start: () => Promise<T>): Promise<T> {
    const kept = reuse ? this.fresh(key) : undefined;
    if (kept) return Promise.resolve(copy(kept.value as T));
    let shared = this.lists.get(key) as Promise<T> | undefined;
    if (!shared) {
      try {
        shared = start();
      } catch (error) {
        return Promise.reject(error);
      }
      this.lists.set(key, shared);
      const generation = this.generation;
      const settled = shared.then(
        (value) => generation === this.generation && this.keep(key, value, Array.isArray(value) ? value.length : 1),
        () => undefined,
      );
      void settled.finally(() => {
        if (this.lists.get(key) === shared) this.lists.delete(key);
      });
    }
    return shared.then(copy);
  }

  /**
   * The pages of the paged read named `key`, with the same rules as `read`. `open` starts the read when nobody has;
   * it runs at once (so it may throw to refuse), the pages are fetched as the callers iterate.
   */
  stream<T>(key: string, reuse: boolean, open: () => AsyncIterable<T[]>): AsyncIterable<T[]> {
    const kept = reuse ? this.fresh(key) : undefined;
    if (kept) return replay(kept.value as T[][]);
    let shared = this.streams.get(key) as SharedPages<T> | undefined;
    if (!shared?.joinable) {
      let source: AsyncIterable<T[]>;
      try {
        source = open();
      } catch (error) {
        return failing(error);
      }
      const generation = this.generation;
      const entry: SharedPages<T> = new SharedPages<T>(source, this.options.maxItems, {
        complete: (pages) => {
          if (generation !== this.generation) return;
          this.keep(
            key,
            pages,
            pages.reduce((n, p) => n + p.length, 0),
          );
        },
        closed: () => {
          if (this.streams.get(key) === entry) this.streams.delete(key);
        },
      });
      shared = entry;
      this.streams.set(key, shared as SharedPages<unknown>);
    }
    return shared.join();
  }

  private fresh(key: string): Kept | undefined {
    const kept = this.kept.get(key);
    if (!kept) return undefined;
    if (kept.at > this.now() - this.options.freshnessMs) return kept;
    this.kept.delete(key);
    return undefined;
  }

  private keep(key: string, value: unknown, items: number): void {
    if (items > this.options.maxItems) return;
    this.kept.delete(key);
    this.kept.set(key, { at: this.now(), value });
    const from = this.now() - this.options.freshnessMs;
    const maxEntries = this.options.maxEntries ?? 50;
    for (const [k, v] of this.kept) {
      if (v.at > from && this.kept.size <= maxEntries) break;
      this.kept.delete(k);
    }
  }
}

/** Arrays are shared between callers: each gets its own shallow copy, so sorting one never reorders another. */
function copy<T>(value: T): T {
  return (Array.isArray(value) ? value.slice() : value) as T;
}

async function* replay<T>(pages: T[][]): AsyncGenerator<T[]> {
  for (const page of pages) yield page.slice();
}

/** A paged read that fails when first read, as a refused or invalid read does. */
async function* failing<T>(error: unknown): AsyncGenerator<T[]> {
  throw error;
}

/** What a shared paged read tells its owner. */
interface SharedPagesEvents<T> {
  /** The read ended with every page held (not longer than the limit): it may be kept. */
  complete(pages: T[][]): void;
  /** The read takes no more callers (ended, failed, abandoned, or too long). */
  closed(): void;
}

/** One paged read, fetched once and read by every caller that joined it. */
class SharedPages<T> {
  /** Fetched pages; a page every caller has passed is dropped (undefined) once the read is too long to keep. */
  private readonly pages: (T[] | undefined)[] = [];
  private readonly cursors = new Set<{ next: number }>();
  private iterator?: AsyncIterator<T[]>;
  private pulling?: Promise<void>;
  private items = 0;
  /** Pages before this index are dropped. */
  private dropped = 0;
  private done = false;
  private failure?: { error: unknown };
  private tooLong = false;
  private closedOnce = false;

  constructor(
    private readonly source: AsyncIterable<T[]>,
    private readonly maxItems: number,
    private readonly events: SharedPagesEvents<T>,
  ) {}

  /** True while a new caller may still start from the first page. */
  get joinable(): boolean {
    return !this.done && !this.tooLong;
  }

  /** The pages, from the first, for one caller. */
  join(): AsyncIterable<T[]> {
    const cursor = { next: 0 };
    this.cursors.add(cursor);
    return this.iterate(cursor);
  }

  private async *iterate(cursor: { next: number }): AsyncGenerator<T[]> {
    try {
      for (;;) {
        if (cursor.next < this.pages.length) {
          const page = this.pages[cursor.next]!;
          cursor.next++;
          this.dropPassedPages();
          yield page.slice();
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.done) return;
        await this.pull();
      }
    } finally {
      this.cursors.delete(cursor);
      this.dropPassedPages();
      if (this.cursors.size === 0 && !this.done) this.abandon();
    }
  }

  private pull(): Promise<void> {
    this.pulling ??= this.fetchNext().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  private async fetchNext(): Promise<void> {
    try {
      this.iterator ??= this.source[Symbol.asyncIterator]();
      const step = await this.iterator.next();
      if (step.done) {
        this.done = true;
        if (!this.tooLong) this.events.complete(this.pages as T[][]);
        this.close();
        return;
      }
      this.pages.push(step.value);
      this.items += step.value.length;
      if (this.items > this.maxItems && !this.tooLong) {
        this.tooLong = true;
        this.close();
      }
    } catch (error) {
      this.failure = { error };
      this.done = true;
      this.close();
    }
  }

  /** Every caller left before the end: the underlying read is stopped. */
  private abandon(): void {
    this.done = true;
    this.close();
    void this.iterator?.return?.().catch(() => undefined);
  }

  private dropPassedPages(): void {
    if (!this.tooLong) return;
    let first = this.pages.length;
    for (const c of this.cursors) first = Math.min(first, c.next);
    for (; this.dropped < first; this.dropped++) this.pages[this.dropped] = undefined;
  }

  private close(): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.events.closed();
  }
}
