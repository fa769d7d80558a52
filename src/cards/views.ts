/**
 * The view models card builders take: plain, already-fetched data (strings, numbers, ISO dates, booleans).
 *
 * Commands, actions and digests map Defender models and store records into these; the builders in `src/cards/`
 * turn them into Adaptive Card JSON without any I/O. Text fields hold raw Defender or Teams text: the builders
 * escape it, so callers must not.
 */
import type { Severity } from '../defender/models';

/** An ISO 8601 date-time string, e.g. `2024-05-06T08:00:00Z`. */
export type IsoDate = string;

/** What every card builder needs besides its data. */
export interface CardContext {
  /** The data comes from the embedded simulated tenant: the card carries a visible "Simulated tenant" label. */
  simulated: boolean;
  /** Base URL of the Defender portal, e.g. `https://security.microsoft.com`; every link is built on it. */
  portalUrl: string;
  /** The time the card is built at; ages and time-left values are computed from it. */
  now: Date;
  /** IANA time zone for the times shown (the digest time zone); `UTC` when absent. */
  timeZone?: string;
}

/** A section whose API call failed: the card says so and still renders the rest. */
export interface Unavailable {
  /** Why the data is missing, e.g. "Defender API timed out". */
  unavailable: string;
}

/** Data of one card section, or the reason it could not be loaded. */
export type Section<T> = T | Unavailable;

/** True when a section could not be loaded. */
export function isUnavailable<T>(section: Section<T>): section is Unavailable {
  return typeof section === 'object' && section !== null && !Array.isArray(section) && 'unavailable' in section;
}

/**
 * A list the API could not give whole (a page failed or the paging stopped after some pages): what was read, and why
 * the rest is missing. The card shows the part it has and says it is incomplete, never a shorter list as if whole.
 */
export interface Incomplete<T> {
  /** The items that were read. */
  partial: T;
  /** Why the rest is missing, e.g. "only 40 of the 52 items the service counted could be read". */
  incomplete: string;
}

/**
 * A list section: whole, read only in part, or unavailable. Sections where a part would mislead (counts, totals)
 * stay `Section<T>`: whole or unavailable.
 */
export type PartialSection<T> = Section<T> | Incomplete<T>;

/** True when a list section was read only in part. */
export function isIncomplete<T>(section: PartialSection<T>): section is Incomplete<T> {
  return typeof section === 'object' && section !== null && !Array.isArray(section) && 'incomplete' in section;
}

/** True when a list section was read whole and is empty (an unavailable or incomplete one may hide something). */
export function isEmptyList(section: PartialSection<readonly unknown[]>): boolean {
  return !isUnavailable(section) && !isIncomplete(section) && section.length === 0;
}

/** The items of a list section, whole or partial; `undefined` when it is unavailable. */
export function sectionItems<T>(section: PartialSection<T>): T | undefined {
  if (isUnavailable(section)) return undefined;
  return isIncomplete(section) ? section.partial : section;
}

/** Incident and alert severity (Graph `alertSeverity`). */
export type SeverityLevel = Severity;

/** Tone of a notice: how loud it is. */
export type Tone = 'info' | 'success' | 'warning' | 'error';

/** A one-line notice shown on a card (e.g. "Already running: started by Ann 2 min ago"). */
export interface NoticeLine {
  tone: Tone;
  text: string;
}

// ---- Devices ------------------------------------------------------------------------------------------------

/** One device as lists, digests and the device card show it. */
export interface DeviceView {
  /** Defender device id (40 hex characters); buttons are offered only for a well-formed id. */
  id: string;
  name: string;
  osPlatform: string;
  osVersion?: string;
  /** Defender risk score: `High`, `Medium`, `Low`, `Informational`, `None`. */
  riskScore: string;
  /** Defender exposure level, when known. */
  exposureLevel?: string;
  /** Defender health status: `Active`, `Inactive`, `ImpairedCommunication`, … */
  healthStatus: string;
  /** Number of alerts on the device that are not resolved. */
  activeAlertCount: number;
  /** Titles of its most important active alerts, most severe first. */
  topAlertTitles: string[];
  /** Severity of its most severe active alert. */
  highestAlertSeverity?: SeverityLevel;
  /** The device is isolated: the card offers release instead of isolation. */
  isolated: boolean;
  /** Defender supports Selective isolation on it (Windows 10 1709+, Windows 11): only then is it offered. */
  selectiveIsolation?: boolean;
  lastSeen?: IsoDate;
  lastIpAddress?: string;
}

