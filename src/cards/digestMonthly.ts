/**
 * The monthly digest: machine actions by type and outcome, investigations by final state, remediation tasks,
 * antivirus health, recommendations linked to threats, Action-center approvals about to expire, and the Secure
 * Score trend of the month — or "all quiet".
 */
import { countBy } from './aggregate';
import { allQuietCard, digestHeader, secureScoreTrend } from './digestParts';
import { fact, factSet, subtleText, table, textBlock, type AdaptiveCard, type CardElement } from './elements';
import { formatTime, isPast, plural } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { portalLink } from './links';
import { bySoonestExpiry, deviceName, pendingInvestigationsTable, recommendationsTable } from './rows';
import { listBody, mapPartial, mapSection, noneLine, OPEN_ACTION_CENTER, portalButtonRow, sectionOf } from './sections';
import { compareText, machineActionLabel, statusLabel } from './styles';
import { escapeOr } from './text';
import {
  isEmptyList,
  isUnavailable,
  type AvHealthView,
  type CardContext,
  type InvestigationView,
  type MachineActionView,
  type MonthlyDigestView,
  type RecommendationView,
  type RemediationTaskView,
  type Section,
} from './views';

/** Most rows per monthly list. */
export const MONTHLY_ROWS = 10;

type Outcome = 'succeeded' | 'failed' | 'stopped' | 'open';

/** Machine actions of one type, counted by outcome. */
export interface ActionTypeCounts {
  type: string;
  counts: Record<Outcome, number>;
  total: number;
}

function outcomeOf(status: string): Outcome {
  if (status === 'Succeeded') return 'succeeded';
  if (status === 'Failed') return 'failed';
  if (status === 'TimeOut' || status === 'Cancelled') return 'stopped';
  return 'open';
}

/** Machine actions counted by type and outcome, most frequent type first. */
export function actionsByTypeAndOutcome(actions: readonly MachineActionView[]): ActionTypeCounts[] {
  const byType = new Map<string, Record<Outcome, number>>();
  for (const action of actions) {
    const counts = byType.get(action.type) ?? { succeeded: 0, failed: 0, stopped: 0, open: 0 };
    counts[outcomeOf(action.status)] += 1;
    byType.set(action.type, counts);
  }
  return [...byType.entries()]
    .map(([type, counts]) => ({ type, counts, total: counts.succeeded + counts.failed + counts.stopped + counts.open }))
    .sort((a, b) => b.total - a.total || compareText(a.type, b.type));
}

/** Remediation tasks by state: active, completed, and the active ones past their due date. */
export interface TaskSummary {
  total: number;
  active: number;
  completed: number;
  overdue: RemediationTaskView[];
}

/** Counts remediation tasks: active, completed, overdue (active past their due date). */
export function summarizeTasks(tasks: readonly RemediationTaskView[], now: Date): TaskSummary {
  const active = tasks.filter((t) => t.status.toLowerCase() === 'active');
  return {
    total: tasks.length,
    active: active.length,
    completed: tasks.filter((t) => t.status.toLowerCase() === 'completed').length,
    overdue: active.filter((t) => isPast(t.dueOn, now)),
  };
}

/** Antivirus health: devices reporting, outdated signatures, failed scans, and the devices with a problem. */
export interface AvSummary {
  reporting: number;
  outdated: number;
  failedScans: number;
  problems: AvHealthView[];
}

const FAILED_SCAN = /fail|error/i;

/** Finds devices whose signatures are out of date or whose last scan failed. */
export function summarizeAv(devices: readonly AvHealthView[]): AvSummary {
  const failed = (d: AvHealthView) =>
    FAILED_SCAN.test(d.quickScanResult ?? '') || FAILED_SCAN.test(d.fullScanResult ?? '');
  return {
    reporting: devices.length,
    outdated: devices.filter((d) => d.signatureUpToDate === false).length,
    failedScans: devices.filter(failed).length,
    problems: devices.filter((d) => d.signatureUpToDate === false || failed(d)),
  };
}

function machineActionsBody(ctx: CardContext, rows: ActionTypeCounts[], maxRows: number): CardElement[] {
  return [
    ...listBody(rows, {
      maxRows: Math.min(maxRows, MONTHLY_ROWS),
      renderRows: (shown) => [
        table(
          ['Action', 'Total', 'Succeeded', 'Failed', 'Timed out / cancelled', 'Not finished'],
          shown.map((r) => [
            machineActionLabel(r.type),
            ...[r.total, r.counts.succeeded, r.counts.failed, r.counts.stopped, r.counts.open].map(String),
          ]),
          [3, 1, 2, 2, 2, 2],
        ),
      ],
    }),
    portalButtonRow(ctx, { page: 'actionCenterHistory' }, 'Open action history'),
  ];
}

function tasksBody(ctx: CardContext, tasks: TaskSummary, maxRows: number): CardElement[] {
  if (tasks.total === 0) return [noneLine()];
  return [
    factSet([
      fact('Active', String(tasks.active)),
      fact('Completed', String(tasks.completed)),
      fact('Overdue', String(tasks.overdue.length)),
    ]),
    ...(tasks.overdue.length > 0
      ? listBody(tasks.overdue, {
          maxRows: Math.min(maxRows, MONTHLY_ROWS),
          renderRows: (shown) => [
            table(
              ['Overdue task', 'Due', 'Devices fixed'],
              shown.map((t) => [
                escapeOr(t.title, '(untitled task)', 120),
                formatTime(t.dueOn, ctx),
                t.targetDevices === undefined ? 'unknown' : `${t.fixedDevices ?? 0} of ${t.targetDevices}`,
              ]),
              [4, 3, 2],
            ),
          ],
        })
      : []),
  ];
}

