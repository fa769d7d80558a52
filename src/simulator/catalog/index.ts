/**
 * The fixed vocabulary of the simulated business: detections, people, device names, Secure Score controls,
 * security recommendations. Everything is fictional (Contoso is Microsoft's sample company) but shaped like what
 * Microsoft Defender for Business shows a small company. The data lives in the JSON files beside this one; they
 * are checked against `schema.ts` once, when the simulator loads.
 */
import type { z } from 'zod';
import alertsJson from './alerts.json';
import estateJson from './estate.json';
import postureJson from './posture.json';
import { alertCatalogue, estateCatalogue, postureCatalogue } from './schema';

export {
  GRAPH_SEVERITIES,
  type AlertSource,
  type AlertTemplate,
  type ControlProfile,
  type ControlTrend,
  type EvidenceKind,
  type GraphSeverity,
  type OsInfo,
  type RecommendationTemplate,
  type RemediationTaskTemplate,
} from './schema';

/** A catalogue file checked against its schema; a bad one throws, naming the file and the fields at fault. */
function load<T extends z.ZodTypeAny>(file: string, schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const faults = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`simulator catalogue src/simulator/catalog/${file} is invalid: ${faults.join('; ')}`);
}

const alerts = load('alerts.json', alertCatalogue, alertsJson);
const estate = load('estate.json', estateCatalogue, estateJson);
const posture = load('posture.json', postureCatalogue, postureJson);

/** Detections, Defender for Endpoint first, then Defender for Office 365. */
export const ALERT_TEMPLATES = alerts.templates;
/** The seeded detection whose title looks like markdown, HTML and a Teams mention (escaping is exercised). */
export const HOSTILE_TITLE = alerts.hostileTitle;
/** Human names of categories as incident names spell them. */
export const CATEGORY_NAMES: Readonly<Record<string, string>> = alerts.categoryNames;
/** People of the fictional company (Microsoft's demo-tenant names). */
export const USERS = estate.users;
/** Who works the security queue. */
export const ANALYSTS = estate.analysts;
/** DNS suffix of domain-joined devices. */
export const DNS_SUFFIX = estate.dnsSuffix;
/** Operating system catalogue, keyed by `osPlatform`. */
export const OS = estate.operatingSystems;
/** Device groups (Defender for Business creates these by default). */
export const RBAC_GROUPS = estate.deviceGroups;
/** Department prefixes of generated device names. */
export const DEPARTMENTS = estate.departments;
/** Secure Score controls of a Business Premium tenant. */
export const CONTROL_PROFILES = posture.controlProfiles;
/** Recommendations for the simulated estate. */
export const RECOMMENDATIONS = posture.recommendations;
/** Remediation tasks: some active, some overdue, some completed. */
export const REMEDIATION_TASKS = posture.remediationTasks;

/** Index of a template by title (templates are unique by title). */
export function templateIndex(title: string): number {
  const i = ALERT_TEMPLATES.findIndex((t) => t.title === title);
  if (i < 0) throw new Error(`no alert template titled ${title}`);
  return i;
}
