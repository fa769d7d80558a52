/**
 * The monthly digest's data: machine actions by type and outcome, investigations by state, remediation tasks,
 * antivirus health, recommendations linked to threats, Action-center approvals pending, and the Secure Score trend.
 */
import type {
  AvHealthView,
  InvestigationView,
  MachineActionView,
  RecommendationView,
  RemediationTaskView,
  ScorePoint,
} from '../cards';
import { summarizeAv } from '../cards/digestMonthly';
import type { DefenderApi } from '../defender/api';
import { isoDate, or, quote } from '../defender/odata';
import { toInvestigationView } from '../views/actions';
import { toAvHealthView, toRecommendationView, toRemediationTaskView, toScorePoints } from '../views/posture';
import { loadScores } from '../views/scores';
import { section } from '../views/sections';
import { mapSection, type Collected, type CollectSource } from './sources';
import { Timeline } from './timeline';
import { ACTIVE_RECOMMENDATIONS } from './weekly';
import { timeOf, windowDays, type DigestWindow } from './window';

/** Investigations waiting in the Action center. */
export const PENDING_APPROVAL = `state eq ${quote('PendingApproval')}`;

/** Machine actions created since the window started, counted by type and outcome. */
async function machineActionsOf(defender: DefenderApi, window: DigestWindow): Promise<Timeline<MachineActionView>> {
  const timeline = new Timeline<MachineActionView>();
  for await (const page of defender.streamMachineActions({
    filter: `creationDateTimeUtc ge ${isoDate(window.since)}`,
  })) {
    for (const action of page) {
      const key = `${action.type}|${action.status}`;
      timeline.add(timeOf(action.creationDateTimeUtc, window.since.getTime()), key, () => ({
        id: key,
        type: action.type,
        status: action.status,
        requestor: '',
        deviceId: '',
        deviceName: '',
        createdAt: '',
      }));
    }
  }
  return timeline;
}

/** Investigations started in the range (counted by state) and those waiting for approval (listed): one call. */
interface CollectedInvestigations {
  started: Timeline<InvestigationView>;
  pending: InvestigationView[];
}

async function investigationsOf(defender: DefenderApi, window: DigestWindow): Promise<CollectedInvestigations> {
  const started = new Timeline<InvestigationView>();
  const pending: InvestigationView[] = [];
  const filter = or(`startTime ge ${isoDate(window.since)}`, PENDING_APPROVAL);
  for (const investigation of await defender.listInvestigations({ filter })) {
    if (investigation.state === 'PendingApproval') pending.push(toInvestigationView(investigation));
    const at = timeOf(investigation.startTime);
    if (at >= window.since.getTime()) {
      started.add(at, investigation.state, () => ({
        id: investigation.state,
        deviceId: '',
        deviceName: '',
        state: investigation.state,
        startedAt: '',
      }));
    }
  }
  return { started, pending };
}

/** A remediation task with the time its status last changed. */
interface CollectedTask {
  view: RemediationTaskView;
  changedAt: number;
}

/** The tasks a month shows: every active one, and those completed (or created) in the window. */
function tasksInWindow(tasks: readonly CollectedTask[], window: DigestWindow): RemediationTaskView[] {
  return tasks
    .filter((t) => t.view.status.toLowerCase() === 'active' || t.changedAt >= window.since.getTime())
    .map((t) => t.view);
}

/** Shared row of every device whose antivirus is healthy: the card counts them and lists only the others. */
const HEALTHY_AV: AvHealthView = Object.freeze({ deviceId: '', deviceName: '', signatureUpToDate: true });

/**
 * Antivirus health of every device, streamed; only devices with a problem keep their own row. The report has a row
 * per device and antivirus state (docs/service-behaviour.md §12): each device counts once, by its newest row.
 */
async function antivirusHealthOf(defender: DefenderApi): Promise<AvHealthView[]> {
  const newest = new Map<string, { seen: number; view: AvHealthView }>();
  for await (const page of defender.streamDeviceAvInfo()) {
    for (const info of page) {
      const seen = timeOf(info.lastSeenTime, 0);
      const kept = newest.get(info.machineId);
      if (kept && kept.seen >= seen) continue;
      const view = toAvHealthView(info);
      newest.set(info.machineId, { seen, view: summarizeAv([view]).problems.length > 0 ? view : HEALTHY_AV });
    }
  }
  return [...newest.values()].map((d) => d.view);
}

/** Collects the monthly digest from `widest.since`: seven sections in parallel, one request each. */
export async function collectMonthly(source: CollectSource, widest: DigestWindow): Promise<Collected> {
  const { defender, snapshots, log, now } = source;
  const history = defender.listSecureScores(Math.min(90, windowDays(widest) + 1));
  const [actions, investigations, tasks, antivirusHealth, threatRecommendations, scores, trend] = await Promise.all([
    section('machineActions', machineActionsOf(defender, widest), log),
    section('investigations', investigationsOf(defender, widest), log),
    section(
      'remediationTasks',
      defender.listRemediationTasks().then((list) =>
        list.map((t) => ({
          view: toRemediationTaskView(t),
          changedAt: timeOf(t.statusLastModifiedOn ?? t.createdOn, 0),
        })),
      ),
      log,
    ),
    section('antivirusHealth', antivirusHealthOf(defender), log),
    section(
      'threatRecommendations',
      defender
        .listRecommendations({ filter: ACTIVE_RECOMMENDATIONS })
        .then((list): RecommendationView[] =>
          list.filter((r) => r.associatedThreats.length > 0).map(toRecommendationView),
        ),
      log,
    ),
    loadScores(defender, snapshots, now, log, history),
    section('secureScoreTrend', history.then(toScorePoints), log),
  ]);
  return {
    viewOf: (window, period) => ({
      kind: 'monthly',
      view: {
        period,
        machineActions: mapSection(actions, (timeline) => timeline.within(window)),
        investigations: mapSection(investigations, (collected) => collected.started.within(window)),
        remediationTasks: mapSection(tasks, (list) => tasksInWindow(list, window)),
        antivirusHealth,
        threatRecommendations,
        pendingApprovals: mapSection(investigations, (collected) => collected.pending),
        secureScoreTrend: mapSection(trend, (points) => pointsSince(points, window)),
        scores,
      },
    }),
  };
}

/** Trend points of the window (the day the window starts included). */
function pointsSince(points: readonly ScorePoint[], window: DigestWindow): ScorePoint[] {
  const from = window.since.getTime() - 86_400_000;
  return points.filter((p) => timeOf(p.date, 0) >= from);
}
