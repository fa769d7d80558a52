/**
 * The invoke time budget: Teams waits about 5 s for the answer to a click, so a Defender call gets a little less
 * and, when it is slower, finishes in the background and updates the card afterwards.
 */

/** How long a click waits for Defender before it answers "requested — waiting for Defender". */
export const ANSWER_WITHIN_MS = 3000;

/**
 * How long a background card update waits after the click was answered: the answer (and its `REPLACE_FOR_ALL`
 * update) leaves right after the handler returns, and an update sent before it would be overwritten by it.
 */
export const AFTER_ANSWER_MS = 1000;

/** The outcome of waiting for work until a deadline. */
export type ByDeadline<T> = { late: false; value: T } | { late: true };

/** Waits for `work` until `deadline` (epoch ms); `work` keeps running when the deadline comes first. */
export async function byDeadline<T>(work: Promise<T>, deadline: number): Promise<ByDeadline<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ByDeadline<T>>((resolve) => {
    timer = setTimeout(() => resolve({ late: true }), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then((value): ByDeadline<T> => ({ late: false, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves `AFTER_ANSWER_MS` after `answeredAt` (epoch ms). */
export function afterAnswer(answeredAt: number): Promise<void> {
  const wait = answeredAt + AFTER_ANSWER_MS - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
