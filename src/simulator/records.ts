/**
 * The simulated tenant's internal records. They hold what cannot be derived (who, what, when, the planned
 * outcome); everything that moves with the clock — an action's status, an investigation's state, a device's
 * risk — is computed from them in `lifecycle.ts`, and the API shapes are produced in `render.ts`.
 */
import type { AlertTemplate, GraphSeverity, OsInfo, RecommendationTemplate } from './catalog';

/** Defender for Endpoint device health. */
export type HealthStatus = 'Active' | 'Inactive' | 'ImpairedCommunication' | 'NoSensorData' | 'Unknown';

/** Onboarding state; `Offboarded` devices stay listed (with their history) but refuse every action. */
export type OnboardingStatus = 'Onboarded' | 'CanBeOnboarded' | 'Offboarded';

/** A device (machine). */
export interface DeviceRecord {
  index: number;
  id: string;
  /** `computerDnsName`. */
  name: string;
  os: OsInfo;
  health: HealthStatus;
  onboarding: OnboardingStatus;
  exposure: 'None' | 'Low' | 'Medium' | 'High';
  value: 'Normal' | 'Low' | 'High';
  /** Index into `RBAC_GROUPS`. */
  group: number;
  firstSeen: number;
  /** When a silent device last reported; undefined = it reports every day at `reportPhase`. */
  silentSince?: number;
  /** Milliseconds after midnight UTC of the daily full report. */
  reportPhase: number;
  /** Joined to Microsoft Entra ID (addresses and the Entra device id are derived from the id when rendered). */
  aadJoined: boolean;
  tags: readonly string[];
  /** Index into `USERS` of the usual signed-in user. */
  user: number;
  avMode: 'Active' | 'Passive';
  /** Days the antivirus signatures lag behind (0 = up to date). */
  signatureLagDays: number;
  quickScanFailed: boolean;
  fullScanFailed: boolean;
  /** Hours before the seed of the last scheduled quick / full scan. */
  quickScanHoursAgo: number;
  fullScanDaysAgo: number;
  /** Alerts on this device, oldest first (created on demand to keep large tenants small). */
  alerts?: AlertRecord[];
  /** Machine actions on this device, oldest first. */
  actions?: ActionRecord[];
}

/** Graph alert status. */
export type AlertStatus = 'new' | 'inProgress' | 'resolved';
/** Graph incident status; `redirected` = merged into another incident (`redirectTo`). */
export type IncidentStatus = 'active' | 'inProgress' | 'resolved' | 'redirected';

/** An alert; one record yields the Graph `alerts_v2` alert and, for Defender for Endpoint, the MDE alert. */
export interface AlertRecord {
  id: string;
  template: AlertTemplate;
  title: string;
  severity: GraphSeverity;
  device?: DeviceRecord;
  /** Index into `USERS`. */
  user: number;
  incident: IncidentRecord;
  created: number;
  /** When it became visible in the APIs (its ingestion); absent = at `created`. */
  visible?: number;
  firstActivity: number;
  lastUpdate: number;
  status: AlertStatus;
  resolved?: number;
  assignedTo: string | null;
  classification: string;
  determination: string;
  investigation?: InvestigationRecord;
}

/** An incident (correlated alerts). */
export interface IncidentRecord {
  id: number;
  created: number;
  /** When it became visible in the APIs (with its first alert); absent = at `created`. */
  visible?: number;
  /** Last change of the incident itself; the rendered time also counts its alerts. */
  updated: number;
  status: IncidentStatus;
  assignedTo: string | null;
  classification: string;
  determination: string;
  tags: readonly string[];
  alerts: AlertRecord[];
  /** The incident this one was merged into (`status: redirected`). */
  redirectTo?: IncidentRecord;
  /** Its name before the merge moved its alerts away. */
  nameBeforeMerge?: string;
  /** Set by `PATCH` (triage); seeded resolved incidents render a fixed text instead. */
  resolvingComment?: string | null;
  /** Added with `POST …/comments`, oldest first. */
  comments?: IncidentComment[];
}

/** One Graph `alertComment` of an incident. */
export interface IncidentComment {
  comment: string;
  createdByDisplayName: string;
  created: number;
}

/** Machine action types the simulator creates. */
export type ActionType =
  | 'RunAntiVirusScan'
  | 'Isolate'
  | 'Unisolate'
  | 'CollectInvestigationPackage'
  | 'RestrictCodeExecution'
  | 'UnrestrictCodeExecution';

/** Final machine action statuses. */
export type FinalActionStatus = 'Succeeded' | 'Failed' | 'TimeOut' | 'Cancelled';

/** A machine action with its planned course: Pending for `pendingMs`, InProgress for `inProgressMs`, then `final`. */
export interface ActionRecord {
  id: string;
  type: ActionType;
  scope: string | null;
  device: DeviceRecord;
  requestor: string;
  requestSource: string;
  comment: string;
  created: number;
  pendingMs: number;
  inProgressMs: number;
  final: FinalActionStatus;
  /** A cancellation request (seeded or `POST /api/machineactions/{id}/cancel`). */
  cancel?: { at: number; by: string; comment: string };
}

/** What an automated investigation ends with after running. */
export type InvestigationOutcome =
  | 'SuccessfullyRemediated'
  | 'PartiallyRemediated'
  | 'Benign'
  | 'Failed'
  | 'TerminatedByUser'
  | 'UnsupportedOs'
  | 'PendingApproval';

/** An automated investigation. */
export interface InvestigationRecord {
  id: number;
  device: DeviceRecord;
  alert?: AlertRecord;
  start: number;
  runningMs: number;
  outcome: InvestigationOutcome;
  /** A decision on pending actions (from `/_simulator/investigations/{id}/approve|reject`). */
  decision?: { approved: boolean; at: number; by: string };
  cancelledBy?: string;
}

/** A security recommendation sized for the tenant. */
export interface RecommendationRecord {
  template: RecommendationTemplate;
  totalMachineCount: number;
  exposedMachinesCount: number;
  status: 'Active' | 'Exception';
  activeAlert: boolean;
}

/** A remediation task created in the portal from a recommendation. */
export interface RemediationTaskRecord {
  id: string;
  recommendation: RecommendationRecord;
  created: number;
  due: number;
  priority: string;
  requester: string;
  targetDevices: number;
  fixedAtSeed: number;
  /** Devices fixed per day while active. */
  fixPerDay: number;
  /** Set when completed before the seed. */
  completed?: number;
}