/** `show devices`: devices with active alerts or a high risk score. */
export interface DevicesView {
  devices: DeviceView[];
  /** How many devices matched in total when `devices` is already a cut of them. */
  total?: number;
  /** Set when Defender's lists could not be read whole: why; `devices` holds what was read. */
  incomplete?: string;
}

/** A Defender machine action (scan, isolation, …) as lists show it. */
export interface MachineActionView {
  id: string;
  /** Defender action type, e.g. `RunAntiVirusScan`, `Isolate`. */
  type: string;
  /** Scan type or isolation type, e.g. `Quick`, `Full`, `Selective`. */
  scope?: string;
  /** `Pending`, `InProgress`, `Succeeded`, `Failed`, `TimeOut`, `Cancelled`. */
  status: string;
  /** Who asked for it, as Defender records it (an app name or a user). */
  requestor: string;
  deviceId: string;
  deviceName: string;
  createdAt: IsoDate;
  updatedAt?: IsoDate;
}

/** `scan <device name> [full]`: one device with its buttons and recent machine actions. */
export interface DeviceDetailView {
  device: DeviceView;
  /** Most recent machine actions on the device, newest first. */
  recentActions: MachineActionView[];
  /** The user typed `full`: the Full scan button comes first and highlighted (still only a button). */
  preferFullScan: boolean;
}

/** Several devices matched a name: the user picks one. */
export interface DeviceChoiceView {
  /** What the user typed. */
  query: string;
  matches: DeviceView[];
}

/** No device matched a name. */
export interface NoDeviceMatchView {
  query: string;
  /** Close names worth suggesting, if any. */
  suggestions?: string[];
}

// ---- Incidents and alerts -----------------------------------------------------------------------------------

/** One incident as lists and digests show it. */
export interface IncidentView {
  id: string;
  title: string;
  severity: SeverityLevel;
  /** Graph incident status: `active`, `inProgress`, `resolved`, … */
  status: string;
  createdAt: IsoDate;
  updatedAt?: IsoDate;
  assignedTo?: string;
  alertCount: number;
  /** `incidentWebUrl` from Graph; used only if it is an https URL on the portal host. */
  webUrl?: string;
  /** Graph `alertClassification`; absent or `unknown` while not classified. */
  classification?: string;
  /** Graph `alertDetermination`; absent or `unknown` while not determined. */
  determination?: string;
}

/** `show incidents [high|medium|low]`. */
export interface IncidentsView {
  /** The severity filter the user asked for; absent = all. */
  filter?: 'high' | 'medium' | 'low';
  incidents: IncidentView[];
  /** How many open incidents matched in total when `incidents` is already a cut of them. */
  total?: number;
  /** Set when the list could not be read whole: why; `incidents` holds what was read. */
  incomplete?: string;
}

/** `show my incidents`: the open incidents assigned to the person asking. */
export interface MyIncidentsView {
  /** The asker's user principal name, as Teams gave it. */
  owner: string;
  incidents: IncidentView[];
}

/** One incident on its own card (the answer to `assign <incident id> to me`). */
export interface IncidentCardView {
  incident: IncidentView;
  /** What just happened, above the row. */
  notice?: NoticeLine;
}

/** The Resolve form of one incident, shown only to the person who clicked Resolve…. */
export interface ResolveFormView {
  incident: Pick<IncidentView, 'id' | 'title' | 'severity' | 'status' | 'assignedTo'>;
  /** A problem with what was sent ("choose a classification"), above the form. */
  notice?: NoticeLine;
  /** The `classification:determination` chosen before, to keep it selected. */
  verdict?: string;
  /** The comment typed before. */
  comment?: string;
}

/** An incident in a digest, told apart as new or updated since the last digest. */
export interface DigestIncidentView extends IncidentView {
  change: 'new' | 'updated';
}

/** One alert as digests count it. */
export interface AlertView {
  id: string;
  title: string;
  severity: SeverityLevel;
  /** Graph `serviceSource`, e.g. `microsoftDefenderForEndpoint`. */
  serviceSource: string;
  /** Graph `detectionSource`, e.g. `antivirus`, `automatedInvestigation`. */
  detectionSource: string;
  createdAt: IsoDate;
  deviceName?: string;
}

// ---- Pending work ----------------------------------------------------------------------------------------------

/** What a remediation request asks for. */
export type RemediationOperation = { kind: 'isolate'; isolationType: 'Full' | 'Selective' } | { kind: 'release' };

/** The status of the machine action an approved request started. */
export interface ActionProgressView {
  /** Defender status, or absent while the call has not answered yet. */
  status?: string;
  defenderActionId?: string;
  updatedAt?: IsoDate;
}

