/**
 * The shape of the simulated business's catalogue (`alerts.json`, `estate.json`, `posture.json` beside this file),
 * and the types the simulator reads it with. `index.ts` checks the files against these schemas once, when the
 * simulator loads, so a bad catalogue stops it with the file and the field at fault.
 */
import { z } from 'zod';

/** Graph `alertSeverity` values, lowest first. */
export const GRAPH_SEVERITIES = ['unknown', 'informational', 'low', 'medium', 'high'] as const;
/** A Graph severity. */
export type GraphSeverity = (typeof GRAPH_SEVERITIES)[number];

/** Which product raised an alert. */
export type AlertSource = AlertTemplate['source'];
/** What evidence an alert carries. */
export type EvidenceKind = AlertTemplate['evidence'];

const text = z.string().min(1);

const alertTemplate = z
  .object({
    title: text,
    source: z.enum(['mde', 'mdo']),
    severity: z.enum(GRAPH_SEVERITIES),
    /** MITRE-style category as both APIs spell it (`DefenseEvasion`). */
    category: text,
    /** Graph `detectionSource`. */
    detectionSource: text,
    /** Defender for Endpoint `detectionSource` (empty for Defender for Office 365 detections). */
    mdeDetectionSource: z.string(),
    threatFamilyName: text.optional(),
    threatName: text.optional(),
    mitreTechniques: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)),
    description: text,
    recommendedActions: text,
    evidence: z.enum(['file', 'process', 'url', 'email']),
    /** The antivirus stopped it: the alert is usually resolved automatically. */
    prevented: z.boolean().optional(),
    fileName: text.optional(),
    filePath: text.optional(),
    commandLine: text.optional(),
  })
  .strict();

/** `alerts.json`: the detections the simulated tenant can raise, Defender for Endpoint first. */
export const alertCatalogue = z
  .object({
    /**
     * The one seeded detection whose title looks like markdown, HTML and a Teams mention, so that every renderer's
     * escaping is exercised. Real file names can carry such text.
     */
    hostileTitle: text,
    /** Human names of categories as incident names spell them. */
    categoryNames: z.record(text),
    templates: z
      .array(alertTemplate)
      .min(1)
      .refine((all) => new Set(all.map((t) => t.title)).size === all.length, 'template titles must be unique')
      .refine((all) => all.some((t) => t.source === 'mdo') && all.some((t) => t.source === 'mde'), {
        message: 'templates need both mde and mdo detections',
      }),
  })
  .strict();

/** A detection the simulated tenant can raise. */
export type AlertTemplate = z.infer<typeof alertTemplate>;

const osInfo = z
  .object({
    platform: text,
    version: text,
    build: z.number().int().nullable(),
    osKind: z.enum(['windows', 'mac', 'linux', 'ios', 'android']),
    osVersion: text,
    /** `runAntiVirusScan` works (Windows 10 1709+ and Windows 11 / Server). */
    canScan: z.boolean(),
    /** `startInvestigation` works (Windows 10/11, Windows Server 2019+). */
    canInvestigate: z.boolean(),
    /** `isolate` works (Windows, macOS, Linux). */
    canIsolate: z.boolean(),
    /** `isolate` with `IsolationType: Selective` works: Windows 10 1709+ and Windows 11 only (isolate-machine page). */
    canIsolateSelectively: z.boolean(),
  })
  .strict();

/** An operating system a simulated device runs. */
export type OsInfo = z.infer<typeof osInfo>;

/** The platforms the seed places on devices by name (`src/simulator/seed.ts`), keyed by `osPlatform`. */
const operatingSystems = z
  .object({
    Windows11: osInfo,
    Windows10: osInfo,
    WindowsServer2022: osInfo,
    WindowsServer2019: osInfo,
    WindowsServer2016: osInfo,
    macOS: osInfo,
    Linux: osInfo,
    iOS: osInfo,
    Android: osInfo,
  })
  .strict()
  .refine((table) => Object.entries(table).every(([key, os]) => os.platform === key), {
    message: 'each operating system is keyed by its platform',
  });

