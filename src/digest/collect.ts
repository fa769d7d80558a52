/**
 * One collection of Defender data for a digest fire: every section in parallel, each with the fewest calls its API
 * allows (server-side filters, the largest pages, never a call per device), large lists streamed page by page and
 * reduced on the way to what the cards need. One collection serves every window of the fire: it reads from the
 * earliest `since` and each window keeps its own part.
 */
import type {
  AlertView,
  AvHealthView,
  DailyDigestView,
  DigestIncidentView,
  DigestKind,
  DigestPeriod,
  IncidentView,
  InvestigationView,
  MachineActionView,
  MonthlyDigestView,
  RecommendationView,
  RemediationTaskView,
  ScorePoint,
  Section,
  WeeklyDigestView,
} from '../cards';
import { isUnavailable } from '../cards';
import { summarizeAv } from '../cards/digestMonthly';
import type { DefenderApi } from '../defender/api';
import type { RequestStats } from '../defender/middleware';
import { isoDate, or, quote } from '../defender/odata';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { ScoreSnapshots } from '../store/snapshots';
import { toInvestigationView } from '../views/actions';
import { threatenedDevices } from '../views/devices';
import { toIncidentView } from '../views/incidents';
import { toAvHealthView, toRecommendationView, toRemediationTaskView, toScorePoints } from '../views/posture';
import { loadScores } from '../views/scores';
import { section } from '../views/sections';
import { Timeline } from './timeline';
import { incidentChange, timeOf, widestWindow, windowDays, type DigestWindow, type IncidentTimes } from './window';

/** A digest's data for one window, tagged with its kind. */
export type DigestView =
  | { kind: 'daily'; view: DailyDigestView }
  | { kind: 'weekly'; view: WeeklyDigestView }
  | { kind: 'monthly'; view: MonthlyDigestView };

/** The data of one fire, for every window of it. */
export interface DigestCollection {
  kind: DigestKind;
  /** Defender and Graph requests the collection made (retries included). */
  requests: RequestStats & { total: number };
  /** The digest of one window (a window of the fire, or any narrower one inside the collected range). */
  view(window: DigestWindow, options?: { onDemand?: boolean }): DigestView;
}

/** Why a collection runs, for the log. */
export interface CollectReason {
  reason: 'scheduled' | 'catch-up' | 'command';
  slot?: string;
  subscriptions?: number;
}

/** Active recommendations only: exceptions are decisions already taken. */
export const ACTIVE_RECOMMENDATIONS = `status eq ${quote('Active')}`;
/** Investigations waiting in the Action center. */
export const PENDING_APPROVAL = `state eq ${quote('PendingApproval')}`;

/** What collectors read from. */
interface Source {
  defender: DefenderApi;
  snapshots: ScoreSnapshots;
  log: Logger;
  now: Date;
}

type ViewOf = (window: DigestWindow, period: DigestPeriod) => DigestView;

const locks = new WeakMap<Services, Promise<unknown>>();

/**
 * Collects the data of a digest for the given windows (all ending at the same `until`) and logs the number of
 * Defender requests it took. Collections of one process run one at a time: their request counts stay exact and
 * the API quotas (100 calls a minute) are not shared by two large digests at once.
 */
export async function collectDigest(
  services: Services,
  kind: DigestKind,
  windows: readonly DigestWindow[],
  why: CollectReason,
): Promise<DigestCollection> {
  const previous = locks.get(services) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => collectNow(services, kind, windows, why));
  locks.set(services, run);
  return run;
}

async function collectNow(
  services: Services,
  kind: DigestKind,
  windows: readonly DigestWindow[],
  why: CollectReason,
): Promise<DigestCollection> {
  const widest = widestWindow(windows);
  const log = services.log.child({ digest: kind });
  const source: Source = { defender: services.defender, snapshots: services.stores.snapshots, log, now: services.now() };
  const before = services.defender.stats();
  const started = Date.now();
  const viewOf: ViewOf =
    kind === 'daily' ? await collectDaily(source, widest) : kind === 'weekly' ? await collectWeekly(source) : await collectMonthly(source, widest);
  const after = services.defender.stats();
  const requests = {
    graph: after.graph - before.graph,
    defender: after.defender - before.defender,
    total: after.graph - before.graph + (after.defender - before.defender),
  };
  log.info(
    {
      ...why,
      windows: windows.length,
      since: widest.since.toISOString(),
      until: widest.until.toISOString(),
      requests,
      durationMs: Date.now() - started,
    },
    `${kind} digest collected with ${requests.total} Defender requests`,
  );
  return {
    kind,
    requests,
    view: (window, options = {}) =>
      viewOf(window, {
        since: window.since.toISOString(),
        until: window.until.toISOString(),
        ...(window.first ? { first: true } : {}),
        ...(options.onDemand ? { onDemand: true } : {}),
      }),
  };
}

function mapSection<T, U>(data: Section<T>, transform: (data: T) => U): Section<U> {
  return isUnavailable(data) ? data : transform(data);
}

// ---- daily ------------------------------------------------------------------------------------------------------

/** An incident read for the daily digest, with the times that decide whether it is new or updated. */
interface CollectedIncident extends IncidentTimes {
  view: IncidentView;
}

/**
 * Incidents created or updated since `window.since` (one filtered list, pages of 50), without those created after
 * the window closed: they are new in the next digest.
 */
