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

// ---- fires ----------------------------------------------------------------------------------------------------

/**
 * One scheduled fire: a digest kind on a cron at one slot. A slot is a wall-clock time in the digest time zone
 * (`local`), due at the instant `slot`: when daylight saving repeats an hour the slot is one fire (due at its first
 * occurrence), and when it skips one the slot is due when the clock jumps (as cron does), so a digest at 02:30
 * comes once a day whatever the clocks do.
 */
export interface Fire {
  kind: DigestKind;
  cron: string;
  /** When the fire is due. */
  slot: Date;
  /** The slot's wall-clock time, `YYYY-MM-DDTHH:MM:SS` in the digest time zone: the fire's identity. */
  local: string;
}

/** The node-cron task name of a (kind, cron) schedule; node-cron prefixes its coordination keys with it. */
export function taskName(kind: DigestKind, cron: string): string {
  return `fire|${kind}|${cron}`;
}

/** The claim key of one fire: its schedule and wall-clock slot, so both runs of a repeated hour are one claim. */
export function fireKey(fire: Pick<Fire, 'kind' | 'cron' | 'local'>): string {
  return `${taskName(fire.kind, fire.cron)}@${fire.local}`;
}

/** The fire of a node-cron tick (the instant node-cron matched), in a time zone. */
export function fireAt(kind: DigestKind, cron: string, slot: Date, timeZone: string): Fire {
  return { kind, cron, slot, local: localTime(slot.getTime(), timeZone) };
}

/** The wall-clock time of an instant in a time zone, `YYYY-MM-DDTHH:MM:SS`. */
export function localTime(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return wallText(p, [p.hour, p.minute, p.second]);
}

function wallText(date: { year: number; month: number; day: number }, [h, m, s]: TimeOfDay): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(date.year).padStart(4, '0')}-${two(date.month)}-${two(date.day)}T${two(h)}:${two(m)}:${two(s)}`;
}

// ---- the latest fire time -------------------------------------------------------------------------------------

/** Calendar days searched back for a fire time (covers "29 February on a Monday"-style schedules). */
const MAX_DAYS_BACK = 366 * 8;

/**
 * The latest slot of `cron` in `timeZone` due at or before `now` and strictly after `since`, or undefined.
 *
 * node-cron only walks forward from "now", so this walks back day by day: node-cron's own matcher decides which
 * local days match (day-of-month/day-of-week rules, `L`, `#`, OR-ing stay node-cron's), and in a matching day the
 * latest allowed time of day is taken from the parsed second/minute/hour lists. A time repeated by daylight saving
 * is due at its first occurrence; a time skipped by it is due when the clock jumps.
 */
export function latestSlot(
  cron: string,
  timeZone: string,
  since: Date | undefined,
  now: Date,
): Pick<Fire, 'slot' | 'local'> | undefined {
  const { hours, minutes, seconds, days } = compiled(cron, timeZone);
  const limit = Math.floor(now.getTime() / 1000) * 1000;
  const floor = since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const today = zonedParts(limit, timeZone);
  // Days before the one `since` falls on hold nothing later than `since`.
  const first = Number.isFinite(floor) ? zonedParts(floor, timeZone) : undefined;
  const firstDay = first ? Date.UTC(first.year, first.month - 1, first.day) : Number.NEGATIVE_INFINITY;
  for (let back = 0; back <= MAX_DAYS_BACK; back++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day - back));
    if (day.getTime() < firstDay) return undefined;
    const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    if (!days.match(new Date(wallInstant(date, [12, 0, 0], timeZone)))) continue;
    let upper: TimeOfDay | undefined = back === 0 ? [today.hour, today.minute, today.second] : [23, 59, 59];
    while (upper) {
      const time = latestTimeOfDay(hours, minutes, seconds, upper);
      if (!time) break;
      const at = wallInstant(date, time, timeZone);
      if (at <= floor) return undefined;
      if (at <= limit) return { slot: new Date(at), local: wallText(date, time) };
      upper = secondBefore(time);
    }
  }
  return undefined;
}

interface CompiledCron {
  hours: number[];
  minutes: number[];
  seconds: number[];
  /** node-cron's matcher of the cron's days (every time of day allowed). */
  days: ReturnType<typeof createTask>;
}

/** Parsed crons by expression and time zone: the catch-up sweep asks for the same few every minute. */
const compiledCrons = new Map<string, CompiledCron>();

function compiled(cron: string, timeZone: string): CompiledCron {
  const key = `${cron}|${timeZone}`;
  let found = compiledCrons.get(key);
  if (!found) {
    const fields = parse(cron);
    found = {
      hours: sortedNumbers(fields.hour),
      minutes: sortedNumbers(fields.minute),
      seconds: sortedNumbers(fields.second),
      // A task that is never started only matches; it holds no timer.
      days: createTask(dayCron(cron), () => undefined, { timezone: timeZone }),
    };
    if (compiledCrons.size > 256) {
      for (const old of compiledCrons.values()) void old.days.destroy();
      compiledCrons.clear();
    }
    compiledCrons.set(key, found);
  }
  return found;
}

/** The day fields of a cron with every time of day allowed (`* * * <day of month> <month> <day of week>`). */
function dayCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  return ['*', '*', '*', ...fields.slice(-3)].join(' ');
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

/** The zone's offset from UTC (ms) at an instant. */
function offsetAt(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant (epoch ms) of a wall-clock date and time in a time zone: its first occurrence when daylight saving
 * repeats it, the instant the clock jumps when daylight saving skips it.
 */
function wallInstant(
  date: { year: number; month: number; day: number },
  [h, m, s]: TimeOfDay,
  timeZone: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, h, m, s);
  // A zone changes its offset at most once in a day: the offsets half a day either side are the two in play.
  const before = offsetAt(wall - 43_200_000, timeZone);
  const after = offsetAt(wall + 43_200_000, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => t + offsetAt(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped: the first instant with the later offset (the jump), to the second.
  let low = Math.min(wall - before, wall - after);
  let high = Math.max(wall - before, wall - after);
  while (high - low > 1000) {
    const mid = Math.floor((low + high) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === after) high = mid;
    else low = mid;
  }
  return high;
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
