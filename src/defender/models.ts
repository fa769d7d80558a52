/**
 * Typed models of the Microsoft Graph security and Defender for Endpoint resources Watchstander reads.
 *
 * Every object that comes back from an API is parsed once with these schemas. They keep only the fields the
 * product uses, accept `null` wherever the resource pages say a field is Nullable (MicrosoftDocs/defender-docs
 * `defender-endpoint/api/*.md`, microsoft-graph-docs `security-*.md`; see docs/service-behaviour.md §6), and treat
 * evolvable enums as open strings so a new value from Microsoft never breaks a digest. Only ids and the times a
 * list is ordered or filtered by are required; the answer to a POST is parsed even more leniently (`postedAction`).
 */
import { z } from 'zod';

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const date = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const num = z
  .number()
  .nullish()
  .transform((v) => v ?? undefined);
const strings = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

// ---- Microsoft Graph security v1.0 --------------------------------------------------------------------------

/** Graph `alertSeverity`. */
export type Severity = 'high' | 'medium' | 'low' | 'informational' | 'unknown';

const severity = z
  .string()
  .nullish()
  .transform((v): Severity => {
    const s = (v ?? '').toLowerCase();
    return s === 'high' || s === 'medium' || s === 'low' || s === 'informational' ? s : 'unknown';
  });

/** Graph `security/alerts_v2` alert (and the alerts of an incident with `$expand=alerts`). */
export const graphAlertSchema = z.object({
  id: z.string(),
  incidentId: optionalText,
  title: text,
  description: text,
  severity,
  status: text,
  category: text,
  serviceSource: text,
  detectionSource: text,
  alertWebUrl: optionalText,
  incidentWebUrl: optionalText,
  createdDateTime: z.string(),
  lastUpdateDateTime: date,
  threatDisplayName: optionalText,
});
export type GraphAlert = z.infer<typeof graphAlertSchema>;

/** Graph `security/incidents` incident. */
export const incidentSchema = z.object({
  id: z.string(),
  displayName: text,
  description: text,
  incidentWebUrl: optionalText,
  createdDateTime: z.string(),
  lastUpdateDateTime: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  assignedTo: optionalText,
  severity,
  status: text,
  classification: optionalText,
  determination: optionalText,
  /** Set when Defender merged this incident into another one (`status: redirected`). */
  redirectIncidentId: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v == null || v === '' ? undefined : String(v))),
  alerts: z
    .array(graphAlertSchema)
    .nullish()
    .transform((v) => v ?? undefined),
});
export type Incident = z.infer<typeof incidentSchema>;

/** The statuses of an open incident (docs/service-behaviour.md §2): never `resolved`, never `redirected` (merged). */
export const OPEN_INCIDENT_STATUSES: readonly string[] = ['active', 'inProgress', 'awaitingAction'];

/** True for an open incident: active, in progress or awaiting action. */
export function isOpenIncident(incident: Pick<Incident, 'status'>): boolean {
  return OPEN_INCIDENT_STATUSES.includes(incident.status);
}

/** Graph `averageComparativeScore`. */
export const averageComparativeScoreSchema = z.object({ basis: text, averageScore: num });

/** Graph `security/secureScores` daily record. */
export const secureScoreSchema = z.object({
  id: z.string(),
  createdDateTime: z.string(),
  currentScore: z.number(),
  maxScore: z.number(),
  averageComparativeScores: z
    .array(averageComparativeScoreSchema)
    .nullish()
    .transform((v) => v ?? []),
});
export type SecureScore = z.infer<typeof secureScoreSchema>;

/** Graph `security/secureScoreControlProfiles` entry. */
export const secureScoreControlProfileSchema = z.object({
  id: z.string(),
  title: text,
  controlCategory: text,
  maxScore: num,
  rank: num,
  actionUrl: optionalText,
  implementationCost: optionalText,
  userImpact: optionalText,
  deprecated: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});
export type SecureScoreControlProfile = z.infer<typeof secureScoreControlProfileSchema>;

// ---- Defender for Endpoint ----------------------------------------------------------------------------------

/** A Defender for Endpoint device id: 40 lowercase hex characters. */
export const machineIdSchema = z.string().regex(/^[0-9a-f]{40}$/, 'a device id is 40 hexadecimal characters');

/** Defender for Endpoint machine. */
export const machineSchema = z.object({
  id: z.string(),
  computerDnsName: text,
  osPlatform: text,
  version: optionalText,
  /** "Nullable long" on the machine page. */
  osBuild: num,
  healthStatus: text,
  onboardingStatus: optionalText,
  riskScore: text,
  exposureLevel: optionalText,
  lastSeen: date,
  lastIpAddress: optionalText,
  rbacGroupName: optionalText,
  machineTags: strings,
});
export type Machine = z.infer<typeof machineSchema>;

/** Defender for Endpoint alert (carries the device and automated-investigation state). */
export const mdeAlertSchema = z.object({
  id: z.string(),
  incidentId: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v) => (v == null ? undefined : String(v))),
  investigationId: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((v) => (v == null ? undefined : String(v))),
  investigationState: optionalText,
  title: text,
  severity: text,
  status: text,
  category: text,
  detectionSource: text,
  threatName: optionalText,
  threatFamilyName: optionalText,
  machineId: optionalText,
  computerDnsName: optionalText,
  /** "Nullable DateTimeOffset" on the alert page, like every other time of an MDE alert. */
  alertCreationTime: date,
  lastUpdateTime: date,
});
export type MdeAlert = z.infer<typeof mdeAlertSchema>;