async function incidentsOf(defender: DefenderApi, window: DigestWindow): Promise<CollectedIncident[]> {
  const kept: CollectedIncident[] = [];
  const until = window.until.getTime();
  for await (const page of defender.streamIncidents({ updatedSince: window.since, expandAlerts: true })) {
    for (const incident of page) {
      const createdAt = timeOf(incident.createdDateTime);
      if (!(createdAt < until)) continue;
      const updatedAt = timeOf(incident.lastUpdateDateTime, createdAt);
      kept.push({ view: toIncidentView(incident), createdAt, updatedAt });
    }
  }
  return kept;
}

/** The incidents of one window, told apart as new or updated. */
export function incidentsInWindow(incidents: readonly CollectedIncident[], window: DigestWindow): DigestIncidentView[] {
  const out: DigestIncidentView[] = [];
  for (const incident of incidents) {
    const change = incidentChange(incident, window);
    if (change) out.push({ ...incident.view, change });
  }
  return out;
}

/**
 * Alerts created in the window (one list filtered on both ends, pages of 1,000). The daily card counts them by
 * service and detection source, so each is kept as its time and a value shared by alerts of the same sources.
 */
async function newAlertsOf(defender: DefenderApi, window: DigestWindow): Promise<Timeline<AlertView>> {
  const timeline = new Timeline<AlertView>();
  const filter = `createdDateTime lt ${isoDate(window.until)}`;
  for await (const page of defender.streamAlertsV2({ createdSince: window.since, filter })) {
    for (const alert of page) {
      const key = `${alert.serviceSource}|${alert.detectionSource}|${alert.severity}`;
      timeline.add(timeOf(alert.createdDateTime, window.since.getTime()), key, () => ({
        id: key,
        title: '',
        severity: alert.severity,
        serviceSource: alert.serviceSource,
        detectionSource: alert.detectionSource,
        createdAt: '',
      }));
    }
  }
  return timeline;
}

async function collectDaily(source: Source, widest: DigestWindow): Promise<ViewOf> {
  const { defender, snapshots, log, now } = source;
  const [incidents, alerts, devices, scores] = await Promise.all([
    section('incidents', incidentsOf(defender, widest), log),
    section('newAlerts', newAlertsOf(defender, widest), log),
    section('threatenedDevices', threatenedDevices(defender), log),
    // Also the daily snapshot of the exposure score and Secure Score for Devices (their APIs keep no history).
    loadScores(defender, snapshots, now, log),
  ]);
  return (window, period) => ({
    kind: 'daily',
    view: {
      period,
      incidents: mapSection(incidents, (list) => incidentsInWindow(list, window)),
      newAlerts: mapSection(alerts, (timeline) => timeline.within(window)),
      threatenedDevices: devices,
      scores,
    },
  });
}

// ---- weekly -----------------------------------------------------------------------------------------------------

async function collectWeekly(source: Source): Promise<ViewOf> {
  const { defender, snapshots, log, now } = source;
  // One read of the 90-day history gives the score now, its 7-day change and the trend.
  const history = defender.listSecureScores(90);
  const [scores, trend, recommendations] = await Promise.all([
    loadScores(defender, snapshots, now, log, history),
    section('secureScoreTrend', history.then(toScorePoints), log),
    section(
      'recommendations',
      defender.listRecommendations({ filter: ACTIVE_RECOMMENDATIONS }).then((list) => list.map(toRecommendationView)),
      log,
    ),
  ]);
  return (_window, period) => ({
    kind: 'weekly',
    view: { period, scores, secureScoreTrend: trend, recommendations },
  });
}

// ---- monthly ----------------------------------------------------------------------------------------------------

/** Machine actions created since the window started, counted by type and outcome. */
async function machineActionsOf(defender: DefenderApi, window: DigestWindow): Promise<Timeline<MachineActionView>> {
  const timeline = new Timeline<MachineActionView>();
  for await (const page of defender.streamMachineActions({ filter: `creationDateTimeUtc ge ${isoDate(window.since)}` })) {
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

/** Antivirus health of every device, streamed; only devices with a problem keep their own row. */
async function antivirusHealthOf(defender: DefenderApi): Promise<AvHealthView[]> {
  const devices: AvHealthView[] = [];
  for await (const page of defender.streamDeviceAvInfo()) {
    for (const info of page) {
      const view = toAvHealthView(info);
      devices.push(summarizeAv([view]).problems.length > 0 ? view : HEALTHY_AV);
    }
  }
  return devices;
}

async function collectMonthly(source: Source, widest: DigestWindow): Promise<ViewOf> {
  const { defender, snapshots, log, now } = source;
  const history = defender.listSecureScores(Math.min(90, windowDays(widest) + 1));
  const [actions, investigations, tasks, antivirusHealth, threatRecommendations, scores, trend] = await Promise.all([
    section('machineActions', machineActionsOf(defender, widest), log),
    section('investigations', investigationsOf(defender, widest), log),
    section(
      'remediationTasks',
      defender.listRemediationTasks().then((list) =>
        list.map((t) => ({ view: toRemediationTaskView(t), changedAt: timeOf(t.statusLastModifiedOn ?? t.createdOn, 0) })),
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
  return (window, period) => ({
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
  });
}

/** Trend points of the window (the day the window starts included). */
function pointsSince(points: readonly ScorePoint[], window: DigestWindow): ScorePoint[] {
  const from = window.since.getTime() - 86_400_000;
  return points.filter((p) => timeOf(p.date, 0) >= from);
}
