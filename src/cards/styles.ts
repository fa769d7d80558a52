/**
 * Colors and labels of the security vocabulary: severities, risk, statuses, tones, machine actions.
 */
import type { ContainerStyle, TextColor } from './elements';
import { humanize } from './format';
import { escapeText } from './text';
import type { OperationView, SeverityLevel, Tone } from './views';

/** Severities from most to least severe. */
export const SEVERITY_ORDER: readonly SeverityLevel[] = ['high', 'medium', 'low', 'informational', 'unknown'];

/** Sort rank of a severity: 0 for high, larger for less severe. */
export function severityRank(severity: SeverityLevel): number {
  const rank = SEVERITY_ORDER.indexOf(severity);
  return rank === -1 ? SEVERITY_ORDER.length : rank;
}

/** TextBlock color of a severity. */
export function severityColor(severity: SeverityLevel): TextColor {
  switch (severity) {
    case 'high':
      return 'Attention';
    case 'medium':
      return 'Warning';
    case 'low':
      return 'Accent';
    default:
      return 'Default';
  }
}

/** "High", "Medium", … */
export function severityLabel(severity: SeverityLevel): string {
  return humanize(severity);
}

/** Orders two strings by code unit: stable and fast on long text (no locale rules needed for ids and names). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const RISK_ORDER = ['high', 'medium', 'low', 'informational', 'none'];

/** Sort rank of a Defender risk score: 0 for High. */
export function riskRank(riskScore: string): number {
  const rank = RISK_ORDER.indexOf(riskScore.toLowerCase());
  return rank === -1 ? RISK_ORDER.length : rank;
}

/** TextBlock color of a Defender risk score. */
export function riskColor(riskScore: string): TextColor {
  return severityColor(riskScore.toLowerCase() as SeverityLevel);
}

const SUCCESS_STATES = new Set(['succeeded', 'successfullyremediated', 'benign', 'completed', 'approved']);
const FAILURE_STATES = new Set(['failed', 'innerfailure', 'rejected', 'timeout', 'expired']);
const RUNNING_STATES = new Set(['pending', 'inprogress', 'running', 'queued', 'pendingapproval', 'pendingresource']);

/** TextBlock color of a machine action status or investigation state. */
export function statusColor(status: string | undefined): TextColor {
  const key = (status ?? '').toLowerCase();
  if (SUCCESS_STATES.has(key)) return 'Good';
  if (FAILURE_STATES.has(key)) return 'Attention';
  if (RUNNING_STATES.has(key) || key === '') return 'Accent';
  return 'Warning';
}

// Everything else reads well split into words ("PendingApproval" → "Pending approval").
const STATUS_LABELS: Record<string, string> = { TimeOut: 'Timed out' };

/** A status or state in words ("InProgress" → "In progress"), escaped since it comes from Defender. */
export function statusLabel(status: string): string {
  return escapeText(STATUS_LABELS[status] ?? humanize(status), 60);
}

/** Container style of a notice tone. */
export function toneStyle(tone: Tone): ContainerStyle {
  const styles: Record<Tone, ContainerStyle> = {
    info: 'emphasis',
    success: 'good',
    warning: 'warning',
    error: 'attention',
  };
  return styles[tone];
}

/** TextBlock color of a notice tone. */
export function toneColor(tone: Tone): TextColor {
  const colors: Record<Tone, TextColor> = { info: 'Default', success: 'Good', warning: 'Warning', error: 'Attention' };
  return colors[tone];
}

const MACHINE_ACTION_LABELS: Record<string, string> = {
  RunAntiVirusScan: 'Antivirus scan',
  Isolate: 'Isolation',
  Unisolate: 'Release from isolation',
  Offboard: 'Offboarding',
  LiveResponse: 'Live response',
  CollectInvestigationPackage: 'Collect investigation package',
  StopAndQuarantineFile: 'Stop and quarantine file',
  RestrictCodeExecution: 'Restrict app execution',
  UnrestrictCodeExecution: 'Remove app restriction',
};

/** A machine action in words, e.g. "Antivirus scan (Quick)"; escaped since type and scope come from Defender. */
export function machineActionLabel(type: string, scope?: string): string {
  const label = MACHINE_ACTION_LABELS[type] ?? humanize(type);
  return escapeText(scope ? `${label} (${scope})` : label, 80);
}

/** An operation the bot started, in words: "Antivirus scan (Quick)", "Automated investigation", … */
export function operationLabel(operation: OperationView): string {
  switch (operation.kind) {
    case 'scan':
      return `Antivirus scan (${operation.scanType})`;
    case 'investigation':
      return 'Automated investigation';
    case 'isolate':
      return `Isolation (${operation.isolationType})`;
    case 'release':
      return 'Release from isolation';
  }
}