/** `estate.json`: the people, device groups and operating systems of the fictional company. */
export const estateCatalogue = z
  .object({
    /** DNS suffix of domain-joined devices. */
    dnsSuffix: text,
    /** People of the company (Microsoft's demo-tenant names). */
    users: z.array(z.object({ name: text, upn: z.string().email() }).strict()).min(1),
    /** Who works the security queue (user principal names of `users`). */
    analysts: z.array(z.string().email()).min(1),
    /** Department prefixes of generated device names. */
    departments: z.array(text).min(1),
    /** Device groups (Defender for Business creates these by default). */
    deviceGroups: z.array(z.object({ id: z.number().int(), name: text }).strict()).min(1),
    operatingSystems,
  })
  .strict()
  .refine((estate) => estate.analysts.every((upn) => estate.users.some((u) => u.upn === upn)), {
    message: 'every analyst is one of the users',
    path: ['analysts'],
  });

const share = z.number().min(0).max(1);

/** How a Secure Score control's score moves over the days (day 0 = the tenant's first day, negative = before). */
const controlTrend = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done') }).strict(),
  z.object({ kind: z.literal('never') }).strict(),
  z.object({ kind: z.literal('implementedOn'), day: z.number().int() }).strict(),
  z.object({ kind: z.literal('regressedOn'), day: z.number().int(), to: share }).strict(),
  z.object({ kind: z.literal('rollout'), from: share, perDay: z.number() }).strict(),
]);

/** How a Secure Score control's score moves over the days. */
export type ControlTrend = z.infer<typeof controlTrend>;

const controlProfile = z
  .object({
    id: text,
    title: text,
    category: z.enum(['Identity', 'Data', 'Device', 'Apps']),
    service: text,
    maxScore: z.number().positive(),
    rank: z.number().int(),
    tier: text,
    actionType: z.enum(['Config', 'Review', 'Behavior']),
    implementationCost: z.enum(['Low', 'Moderate', 'High']),
    userImpact: z.enum(['Low', 'Moderate', 'High']),
    threats: z.array(text),
    remediation: text,
    trend: controlTrend,
  })
  .strict();

/** A Secure Score improvement action (`secureScoreControlProfile`) and how this tenant scores on it. */
export type ControlProfile = z.infer<typeof controlProfile>;

const recommendation = z
  .object({
    id: text,
    name: text,
    /** Empty for security controls, which belong to no product. */
    productName: z.string(),
    vendor: text,
    category: z.enum(['Application', 'OS', 'SecurityControls', 'Network', 'Accounts']),
    subCategory: z.string(),
    remediationType: z.enum(['Update', 'ConfigurationChange', 'Uninstall', 'Upgrade']),
    recommendedVersion: z.string(),
    severityScore: z.number().min(0).max(10),
    exposureImpact: z.number().min(0),
    configScoreImpact: z.number().min(0),
    /** Share of devices exposed. */
    exposedShare: share,
    publicExploit: z.boolean(),
    weaknesses: z.number().int().min(0),
    associatedThreats: z.array(z.string().uuid()),
    relatedComponent: text,
  })
  .strict();

/** A security recommendation of Defender Vulnerability Management, sized for this tenant at seed time. */
export type RecommendationTemplate = z.infer<typeof recommendation>;

const remediationTask = z
  .object({
    recommendationId: text,
    /** Days relative to the seed. */
    createdDay: z.number().int(),
    dueDay: z.number().int(),
    /** Completed this many days before the seed; still active when absent. */
    completedDay: z.number().int().optional(),
    priority: z.enum(['High', 'Medium', 'Low']),
    /** Share of target devices fixed at the seed. */
    fixedShare: share,
    /** Share of target devices fixed per day while active. */
    fixRatePerDay: share,
    requester: z.string().email(),
  })
  .strict();

/** A remediation task an administrator created in the portal from a recommendation (days relative to the seed). */
export type RemediationTaskTemplate = z.infer<typeof remediationTask>;

/** `posture.json`: Secure Score controls, security recommendations and remediation tasks. */
export const postureCatalogue = z
  .object({
    controlProfiles: z.array(controlProfile).min(1),
    recommendations: z.array(recommendation).min(1),
    remediationTasks: z.array(remediationTask),
  })
  .strict()
  .refine((p) => p.remediationTasks.every((t) => p.recommendations.some((r) => r.id === t.recommendationId)), {
    message: 'every remediation task names one of the recommendations',
    path: ['remediationTasks'],
  });
