/**
 * The one mechanism that keeps every card under the Teams size limit.
 *
 * A builder describes its card as a function of `maxRows`, the most rows any list on the card may show. `fitCard`
 * calls it with the preferred number and, while the JSON is larger than 28 KB, searches for the largest number
 * that fits. Lists cut by `fitList` end with an "and N more" line (see `listBody` in `sections.ts`).
 */
import type { AdaptiveCard } from './elements';

/** Largest card Watchstander sends: 28 KB of UTF-8 JSON. */
export const MAX_CARD_BYTES = 28 * 1024;

/** Default number of rows a list shows before "and N more" when the card has room. */
export const DEFAULT_MAX_ROWS = 25;

/** A card that cannot be made small enough even with every list cut to nothing. */
export class CardTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`card is ${bytes} bytes of JSON, more than the ${MAX_CARD_BYTES} bytes Teams accepts`);
    this.name = 'CardTooLargeError';
  }
}

/** Size of a card as sent: UTF-8 bytes of its JSON. */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Returns the card, or throws `CardTooLargeError` when it is over `MAX_CARD_BYTES`. */
export function assertCardSize<T extends AdaptiveCard>(card: T): T {
  const bytes = cardBytes(card);
  if (bytes > MAX_CARD_BYTES) throw new CardTooLargeError(bytes);
  return card;
}

/** The rows of a list a card shows, and how many it leaves out. */
export interface FittedList<T> {
  shown: T[];
  hidden: number;
}

/** Keeps the first `maxRows` items; `total` counts items the caller already left out before. */
export function fitList<T>(items: readonly T[], maxRows: number, total: number = items.length): FittedList<T> {
  const shown = items.slice(0, Math.max(0, Math.floor(maxRows)));
  return { shown, hidden: Math.max(0, total - shown.length) };
}

/**
 * Builds the largest version of a card that fits: `build(maxRows)` with `preferredRows`, else the largest smaller
 * `maxRows` whose JSON is at most `maxBytes` (binary search: a card grows with its rows). A card that will be
 * changed after it is sent (incident rows) asks for less than `MAX_CARD_BYTES`, to keep room for the change.
 */
export function fitCard(
  build: (maxRows: number) => AdaptiveCard,
  preferredRows: number = DEFAULT_MAX_ROWS,
  maxBytes: number = MAX_CARD_BYTES,
): AdaptiveCard {
  const preferred = build(preferredRows);
  if (cardBytes(preferred) <= maxBytes) return preferred;
  let low = 0;
  let high = preferredRows - 1;
  let best: AdaptiveCard | undefined;
  while (low <= high) {
    const rows = Math.floor((low + high) / 2);
    const card = build(rows);
    if (cardBytes(card) <= maxBytes) {
      best = card;
      low = rows + 1;
    } else {
      high = rows - 1;
    }
  }
  return assertCardSize(best ?? build(0));
}
