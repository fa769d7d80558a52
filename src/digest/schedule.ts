/**
 * When each subscription's digest fires: the default cron of its kind, or the same cadence at its own time; and the
 * fire times themselves (the next ones for the help card, the latest one for catching up a missed digest).
 */
import { createTask, parse } from 'node-cron';
import type { Config } from '../config';
import type { DigestKind, Subscription } from '../store/subscriptions';

/** The default node-cron expression of a digest kind. */
export function defaultCron(config: Config, kind: DigestKind): string {
  return { daily: config.digest.dailyCron, weekly: config.digest.weeklyCron, monthly: config.digest.monthlyCron }[kind];
}

/**
 * The cron a subscription follows: the default, or the default's days at the subscription's own `HH:MM`
 * (seconds, when the default has them, become 0).
 */
export function subscriptionCron(config: Config, subscription: Pick<Subscription, 'kind' | 'at'>): string {
  const cron = defaultCron(config, subscription.kind);
  if (!subscription.at) return cron;
  const [hour, minute] = subscription.at.split(':').map(Number);
  const fields = cron.trim().split(/\s+/);
  const offset = fields.length === 6 ? 1 : 0;
  if (offset) fields[0] = '0';
  fields[offset] = String(minute);
  fields[offset + 1] = String(hour);
  return fields.join(' ');
}

/** Parses `HH:MM` (24-hour); returns the normalized `HH:MM` or undefined. */
export function parseTimeOfDay(text: string): string | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? `${match[1].padStart(2, '0')}:${match[2]}` : undefined;
}

/** The next `count` fire times of a cron expression in a time zone, from now. */
export function nextRuns(cron: string, timeZone: string, count = 1): Date[] {
  // `help` and the welcome card ask for every subscription's next run; the answer holds until that run has passed.
  const key = `${cron}|${timeZone}|${count}`;
  const cached = nextRunsCache.get(key);
  if (cached && cached[0] && cached[0].getTime() > Date.now()) return cached.map((d) => new Date(d));
  const task = createTask(cron, () => undefined, { timezone: timeZone });
  try {
    const runs = task.getNextRuns(count);
    if (nextRunsCache.size > 256) nextRunsCache.clear();
    nextRunsCache.set(key, runs);
    return runs.map((d) => new Date(d));
  } finally {
    void task.destroy();
  }
}

const nextRunsCache = new Map<string, Date[]>();

// ---- fire keys ------------------------------------------------------------------------------------------------

/** One scheduled fire: a digest kind on a cron at one slot (the instant the cron matched). */
export interface Fire {
  kind: DigestKind;
  cron: string;
  slot: Date;
}

/** The node-cron task name of a (kind, cron) schedule; node-cron prefixes its coordination keys with it. */
export function taskName(kind: DigestKind, cron: string): string {
  return `fire|${kind}|${cron}`;
}

/**
 * The claim key of one fire, exactly as node-cron builds it for a `distributed` task (`<name>:<slot ISO>`), so a
 * fire run by the cron task and the same fire run by the catch-up sweep are one claim.
 */
export function fireKey(fire: Fire): string {
  return `${taskName(fire.kind, fire.cron)}:${fire.slot.toISOString()}`;
}