/** Where a remediation request stands. */
export type RemediationState =
  | { kind: 'pending' }
  | { kind: 'approved'; by: string; at: IsoDate; action?: ActionProgressView }
  | { kind: 'rejected'; by: string; at: IsoDate; comment?: string }
  | { kind: 'expired'; at: IsoDate }
  | {
      kind: 'failed';
      reason: string;
      at?: IsoDate;
      /** Defender's answer was lost and it shows no such action: not confirmed, rather than refused. */
      unconfirmed?: boolean;
    };

/** A remediation request (isolate or release) waiting for, or decided by, an approver. */
export interface RemediationRequestView {
  /** Request id: 8-40 lowercase letters and digits (the `approve`/`reject` button data). */
  id: string;
  deviceId: string;
  deviceName: string;
  operation: RemediationOperation;
  reason?: string;
  /** Teams display name of the requester. */
  requestedBy: string;
  requestedAt: IsoDate;
  expiresAt: IsoDate;
  state: RemediationState;
}

/** An automated investigation. */
export interface InvestigationView {
  id: string;
  deviceId: string;
  deviceName: string;
  /** Defender state: `Running`, `PendingApproval`, `SuccessfullyRemediated`, `Benign`, … */
  state: string;
  /** Absent while Defender has not started it (the investigation page documents `startTime` as nullable). */
  startedAt?: IsoDate;
  endedAt?: IsoDate;
  /** When it started waiting for approval; the 7-day Action-center expiry counts from it (else from `startedAt`). */
  pendingSince?: IsoDate;
}

/** `show pending actions`: everything waiting on a person or a device. */
export interface PendingActionsView {
  remediationRequests: Section<RemediationRequestView[]>;
  /** Automated investigations in state `PendingApproval`. */
  pendingInvestigations: PartialSection<InvestigationView[]>;
  /** Machine actions `Pending` or `InProgress`. */
  machineActions: PartialSection<MachineActionView[]>;
}

// ---- Action status -----------------------------------------------------------------------------------------

/** An operation the bot started from a button. */
export type OperationView =
  | { kind: 'scan'; scanType: 'Quick' | 'Full' }
  | { kind: 'investigation' }
  | { kind: 'isolate'; isolationType: 'Full' | 'Selective' }
  | { kind: 'release' };

/** The live card of a machine action or investigation the bot started. */
export interface ActionStatusView {
  deviceId: string;
  deviceName: string;
  operation: OperationView;
  /** Teams display name of the user who clicked. */
  requestedBy: string;
  requestedAt: IsoDate;
  /** Defender status (machine action status or investigation state); absent = requested, waiting for Defender. */
  status?: string;
  lastUpdate?: IsoDate;
  /** Defender machine action id or investigation id, once known. */
  defenderId?: string;
  /** Optional line above the facts: a duplicate click, a refusal, an error. */
  notice?: NoticeLine;
}

// ---- Scores and recommendations --------------------------------------------------------------------------

/** A 7-day change: a number, or `null` when there is not enough history yet. */
export type ScoreChange = number | null;

/** Microsoft Secure Score now. */
export interface SecureScoreNow {
  current: number;
  max: number;
  change7d: ScoreChange;
  /** Comparative averages, e.g. `{ basis: 'AllTenants', averageScore: 52.3 }`. */
  comparativeAverages: { basis: string; averageScore: number }[];
  asOf?: IsoDate;
}

/** A score the API gives only "now" (exposure score, Secure Score for Devices). */
export interface ScoreNowView {
  score: number;
  change7d: ScoreChange;
  asOf?: IsoDate;
}

/** `secure score`, and the scores digests show. */
export interface ScoresView {
  secureScore: Section<SecureScoreNow>;
  /** Exposure score: lower is better. */
  exposureScore: Section<ScoreNowView>;
  deviceSecureScore: Section<ScoreNowView>;
}

/** One point of the Secure Score history. */
export interface ScorePoint {
  date: IsoDate;
  current: number;
  max: number;
}

/** A Defender security recommendation. */
export interface RecommendationView {
  id: string;
  name: string;
  category: string;
  configScoreImpact?: number;
  exposureImpact?: number;
  exposedMachines?: number;
  totalMachines?: number;
  publicExploit: boolean;
  activeAlert: boolean;
  /** Number of threats (threat analytics reports) linked to it. */
  associatedThreats: number;
}

// ---- Digests --------------------------------------------------------------------------------------------------

