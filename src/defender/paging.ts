/**
 * How the client reads a whole list, page by page, without ever stopping short (docs/service-behaviour.md §3, §11.4).
 *
 * - Defender for Endpoint lists never promise `@odata.nextLink` (it is reported absent when `$top` is sent): they are
 *   read with `$top` and `$skip` until a page comes back shorter than `$top`; a next link that does come is followed
 *   when it stays on the configured host.
 * - Graph security lists page with `@odata.nextLink`. The first page asks for `@odata.count`, and the pages after it
 *   may be read two at a time with `$skip` as a speed-up, within the documented `$skip` limit (500) and only checked:
 *   a `$skip` page refused (400) or shorter than the count says ends the speed-up, the list goes on from the last good
 *   page's next link, and `$skip` is not tried again on that path for a while. At the end the ids read are compared
 *   with the count.
 *
 * Every page is compared with the one before it, so an item that a shifting list shows twice is yielded once, and a
 * page that repeats the previous one (a service ignoring `$skip`) stops the list instead of looping. A list that
 * could not be read whole ends with a `PagingError` after the pages that were read, so a caller can show those and
 * say the list is incomplete.
 */
import type { z } from 'zod';
import type { ApiName } from './api';
import { DefenderApiError, DefenderResponseError, PagingError, type FailedRequest } from './errors';
import { splitListPage } from './listPage';

/** A schema of one list item. */
export type Schema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** A 2xx answer's status and body. */
export interface Answer {
  status: number;
  text: string;
}

/** Where log lines go; a pino logger fits. */
export interface PagingLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** One list read. */
export interface PagedRead<T> {
  api: ApiName;
  path: string;
  params: Record<string, string | number | boolean | undefined>;
  schema: Schema<T>;
  limit?: number;
  headers?: Record<string, string>;
  /** `GET /api/machines` answers 404 when the tenant has no recent devices: that is an empty list. */
  notFoundIsEmpty?: boolean;
  /** Graph lists that take `$count` and `$skip`: read the pages after the first in parallel, checked by the count. */
  parallelPages?: boolean;
  /** The largest `$skip` the service documents: pages further down are read through next links only. */
  maxSkip?: number;
  /** The items have no unique `id` (antivirus health has one row per device state): tell repeats by their text. */
  rowsShareIds?: boolean;
}

/** What the paging needs from the client: one GET, the API origins, bounds, memory and a logger. */
export interface PageSource {
  /** GETs a page; `undefined` only for the allowed "no devices" 404 of the first page. */
  get(
    api: ApiName,
    url: string,
    headers?: Record<string, string>,
    notFoundIsEmpty?: boolean,
  ): Promise<Answer | undefined>;
  /** Origin (`https://host`) of each API's configured endpoint: next links elsewhere are not followed. */
  origin(api: ApiName): string;
  maxPages: number;
  workarounds: Workarounds;
  logger?: PagingLogger;
}

/** Pages of one Graph list in flight at once after its first page. */
export const PARALLEL_PAGES = 2;

/** A page read: its valid items, the key of every item it held (valid or not), its next link and the count. */
export interface ParsedPage<T> {
  items: T[];
  /** The key (`id`, or the item's text) of each of `items`. */
  itemKeys: string[];
  /** The key of every item of the page, malformed ones included. */
  keys: string[];
  nextLink?: string;
  total?: number;
}

/**
 * Remembers, per path, a request shape the service refused (`$skip` past its limit, `$expand` with `$filter`), so the
 * next reads go the other way at once instead of paying the refusal again.
 */
export class Workarounds {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts avoiding `what` on `path` for the next `ttlMs`. */
  remember(what: 'skip' | 'expand', path: string): void {
    this.until.set(`${what} ${path}`, this.now() + this.ttlMs);
  }

  /** True while `what` is avoided on `path`. */
  active(what: 'skip' | 'expand', path: string): boolean {
    const until = this.until.get(`${what} ${path}`);
    return until !== undefined && until > this.now();
  }
}