function scanResults(device: AvHealthView): string {
  const results = [
    ...(device.quickScanResult ? [`quick: ${device.quickScanResult}`] : []),
    ...(device.fullScanResult ? [`full: ${device.fullScanResult}`] : []),
  ];
  return escapeOr(results.join(' · '), 'unknown', 80);
}

function avBody(ctx: CardContext, av: AvSummary, maxRows: number): CardElement[] {
  return [
    factSet([
      fact('Devices reporting', String(av.reporting)),
      fact('Outdated signatures', String(av.outdated)),
      fact('Failed scans', String(av.failedScans)),
    ]),
    ...(av.problems.length > 0
      ? listBody(av.problems, {
          maxRows: Math.min(maxRows, MONTHLY_ROWS),
          moreUrl: portalLink(ctx, { page: 'devices' }),
          renderRows: (shown) => [
            table(
              ['Device', 'Signatures', 'Last scans'],
              shown.map((d) => [
                deviceName(d.deviceName),
                d.signatureUpToDate === false ? textBlock('out of date', { color: 'Attention' }) : 'up to date',
                scanResults(d),
              ]),
              [3, 2, 3],
            ),
          ],
        })
      : []),
  ];
}

function threatRecommendationsBody(ctx: CardContext, sorted: RecommendationView[], maxRows: number): CardElement[] {
  return [
    ...listBody(sorted, {
      maxRows: Math.min(maxRows, MONTHLY_ROWS),
      moreUrl: portalLink(ctx, { page: 'recommendations' }),
      renderRows: (shown) => [recommendationsTable(shown, 'threats')],
    }),
    portalButtonRow(ctx, { page: 'threatAnalytics' }, 'Open threat analytics'),
  ];
}

function pendingApprovalsBody(ctx: CardContext, sorted: InvestigationView[], maxRows: number): CardElement[] {
  return [
    ...listBody(sorted, {
      maxRows: Math.min(maxRows, MONTHLY_ROWS),
      moreUrl: portalLink(ctx, { page: 'actionCenterPending' }),
      renderRows: (shown) => [pendingInvestigationsTable(ctx, shown)],
    }),
    ...(sorted.length > 0
      ? [
          subtleText(
            `${plural(sorted.length, 'investigation')} ${sorted.length === 1 ? 'waits' : 'wait'} for approval; ` +
              'Defender expires pending actions after 7 days.',
          ),
          portalButtonRow(ctx, { page: 'actionCenterPending' }, OPEN_ACTION_CENTER),
        ]
      : []),
  ];
}

/** True when nothing happened in the month: every section loaded and empty, no antivirus problem. */
export function isQuietMonth(view: MonthlyDigestView): boolean {
  const empty = (section: Section<unknown[]>) => !isUnavailable(section) && section.length === 0;
  return (
    empty(view.machineActions) &&
    empty(view.investigations) &&
    empty(view.remediationTasks) &&
    !isUnavailable(view.antivirusHealth) &&
    summarizeAv(view.antivirusHealth).problems.length === 0 &&
    empty(view.threatRecommendations) &&
    isEmptyList(view.pendingApprovals)
  );
}

/** The monthly digest card, or the all-quiet card. */
export function monthlyDigestCard(ctx: CardContext, view: MonthlyDigestView): AdaptiveCard {
  if (isQuietMonth(view)) {
    return allQuietCard(
      ctx,
      'monthly',
      view.period,
      'No machine action, investigation, remediation task, antivirus problem or pending approval this month.',
      view.scores,
    );
  }
  // Count and sort once; the fitting loop below only renders.
  const actions = mapSection(view.machineActions, actionsByTypeAndOutcome);
  const states = mapSection(view.investigations, (list) => countBy(list, (i) => i.state));
  const tasks = mapSection(view.remediationTasks, (list) => summarizeTasks(list, ctx.now));
  const av = mapSection(view.antivirusHealth, summarizeAv);
  const threats = mapSection(view.threatRecommendations, (list) =>
    [...list].sort((a, b) => b.associatedThreats - a.associatedThreats),
  );
  const approvals = mapPartial(view.pendingApprovals, (list) => [...list].sort(bySoonestExpiry));
  return fitCard((maxRows) =>
    adaptiveCard(ctx, [
      ...digestHeader(ctx, 'monthly', view.period),
      sectionOf(
        'Machine actions',
        actions,
        (rows) => machineActionsBody(ctx, rows, maxRows),
        (rows) => rows.reduce((sum, r) => sum + r.total, 0),
      ),
      sectionOf(
        'Automated investigations by final state',
        states,
        (counts) =>
          listBody(counts, {
            maxRows: Math.min(maxRows, MONTHLY_ROWS),
            renderRows: (shown) => [factSet(shown.map(([state, count]) => fact(statusLabel(state), String(count))))],
          }),
        (counts) => counts.reduce((sum, [, count]) => sum + count, 0),
      ),
      sectionOf('Remediation tasks', tasks, (summary) => tasksBody(ctx, summary, maxRows)),
      sectionOf('Antivirus health', av, (summary) => avBody(ctx, summary, maxRows)),
      sectionOf(
        'Recommendations linked to threats',
        threats,
        (sorted) => threatRecommendationsBody(ctx, sorted, maxRows),
        (sorted) => sorted.length,
      ),
      sectionOf(
        'Action-center approvals pending',
        approvals,
        (sorted) => pendingApprovalsBody(ctx, sorted, maxRows),
        (sorted) => sorted.length,
      ),
      sectionOf('Secure Score this month', view.secureScoreTrend, (points) =>
        secureScoreTrend(ctx, points, 'Secure Score this month'),
      ),
    ]),
  );
}
