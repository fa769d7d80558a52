/**
 * When each subscription's digest fires: the default cron of its kind, or the same cadence at its own time.
 */
import { createTask } from 'node-cron';
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

/** The next `count` fire times of a cron expression in a time zone, after `after`. */
export function nextRuns(cron: string, timeZone: string, count = 1): Date[] {
  const task = createTask(cron, () => undefined, { timezone: timeZone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

/**
 * The latest fire time of `cron` at or before `now` and after `since` (for catching up a missed digest), found by
 * walking the schedule forward from `since`.
 */
export function latestSlot(cron: string, timeZone: string, since: Date, now: Date): Date | undefined {
  const task = createTask(cron, () => undefined, { timezone: timeZone });
  try {
    const runs = fireTimesBetween(task, since, now);
    return runs.at(-1);
  } finally {
    void task.destroy();
  }
}

function fireTimesBetween(task: ReturnType<typeof createTask>, since: Date, until: Date): Date[] {
  // node-cron has no "runs between"; step a matcher minute by minute (or second by second for 6-field crons).
  const out: Date[] = [];
  const seconds = task.getPattern().trim().split(/\s+/).length === 6;
  const step = seconds ? 1000 : 60_000;
  const start = Math.floor(since.getTime() / step) * step + step;
  const maxSteps = seconds ? 7 * 86400 : 62 * 1440;
  for (let t = start, n = 0; t <= until.getTime() && n < maxSteps; t += step, n++) {
    if (task.match(new Date(t))) out.push(new Date(t));
  }
  return out;
}

/** A cron expression in words, for the help card. */
export function describeCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 6 ? fields.slice(1) : fields;
  const time = /^\d+$/.test(minute) && /^\d+$/.test(hour) ? `at ${hour.padStart(2, '0')}:${minute.padStart(2, '0')}` : '';
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
