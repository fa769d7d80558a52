/**
 * What Watchstander may write on a Graph incident (`PATCH /security/incidents/{id}`, `POST …/comments`): the
 * fields it sets, the enum values it sends, and the answers it reads back.
 *
 * Determination values use the Graph v1.0 metadata spellings (`compromisedAccount`, `notMalicious`,
 * `notEnoughDataToValidate`, `confirmedActivity`; the v1.0 SDKs generated from it use the same), not the older
 * `compromisedUser` / `clean` / `insufficientData` / `confirmedUserActivity` some doc pages still list. Which
 * determination goes with which classification follows the Defender XDR update-incident API
 * (https://learn.microsoft.com/defender-xdr/api-update-incidents), which also retired `apt` and `securityPersonnel`.
 */
import { z } from 'zod';

/** Graph `alertClassification` values an analyst resolves with. */
export type IncidentClassification = 'truePositive' | 'informationalExpectedActivity' | 'falsePositive';

/** The determinations each classification takes, in the order the Defender portal offers them. */
export const DETERMINATIONS: Readonly<Record<IncidentClassification, readonly string[]>> = {
  truePositive: [
    'multiStagedAttack',
    'maliciousUserActivity',
    'compromisedAccount',
    'malware',
    'phishing',
    'unwantedSoftware',
    'other',
  ],
  informationalExpectedActivity: ['securityTesting', 'lineOfBusinessApplication', 'confirmedActivity', 'other'],
  falsePositive: ['notMalicious', 'notEnoughDataToValidate', 'other'],
};

/** The classifications, in the order the portal offers them. */
export const CLASSIFICATIONS: readonly IncidentClassification[] = [
  'truePositive',
  'informationalExpectedActivity',
  'falsePositive',
];

/** Incident statuses that count as open (never `resolved`, never `redirected`). */
export const OPEN_STATUSES = ['active', 'inProgress', 'awaitingAction'] as const;

/** True when `determination` goes with `classification`. */
export function isValidVerdict(classification: string, determination: string): boolean {
  if (!Object.prototype.hasOwnProperty.call(DETERMINATIONS, classification)) return false;
  return DETERMINATIONS[classification as IncidentClassification].includes(determination);
}

/** The fields of a `PATCH /security/incidents/{id}` Watchstander sends; absent fields are left as they are. */
export interface IncidentChange {
  assignedTo?: string;
  status?: 'active' | 'inProgress' | 'resolved';
  classification?: IncidentClassification;
  determination?: string;
  resolvingComment?: string;
}

/** Graph `alertComment`, as `POST /security/incidents/{id}/comments` lists them. */
export const incidentCommentSchema = z.object({
  comment: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  createdByDisplayName: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  createdDateTime: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});
export type IncidentComment = z.infer<typeof incidentCommentSchema>;

/** The answer to `POST …/comments`: the incident's comments (a `value` list; a single comment is read as one). */
export const incidentCommentsSchema = z.union([
  z.object({ value: z.array(incidentCommentSchema) }).transform((v) => v.value),
  incidentCommentSchema.transform((c) => [c]),
]);