/** Digest cadence. */
export type DigestKind = 'daily' | 'weekly' | 'monthly';

/** The period a digest covers. */
export interface DigestPeriod {
  since: IsoDate;
  until: IsoDate;
  /** First digest of the subscription: it covers the last full period. */
  first?: boolean;
  /** Posted by the `digest …` command: the watermark does not move. */
  onDemand?: boolean;
}

/** Daily digest data. */
export interface DailyDigestView {
  period: DigestPeriod;
  /** Incidents created or updated in the period. */
  incidents: PartialSection<DigestIncidentView[]>;
  /** Alerts created in the period (counted: whole or unavailable). */
  newAlerts: Section<AlertView[]>;
  /** Devices with active threats or a high risk score, one entry per device. */
  threatenedDevices: PartialSection<DeviceView[]>;
  /** Scores for the all-quiet card. */
  scores?: ScoresView;
}

/** Weekly digest data. */
export interface WeeklyDigestView {
  period: DigestPeriod;
  scores: ScoresView;
  /** Secure Score history, oldest first (90 days). */
  secureScoreTrend: Section<ScorePoint[]>;
  recommendations: Section<RecommendationView[]>;
}

/** A remediation task (Defender vulnerability management). */
export interface RemediationTaskView {
  id: string;
  title: string;
  /** `Active`, `Completed`, … */
  status: string;
  createdAt: IsoDate;
  dueOn?: IsoDate;
  targetDevices?: number;
  fixedDevices?: number;
}

/** Antivirus health of one device. */
export interface AvHealthView {
  deviceId: string;
  deviceName: string;
  /** `false` when the signatures are out of date; absent when unknown. */
  signatureUpToDate?: boolean;
  quickScanResult?: string;
  fullScanResult?: string;
  lastScanAt?: IsoDate;
}

/** Monthly digest data. */
export interface MonthlyDigestView {
  period: DigestPeriod;
  /** Machine actions created in the month. */
  machineActions: Section<MachineActionView[]>;
  /** Automated investigations that ended in the month. */
  investigations: Section<InvestigationView[]>;
  remediationTasks: Section<RemediationTaskView[]>;
  antivirusHealth: Section<AvHealthView[]>;
  /** Recommendations with at least one associated threat. */
  threatRecommendations: Section<RecommendationView[]>;
  /** Automated investigations waiting in the Action center (`PendingApproval`). */
  pendingApprovals: PartialSection<InvestigationView[]>;
  /** Secure Score history of the month, oldest first. */
  secureScoreTrend: Section<ScorePoint[]>;
  /** Scores for the all-quiet card. */
  scores?: ScoresView;
}

// ---- Conversation ------------------------------------------------------------------------------------------

/** One digest subscription of a conversation (or the lack of it). */
export interface SubscriptionView {
  kind: DigestKind;
  subscribed: boolean;
  /** The node-cron expression it follows. */
  cron: string;
  /** The schedule in words, e.g. "every day at 08:00". */
  schedule?: string;
  timeZone: string;
  nextRun?: IsoDate;
}

/** Where the bot is talking. */
export type ConversationKind = 'channel' | 'groupChat' | 'personal';

/** The welcome card posted on install. */
export interface WelcomeView {
  conversation: ConversationKind;
  /** The bot's display name, for "@Watchstander help". */
  botName: string;
  subscriptions: SubscriptionView[];
  /** Members of other organisations, when the conversation has any or its members could not be read. */
  externalMembers?: ExternalMembersView;
}

/** Members of other organisations in a conversation, and whether digests are posted there anyway. */
export type ExternalMembersView =
  | { known: true; count: number; organisations: number; digestsPosted: boolean }
  | { known: false; digestsPosted: boolean };

/** The help card. */
export interface HelpView {
  conversation: ConversationKind;
  botName: string;
  subscriptions: SubscriptionView[];
  /** Text the bot did not understand: a hint line goes above the help. */
  unknownText?: string;
}

/** One audit log entry. */
export interface AuditEntryView {
  at: IsoDate;
  /** Teams display name. */
  user: string;
  /** What was asked, e.g. "scan", "approve", "assign incident". */
  action: string;
  /** The device, or the incident ("Incident 42"), it was about. */
  deviceName?: string;
  /** `succeeded`, `requested`, `refused`, `failed`, … */
  outcome: string;
  detail?: string;
}

/** `show audit`. */
export interface AuditView {
  entries: AuditEntryView[];
}

/** A refusal or a short answer. */
export interface NoticeView {
  tone: Tone;
  title?: string;
  text: string;
  details?: string[];
}