/** Machine action type. */
export type MachineActionType =
  | 'RunAntiVirusScan'
  | 'Isolate'
  | 'Unisolate'
  | 'Offboard'
  | 'LiveResponse'
  | 'CollectInvestigationPackage'
  | 'StopAndQuarantineFile'
  | 'RestrictCodeExecution'
  | 'UnrestrictCodeExecution';

/** Machine action status; the last four are final. */
export type MachineActionStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'TimeOut' | 'Cancelled';
export const FINAL_ACTION_STATUSES: readonly string[] = ['Succeeded', 'Failed', 'TimeOut', 'Cancelled'];

/** Defender for Endpoint machine action. */
export const machineActionSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    scope: optionalText,
    status: z.string(),
    requestor: text,
    requestorComment: text,
    machineId: z.string(),
    computerDnsName: optionalText,
    creationDateTimeUtc: z.string(),
    lastUpdateDateTimeUtc: date,
    lastUpdateTimeUtc: date,
    title: optionalText,
  })
  .transform(({ lastUpdateTimeUtc, ...a }) => ({
    ...a,
    // The list and the single-object pages spell this field differently.
    lastUpdateDateTimeUtc: a.lastUpdateDateTimeUtc ?? lastUpdateTimeUtc ?? a.creationDateTimeUtc,
  }));
export type MachineAction = z.infer<typeof machineActionSchema>;

/**
 * The answer to a machine-action POST (scan, isolation, release). Only the new action's id is required: a 201 is a
 * started action even when a field the card shows (status, time, device name) came back null, so the client fills
 * what is missing from the request it made instead of calling the answer malformed.
 */
export const postedActionSchema = z.object({
  id: z.string().min(1),
  type: optionalText,
  scope: optionalText,
  status: optionalText,
  requestor: text,
  requestorComment: text,
  machineId: optionalText,
  computerDnsName: optionalText,
  creationDateTimeUtc: date,
  lastUpdateDateTimeUtc: date,
  lastUpdateTimeUtc: date,
  title: optionalText,
});
export type PostedAction = z.infer<typeof postedActionSchema>;

/** Automated investigation state; `PendingApproval` waits on a person in the Action center. */
export const FINAL_INVESTIGATION_STATES: readonly string[] = [
  'SuccessfullyRemediated',
  'PartiallyRemediated',
  'Benign',
  'Failed',
  'Terminated',
  'TerminatedByUser',
  'TerminatedBySystem',
  'PartiallyInvestigated',
  'UnsupportedOs',
  'UnsupportedAlertType',
  'SuppressedAlert',
  'InnerFailure',
  'PreexistingAlert',
];

/** Defender for Endpoint automated investigation. */
export const investigationSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  /** "DateTime Nullable" on the investigation page: a queued investigation has not started yet. */
  startTime: date,
  endTime: date,
  state: z.string(),
  statusDetails: optionalText,
  machineId: z.string(),
  computerDnsName: text,
  triggeringAlertId: optionalText,
  cancelledBy: optionalText,
});
export type Investigation = z.infer<typeof investigationSchema>;

/** The answer to `startInvestigation`: only the id is required (see `postedActionSchema`). */
export const postedInvestigationSchema = investigationSchema.extend({
  state: optionalText,
  machineId: optionalText,
});
export type PostedInvestigation = z.infer<typeof postedInvestigationSchema>;

/** Exposure score or Secure Score for Devices: the API gives only the value now. */
export const scoreNowSchema = z.object({ time: z.string(), score: z.number() });
export type ScoreNow = z.infer<typeof scoreNowSchema>;

/** Security recommendation. */
export const recommendationSchema = z.object({
  id: z.string(),
  productName: optionalText,
  recommendationName: text,
  vendor: optionalText,
  recommendationCategory: text,
  severityScore: num,
  publicExploit: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  activeAlert: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  associatedThreats: strings,
  remediationType: optionalText,
  status: text,
  configScoreImpact: num,
  exposureImpact: num,
  totalMachineCount: num,
  exposedMachinesCount: num,
});
export type Recommendation = z.infer<typeof recommendationSchema>;

/** Remediation task (read-only in the API). */
export const remediationTaskSchema = z.object({
  id: z.string(),
  title: text,
  category: optionalText,
  priority: optionalText,
  status: text,
  createdOn: z.string(),
  dueOn: date,
  statusLastModifiedOn: date,
  requesterEmail: optionalText,
  targetDevices: num,
  fixedDevices: num,
});
export type RemediationTask = z.infer<typeof remediationTaskSchema>;

/** `"True"`, `"False"` or `"Unknown"` (the antivirus health page); unknown is `undefined`, never false. */
const boolString = z
  .union([z.string(), z.boolean()])
  .nullish()
  .transform((v) => {
    if (v == null || typeof v === 'boolean') return v ?? undefined;
    const s = v.trim().toLowerCase();
    return s === 'true' ? true : s === 'false' ? false : undefined;
  });

/** Antivirus health of one device (`deviceavinfo`); booleans come as "True"/"False" strings. */
export const deviceAvInfoSchema = z.object({
  machineId: z.string(),
  computerDnsName: text,
  avMode: optionalText,
  avSignatureVersion: optionalText,
  avIsSignatureUpToDate: boolString,
  avIsEngineUpToDate: boolString,
  avIsPlatformUpToDate: boolString,
  quickScanResult: optionalText,
  quickScanTime: date,
  fullScanResult: optionalText,
  fullScanTime: date,
  lastSeenTime: date,
});
export type DeviceAvInfo = z.infer<typeof deviceAvInfoSchema>;
