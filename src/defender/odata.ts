/**
 * Tiny, safe builders for OData `$filter` expressions and query strings.
 *
 * Values from users or from the API never go into a filter unquoted: `quote` doubles single quotes, `isoDate`
 * refuses invalid dates, and `queryString` percent-encodes every value (spaces as `%20`, never `+`).
 */

/** A string literal for an OData filter: `O'Brien` becomes `'O''Brien'`. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A `DateTimeOffset` literal for an OData filter (ISO 8601, UTC); throws on an invalid date. */
export function isoDate(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError('an OData date filter needs a valid Date');
  }
  return date.toISOString();
}

/** Joins the given conditions with `and`, skipping empty ones; `undefined` when none is left. */
export function and(...conditions: Array<string | false | null | undefined>): string | undefined {
  const parts = conditions.filter((c): c is string => typeof c === 'string' && c.trim() !== '');
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  // Parenthesised so an `or` inside one condition cannot swallow the others.
  return parts.map((p) => `(${p})`).join(' and ');
}

/** Joins the given conditions with `or`, each parenthesised. */
export function or(...conditions: string[]): string {
  return conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(' or ');
}

/** Query parameters of one request; `undefined` values are left out. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** `?$top=50&$filter=...` with every value percent-encoded; empty string when there is nothing to send. */
export function queryString(params: QueryParams): string {
  const pairs = Object.entries(params)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}
