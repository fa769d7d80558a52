/**
 * Parses chat text into a command: case-insensitive, extra spaces ignored, mention already removed.
 */
import { parseTimeOfDay } from '../digest/schedule';
import type { DigestKind } from '../store/subscriptions';

/** A parsed chat command. */
export type Command =
  | { name: 'help' }
  | { name: 'pendingActions' }
  | { name: 'incidents'; severity?: 'high' | 'medium' | 'low' }
  | { name: 'devices' }
  | { name: 'secureScore' }
  | { name: 'digest'; kind: DigestKind }
  | { name: 'subscribe'; kind: DigestKind; at?: string }
  | { name: 'unsubscribe'; kind: DigestKind }
  | { name: 'scan'; device: string; full: boolean }
  | { name: 'audit' }
  | { name: 'myIncidents' }
  | { name: 'assignIncident'; incidentId: string }
  | { name: 'unknown'; text: string; problem?: string };

const KIND = '(daily|weekly|monthly)';

/** Parses a message text. */
export function parseCommand(raw: string): Command {
  const text = raw.replace(/\s+/g, ' ').trim();
  const lower = text.toLowerCase();
  let m: RegExpExecArray | null;
  if (lower === 'help' || lower === '?') return { name: 'help' };
  if (lower === 'show pending actions') return { name: 'pendingActions' };
  if ((m = /^show incidents(?: (high|medium|low))?$/.exec(lower))) {
    return { name: 'incidents', severity: m[1] as 'high' | 'medium' | 'low' | undefined };
  }
  if (lower === 'show devices') return { name: 'devices' };
  if (lower === 'secure score') return { name: 'secureScore' };
  if (lower === 'show audit') return { name: 'audit' };
  if (lower === 'show my incidents') return { name: 'myIncidents' };
  if ((m = /^assign (\S+) to me$/.exec(lower))) {
    // Only what Graph calls an incident id: digits, nothing a crafted id could smuggle into a URL.
    if (/^\d{1,20}$/.test(m[1])) return { name: 'assignIncident', incidentId: m[1] };
    const shown = m[1].slice(0, 40);
    return {
      name: 'unknown',
      text,
      problem: `"${shown}" is not an incident id: use its number, e.g. "assign 1042 to me"`,
    };
  }
  if ((m = new RegExp(`^digest ${KIND}$`).exec(lower))) return { name: 'digest', kind: m[1] as DigestKind };
  if ((m = new RegExp(`^unsubscribe ${KIND}$`).exec(lower))) return { name: 'unsubscribe', kind: m[1] as DigestKind };
  if ((m = new RegExp(`^subscribe ${KIND}(?: at (\\S+))?$`).exec(lower))) {
    if (m[2] === undefined) return { name: 'subscribe', kind: m[1] as DigestKind };
    const at = parseTimeOfDay(m[2]);
    if (!at) return { name: 'unknown', text, problem: `"${m[2]}" is not a time: use HH:MM, for example 07:30` };
    return { name: 'subscribe', kind: m[1] as DigestKind, at };
  }
  if ((m = /^scan (.+?)( full)?$/i.exec(text))) {
    const device = m[1].trim();
    if (device.length > 255) return { name: 'unknown', text, problem: 'a device name has at most 255 characters' };
    return { name: 'scan', device, full: !!m[2] };
  }
  return { name: 'unknown', text };
}