/** Reads a Defender for Endpoint list: `$top` + `$skip` until a short page, next links followed when they come. */
export async function* defenderPages<T>(source: PageSource, read: PagedRead<T>, firstUrl: string): AsyncGenerator<T[]> {
  const top = Number(read.params.$top);
  const origin = source.origin(read.api);
  const seen = new Set<string>([firstUrl]);
  let remaining = limitOf(read);
  let previous = new Set<string>();
  let offset = 0;
  let url = firstUrl;
  for (let page = 1; ; page++) {
    const answer = await source.get(read.api, url, read.headers, page === 1 && read.notFoundIsEmpty);
    if (answer === undefined) return;
    const parsed = parsePage(describe(read.api, 'GET', url), answer, read, source.logger);
    const fresh = freshItems(parsed, previous);
    if (page > 1 && parsed.keys.length > 0 && fresh.keys === 0) {
      throw new PagingError({ ...describe(read.api, 'GET', url), reason: 'loop', pages: page });
    }
    const kept = fresh.items.length > remaining ? fresh.items.slice(0, remaining) : fresh.items;
    remaining -= kept.length;
    if (kept.length > 0) yield kept;
    if (remaining <= 0) return;
    offset += parsed.keys.length;
    previous = new Set(parsed.keys);

    let next: string | undefined;
    if (parsed.nextLink !== undefined) {
      const link = new URL(parsed.nextLink, url);
      if (link.origin === origin) next = link.href;
      else {
        // Regional hosts appear in next links; $skip on the configured host reads the same list without leaving it.
        source.logger?.warn(
          { api: read.api, path: read.path, host: link.host },
          'next link to another host not followed',
        );
      }
    }
    if (next === undefined) {
      // A short page is the end; so is the end of a list asked for without `$top` that gave no next link.
      if (!(top > 0) || parsed.keys.length < top) return;
      next = withSkip(firstUrl, offset);
    }
    if (seen.has(next)) throw new PagingError({ ...describe(read.api, 'GET', url), reason: 'loop', pages: page });
    if (page >= source.maxPages) {
      throw new PagingError({ ...describe(read.api, 'GET', url), reason: 'page-limit', pages: page });
    }
    seen.add(next);
    url = next;
  }
}

/** Where a Graph list stands while it is read. */
interface GraphState {
  /** Keys of the last page yielded, to drop what a shifting list shows twice. */
  previous: Set<string>;
  /** Items yielded or dropped as over the limit: distinct items of the list read so far. */
  distinct: number;
  remaining: number;
  pages: number;
  /** The next link of the last page read in order. */
  resume?: string;
  /** Items of the list before the next page to read with `$skip`. */
  offset: number;
}

/**
 * Reads a Graph list: next links, with checked parallel `$skip` pages as a speed-up, and the count compared at the
 * end.
 */
export async function* graphPages<T>(source: PageSource, read: PagedRead<T>, firstUrl: string): AsyncGenerator<T[]> {
  const answer = (await source.get(read.api, firstUrl, read.headers))!;
  const first = parsePage(describe(read.api, 'GET', firstUrl), answer, read, source.logger);
  const state: GraphState = {
    previous: new Set(first.keys),
    distinct: first.keys.length,
    remaining: limitOf(read),
    pages: 1,
    resume: first.nextLink,
    offset: first.keys.length,
  };
  yield* keep(state, first.items);
  const total = first.total;
  const pageSize = first.keys.length;
  if (state.remaining <= 0) return;

  const skipAllowed =
    read.parallelPages === true &&
    total !== undefined &&
    pageSize > 0 &&
    state.offset < total &&
    !source.workarounds.active('skip', read.path);
  if (skipAllowed) {
    const wanted = Math.min(total, state.offset + state.remaining);
    yield* skipPages(source, read, firstUrl, state, { pageSize, total, wanted, maxSkip: read.maxSkip });
  }
  if (state.remaining > 0 && state.resume !== undefined) yield* linkedPages(source, read, firstUrl, state);
  if (state.remaining > 0 && total !== undefined && state.distinct < total) {
    throw new PagingError({
      ...describe(read.api, 'GET', firstUrl),
      reason: 'count-mismatch',
      pages: state.pages,
      read: state.distinct,
      expected: total,
    });
  }
}

/**
 * The pages after the first, read `PARALLEL_PAGES` at a time with `$skip` and yielded in order, each checked against
 * the count. The first refused, short or repeated page ends this and leaves `state.resume` at the last good page.
 */