const FIRE_KEY = /^fire\|(daily|weekly|monthly)\|(.+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/;

/** Reads a fire key back; `undefined` for any other key. */
export function parseFireKey(key: string): Fire | undefined {
  const match = FIRE_KEY.exec(key);
  if (!match) return undefined;
  const slot = new Date(match[3]);
  return Number.isNaN(slot.getTime()) ? undefined : { kind: match[1] as DigestKind, cron: match[2], slot };
}

// ---- the latest fire time -------------------------------------------------------------------------------------

/** Calendar days searched back for a fire time (covers "29 February on a Monday"-style schedules). */
const MAX_DAYS_BACK = 366 * 8;

/**
 * The latest fire time of `cron` in `timeZone` at or before `now` and strictly after `since`, or undefined.
 *
 * node-cron only walks forward from "now", so this walks back day by day: in each local day it takes the latest
 * allowed time of day (from the parsed second/minute/hour lists) and lets node-cron's own matcher decide whether
 * the day matches, so day-of-month/day-of-week rules (`L`, `#`, OR-ing) stay node-cron's.
 */
export function latestSlot(cron: string, timeZone: string, since: Date | undefined, now: Date): Date | undefined {
  const fields = parse(cron);
  const hours = sortedNumbers(fields.hour);
  const minutes = sortedNumbers(fields.minute);
  const seconds = sortedNumbers(fields.second);
  const matcher = createTask(cron, () => undefined, { timezone: timeZone });
  try {
    const limit = Math.floor(now.getTime() / 1000) * 1000;
    const floor = since?.getTime() ?? Number.NEGATIVE_INFINITY;
    const today = zonedParts(limit, timeZone);
    for (let back = 0; back <= MAX_DAYS_BACK; back++) {
      const day = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
      const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
      let upper: TimeOfDay | undefined = back === 0 ? [today.hour, today.minute, today.second] : [23, 59, 59];
      // Two tries per day: the second only matters when a DST change moved the first candidate.
      for (let attempt = 0; attempt < 2 && upper; attempt++) {
        const time = latestTimeOfDay(hours, minutes, seconds, upper);
        if (!time) break;
        const instant = zonedTimeToUtc(date, time, timeZone);
        if (instant <= floor) return undefined;
        if (instant <= limit && matcher.match(new Date(instant))) return new Date(instant);
        upper = secondBefore(time);
      }
      if (zonedTimeToUtc(date, [0, 0, 0], timeZone) <= floor) return undefined;
    }
    return undefined;
  } finally {
    void matcher.destroy();
  }
}

type TimeOfDay = [hour: number, minute: number, second: number];

function sortedNumbers(values: readonly (number | string)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
}

/** The latest allowed (hour, minute, second) at or before `upper`. */
function latestTimeOfDay(
  hours: number[],
  minutes: number[],
  seconds: number[],
  upper: TimeOfDay,
): TimeOfDay | undefined {
  const [uh, um, us] = upper;
  for (let h = hours.length - 1; h >= 0; h--) {
    const hour = hours[h];
    if (hour > uh) continue;
    for (let m = minutes.length - 1; m >= 0; m--) {
      const minute = minutes[m];
      if (hour === uh && minute > um) continue;
      const secondLimit = hour === uh && minute === um ? us : 59;
      for (let s = seconds.length - 1; s >= 0; s--) if (seconds[s] <= secondLimit) return [hour, minute, seconds[s]];
    }
  }
  return undefined;
}

function secondBefore([h, m, s]: TimeOfDay): TimeOfDay | undefined {
  const total = h * 3600 + m * 60 + s - 1;
  return total < 0 ? undefined : [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
}

interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of an instant in a time zone. */
function zonedParts(ms: number, timeZone: string): ZonedParts {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour % 24,
    minute: parts.minute,
    second: parts.second,
  };
}

/** The instant (epoch ms) of a wall-clock date and time in a time zone. */
function zonedTimeToUtc(
  date: { year: number; month: number; day: number },
  [h, m, s]: TimeOfDay,
  timeZone: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, h, m, s);
  const offsetAt = (ms: number) => {
    const p = zonedParts(ms, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  return second;
}

/** A cron expression in words, for the help card. */
export function describeCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 6 ? fields.slice(1) : fields;
  const time =
    /^\d+$/.test(minute) && /^\d+$/.test(hour) ? `at ${hour.padStart(2, '0')}:${minute.padStart(2, '0')}` : '';
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  if (dayOfMonth === '*' && month === '*' && dayOfWeek === '*' && time) return `every day ${time}`;
  if (dayOfMonth === '*' && month === '*' && /^[0-7]$/.test(dayOfWeek) && time) {
    return `every ${days[Number(dayOfWeek) % 7]} ${time}`;
  }
  if (/^\d+$/.test(dayOfMonth) && month === '*' && dayOfWeek === '*' && time) {
    return `on day ${dayOfMonth} of every month ${time}`;
  }
  return `cron "${cron}"`;
}
