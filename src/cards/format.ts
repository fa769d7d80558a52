/**
 * How cards write times, ages, durations, numbers and changes: short, in the digest time zone, never throwing.
 */
import type { CardContext, IsoDate } from './views';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Days an Action-center pending action waits before Defender expires it. */
export const ACTION_CENTER_EXPIRY_DAYS = 7;

/** Parses an ISO date; `undefined` when absent or unreadable. */
export function toDate(value: IsoDate | Date | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      // An unknown zone must not break a card: fall back to UTC, which the label then says.
      formatter = formatterFor('UTC');
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** A date and time in the card's time zone, e.g. "Mon 6 May 2024 08:00 UTC". */
export function formatTime(value: IsoDate | Date | undefined, ctx: Pick<CardContext, 'timeZone'>): string {
  const date = toDate(value);
  if (!date) return 'unknown time';
  const parts = formatterFor(ctx.timeZone ?? 'UTC').formatToParts(date);
  const p = Object.fromEntries(parts.map((part) => [part.type, part.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** A time and how long ago it was, e.g. "Mon 6 May 2024 07:57 UTC (3 min ago)". */
export function formatTimeAndAge(value: IsoDate | undefined, ctx: Pick<CardContext, 'timeZone' | 'now'>): string {
  return `${formatTime(value, ctx)} (${formatAge(value, ctx.now)})`;
}

/** A duration in the largest sensible units, e.g. "45 min", "5 h 10 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < HOUR) return `${Math.max(1, Math.floor(abs / MINUTE))} min`;
  if (abs < DAY) {
    const minutes = Math.floor((abs % HOUR) / MINUTE);
    return `${Math.floor(abs / HOUR)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((abs % DAY) / HOUR);
  return `${Math.floor(abs / DAY)} d${hours ? ` ${hours} h` : ''}`;
}

/** How long ago, e.g. "just now", "12 min ago", "3 d 4 h ago". */
export function formatAge(value: IsoDate | undefined, now: Date): string {
  const date = toDate(value);
  if (!date) return 'unknown';
  const ms = now.getTime() - date.getTime();
  return ms < MINUTE ? 'just now' : `${formatDuration(ms)} ago`;
}

/** Time left until `expiresAt`, e.g. "2 d 4 h left", or "expired". */
export function formatTimeLeft(expiresAt: IsoDate | Date | undefined, now: Date): string {
  const date = toDate(expiresAt);
  if (!date) return 'unknown';
  const ms = date.getTime() - now.getTime();
  return ms <= 0 ? 'expired' : `${formatDuration(ms)} left`;
}

/** Adds whole days to a date. */
export function addDays(value: IsoDate | Date | undefined, days: number): Date | undefined {
  const date = toDate(value);
  return date ? new Date(date.getTime() + days * DAY) : undefined;
}

/** True when `value` is before `now`. */
export function isPast(value: IsoDate | Date | undefined, now: Date): boolean {
  const date = toDate(value);
  return date !== undefined && date.getTime() <= now.getTime();
}

/** A number with at most `digits` decimals and no trailing zeros, e.g. 412.5, 68. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Number(value.toFixed(digits)).toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** `part / whole` as a percentage, e.g. "68.7%". */
export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${formatNumber((part / whole) * 100)}%` : 'n/a';
}

/** A signed change, e.g. "+3.2", "−1", "no change". */
export function formatChange(delta: number, digits = 1): string {
  const rounded = Number(delta.toFixed(digits));
  if (rounded === 0) return 'no change';
  return rounded > 0 ? `+${formatNumber(rounded, digits)}` : `−${formatNumber(-rounded, digits)}`;
}

/** "1 device", "3 devices". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** Splits a PascalCase or camelCase identifier into words: "PendingApproval" → "Pending approval". */
export function humanize(identifier: string): string {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/** `YYYY-MM-DD` of a date in the card's time zone (chart axes). */
export function formatDay(value: IsoDate | Date, ctx: Pick<CardContext, 'timeZone'>): string {
  const date = toDate(value);
  if (!date) return 'unknown';
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: ctx.timeZone ?? 'UTC' }).format(date);
  } catch {
    return date.toISOString().slice(0, 10);
  }
}