async function* skipPages<T>(
  source: PageSource,
  read: PagedRead<T>,
  firstUrl: string,
  state: GraphState,
  list: { pageSize: number; total: number; wanted: number; maxSkip?: number },
): AsyncGenerator<T[]> {
  const offsets: number[] = [];
  const deepest = list.maxSkip ?? Number.POSITIVE_INFINITY;
  for (let offset = state.offset; offset < list.wanted && offset <= deepest; offset += list.pageSize) {
    offsets.push(offset);
  }
  if (state.pages + offsets.length > source.maxPages) {
    throw new PagingError({ ...describe(read.api, 'GET', firstUrl), reason: 'page-limit', pages: source.maxPages });
  }
  type Fetched = { answer: Answer } | { error: unknown };
  const inFlight: Promise<Fetched>[] = [];
  let started = 0;
  const fetchNext = (): void => {
    const offset = offsets[started++];
    if (offset === undefined) return;
    const url = withSkip(firstUrl, offset, { dropCount: true });
    inFlight.push(
      source.get(read.api, url, read.headers).then(
        (answer) => ({ answer: answer! }),
        (error: unknown) => ({ error }),
      ),
    );
  };
  for (let i = 0; i < PARALLEL_PAGES; i++) fetchNext();
  for (const offset of offsets) {
    const fetched = await inFlight.shift()!;
    const url = withSkip(firstUrl, offset, { dropCount: true });
    if ('error' in fetched) {
      const refused = fetched.error instanceof DefenderApiError && fetched.error.status === 400;
      if (!refused) throw fetched.error;
      return giveUpSkip(source, read, { offset, why: 'refused' });
    }
    const parsed = parsePage(describe(read.api, 'GET', url), fetched.answer, read, source.logger);
    const fresh = freshItems(parsed, state.previous);
    const expected = Math.min(list.pageSize, list.total - offset);
    if (parsed.keys.length < expected || (parsed.keys.length > 0 && fresh.keys === 0)) {
      return giveUpSkip(source, read, { offset, why: parsed.keys.length < expected ? 'short' : 'repeated' });
    }
    fetchNext();
    state.pages++;
    state.previous = new Set(parsed.keys);
    state.distinct += fresh.keys;
    state.offset = offset + parsed.keys.length;
    state.resume = parsed.nextLink;
    yield* keep(state, fresh.items);
    if (state.remaining <= 0) return;
  }
}

function giveUpSkip<T>(source: PageSource, read: PagedRead<T>, at: { offset: number; why: string }): void {
  source.workarounds.remember('skip', read.path);
  source.logger?.warn(
    { api: read.api, path: read.path, skip: at.offset, why: at.why },
    'a $skip page was not usable; the list goes on with @odata.nextLink',
  );
}

/** Follows next links from `state.resume` one after the other. */
async function* linkedPages<T>(
  source: PageSource,
  read: PagedRead<T>,
  firstUrl: string,
  state: GraphState,
): AsyncGenerator<T[]> {
  const origin = source.origin(read.api);
  const seen = new Set<string>([firstUrl]);
  let url = firstUrl;
  while (state.resume !== undefined && state.remaining > 0) {
    const request = describe(read.api, 'GET', url);
    const next = new URL(state.resume, url);
    if (next.origin !== origin) throw new PagingError({ ...request, reason: 'foreign-link', pages: state.pages });
    if (seen.has(next.href)) throw new PagingError({ ...request, reason: 'loop', pages: state.pages });
    if (state.pages >= source.maxPages) throw new PagingError({ ...request, reason: 'page-limit', pages: state.pages });
    url = next.href;
    seen.add(url);
    const answer = (await source.get(read.api, url, read.headers))!;
    const parsed = parsePage(describe(read.api, 'GET', url), answer, read, source.logger);
    const fresh = freshItems(parsed, state.previous);
    if (parsed.keys.length > 0 && fresh.keys === 0) {
      throw new PagingError({ ...describe(read.api, 'GET', url), reason: 'loop', pages: state.pages });
    }
    state.pages++;
    state.previous = new Set(parsed.keys);
    state.distinct += fresh.keys;
    state.offset += parsed.keys.length;
    state.resume = parsed.nextLink;
    yield* keep(state, fresh.items);
  }
}

