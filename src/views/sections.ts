/**
 * Turns a failed Defender call into an "unavailable" card section instead of a failed card, and a list that could
 * not be read whole into an "incomplete" one that shows what was read.
 */
import type { PartialSection, Section } from '../cards';
import type { PageStream } from '../defender/api';
import { DefenderApiError } from '../defender/errors';
import type { Logger } from '../log';

/** A readable reason for a failure, without internals. */
export function readableError(error: unknown): string {
  if (error instanceof DefenderApiError) return error.readableMessage();
  return 'an unexpected error occurred (details in the bot log)';
}

/** Awaits `work`; on failure logs it and returns `{ unavailable: reason }`. */
export async function section<T>(name: string, work: Promise<T>, log: Logger): Promise<Section<T>> {
  try {
    return await work;
  } catch (error) {
    log.warn({ err: error, section: name }, `section ${name} unavailable`);
    return { unavailable: readableError(error) };
  }
}

/** A list read: what was read and, when the API could not give the rest, why. */
export interface ListRead<T> {
  items: T;
  /** Set when the list was read only in part: the reason, for the card. */
  incomplete?: string;
  /** The failure that cut the list short, for the log. */
  failure?: unknown;
}

/**
 * Reads a list page by page into `consume`. A failure after at least one page makes the read incomplete (its
 * reason is returned, and the pages already consumed stand); a failure before any page is thrown.
 */
export async function readPages<T>(
  pages: PageStream<T>,
  consume: (page: T[]) => void,
): Promise<Pick<ListRead<unknown>, 'incomplete' | 'failure'>> {
  let consumed = 0;
  try {
    for await (const page of pages) {
      consume(page);
      consumed++;
    }
  } catch (failure) {
    if (consumed === 0) throw failure;
    return { incomplete: readableError(failure), failure };
  }
  return {};
}

/** Reads a whole list; see `readPages` for what a failure does. */
export async function readList<T>(pages: PageStream<T>): Promise<ListRead<T[]>> {
  const items: T[] = [];
  const outcome = await readPages(pages, (page) => {
    for (const item of page) items.push(item);
  });
  return { items, ...outcome };
}

/**
 * Awaits a list read for a card section: the whole list, what was read with why it is incomplete, or, on failure,
 * `{ unavailable: reason }`. Both failures are logged.
 */
export async function listSection<T>(
  name: string,
  work: Promise<ListRead<T>>,
  log: Logger,
): Promise<PartialSection<T>> {
  let read: ListRead<T>;
  try {
    read = await work;
  } catch (error) {
    log.warn({ err: error, section: name }, `section ${name} unavailable`);
    return { unavailable: readableError(error) };
  }
  if (read.incomplete === undefined) return read.items;
  log.warn({ err: read.failure, section: name }, `section ${name} incomplete`);
  return { partial: read.items, incomplete: read.incomplete };
}
