import {
  formatAge,
  formatChange,
  formatDuration,
  formatNumber,
  formatPercent,
  formatTime,
  formatTimeLeft,
  humanize,
} from '../../../src/cards/format';
import { hoursAgo, minutesAgo, NOW } from '../../helpers/cardFixtures';

describe('card formatting', () => {
  it('writes times in the card time zone, and falls back to UTC on an unknown zone', () => {
    expect(formatTime('2024-05-06T08:00:00Z', { timeZone: 'UTC' })).toBe('Mon 6 May 2024 08:00 UTC');
    expect(formatTime('2024-05-06T08:00:00Z', { timeZone: 'Europe/Paris' })).toBe('Mon 6 May 2024 10:00 CEST');
    expect(formatTime('2024-05-06T08:00:00Z', { timeZone: 'Mars/Olympus' })).toBe('Mon 6 May 2024 08:00 UTC');
    expect(formatTime('not a date', {})).toBe('unknown time');
  });

  it('writes ages and time left in the largest sensible units', () => {
    expect(formatAge(minutesAgo(0.5), NOW)).toBe('just now');
    expect(formatAge(minutesAgo(12), NOW)).toBe('12 min ago');
    expect(formatAge(hoursAgo(5.5), NOW)).toBe('5 h 30 min ago');
    expect(formatAge(hoursAgo(76), NOW)).toBe('3 d 4 h ago');
    expect(formatTimeLeft(hoursAgo(-22), NOW)).toBe('22 h left');
    expect(formatTimeLeft(hoursAgo(1), NOW)).toBe('expired');
    expect(formatDuration(48 * 3_600_000)).toBe('2 d');
  });

  it('writes numbers, percentages, changes and identifiers for people', () => {
    expect(formatNumber(412.456)).toBe('412.5');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatPercent(412.5, 600)).toBe('68.8%');
    expect(formatPercent(1, 0)).toBe('n/a');
    expect(formatChange(3.21)).toBe('+3.2');
    expect(formatChange(-1)).toBe('−1');
    expect(formatChange(0.01)).toBe('no change');
    expect(humanize('PendingApproval')).toBe('Pending approval');
    expect(humanize('inProgress')).toBe('In progress');
  });
});