/** Yields `items` up to the remaining limit. */
function* keep<T>(state: GraphState, items: T[]): Generator<T[]> {
  const kept = items.length > state.remaining ? items.slice(0, state.remaining) : items;
  state.remaining -= kept.length;
  if (kept.length > 0) yield kept;
}

/** The items of a page not shown by the page before it, and how many of its keys are new. */
function freshItems<T>(page: ParsedPage<T>, previous: ReadonlySet<string>): { items: T[]; keys: number } {
  if (previous.size === 0) return { items: page.items, keys: page.keys.length };
  const items: T[] = [];
  let keys = 0;
  for (const key of page.keys) if (!previous.has(key)) keys++;
  if (keys === page.keys.length) return { items: page.items, keys };
  page.items.forEach((item, i) => {
    if (!previous.has(page.itemKeys[i])) items.push(item);
  });
  return { items, keys };
}

/**
 * The items of one list page (malformed ones skipped and logged), the key of every item, its next link and the count
 * of the whole list when the answer gives it. Items are parsed one at a time (see `listPage.ts`).
 */
export function parsePage<T>(
  request: FailedRequest,
  answer: Answer,
  read: Pick<PagedRead<T>, 'schema' | 'rowsShareIds'>,
  logger?: PagingLogger,
): ParsedPage<T> {
  const page = splitListPage(answer.text);
  if (!page) {
    parseJson(request, answer.status, answer.text); // throws when the body is not JSON at all
    throw new DefenderResponseError({ ...request, detail: 'a list answer has no "value" array' });
  }
  if (!page.items) throw new DefenderResponseError({ ...request, detail: 'a list answer has no "value" array' });
  const nextLink = page.envelope['@odata.nextLink'];
  if (nextLink !== undefined && nextLink !== null && typeof nextLink !== 'string') {
    throw new DefenderResponseError({ ...request, detail: '"@odata.nextLink" is not a string' });
  }
  const count = page.envelope['@odata.count'];
  const items: T[] = [];
  const itemKeys: string[] = [];
  const keys: string[] = [];
  page.items.forEach((text, index) => {
    const raw = parseJson(request, answer.status, text);
    const id = isRecord(raw) && (typeof raw.id === 'string' || typeof raw.id === 'number') ? String(raw.id) : undefined;
    const key = read.rowsShareIds || id === undefined ? text : id;
    keys.push(key);
    const parsed = read.schema.safeParse(raw);
    if (parsed.success) {
      items.push(parsed.data);
      itemKeys.push(key);
    } else {
      logger?.warn(
        { api: request.api, path: request.path, index, id, problems: problems(parsed.error) },
        'skipped a malformed item in a list answer',
      );
    }
  });
  return {
    items,
    itemKeys,
    keys,
    nextLink: typeof nextLink === 'string' ? nextLink : undefined,
    total: typeof count === 'number' ? count : undefined,
  };
}

/** Parses a JSON body or throws a readable `DefenderResponseError`. */
export function parseJson(request: FailedRequest, status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const detail = text.trim() ? 'the body is not valid JSON (truncated or not JSON)' : 'the body is empty';
    throw new DefenderResponseError({ ...request, status, detail });
  }
}

/** The first few schema problems, as "path: message". */
export function problems(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** The request an error describes: API, method and path without host or query. */
export function describe(api: ApiName, method: string, url: string): FailedRequest {
  return { api, method, path: new URL(url).pathname };
}

/** `url` with `$skip` set to `offset` (and `$count` dropped, for Graph pages after the first). */
export function withSkip(url: string, offset: number, options: { dropCount?: boolean } = {}): string {
  const next = new URL(url);
  if (options.dropCount) next.searchParams.delete('$count');
  next.searchParams.set('$skip', String(offset));
  // URLSearchParams writes spaces as "+"; OData wants "%20" (see `queryString`).
  return next.href.replace(/\+/g, '%20');
}

function limitOf(read: Pick<PagedRead<unknown>, 'limit'>): number {
  return read.limit ?? Number.POSITIVE_INFINITY;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
