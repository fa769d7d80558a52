/**
 * Turns a failed Defender call into an "unavailable" card section instead of a failed card.
 */
import type { Section } from '../cards';
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
