/**
 * Triage writes on Graph incidents, as Microsoft Graph security v1.0 answers them:
 * `PATCH /v1.0/security/incidents/{id}` (assignedTo, status, classification, determination, customTags,
 * resolvingComment) and `POST /v1.0/security/incidents/{id}/comments`.
 *
 * Graph's rules: only the updatable properties may be sent (anything else is a 400 naming it), enum values are
 * members of the documented enums (case-insensitive, as the documented example sends `TruePositive`), a
 * determination must belong to the classification (the pairs of the Defender XDR update-incident API,
 * https://learn.microsoft.com/defender-xdr/api-update-incidents; `apt` and `securityPersonnel` are no longer
 * accepted there), an unknown incident is a 404. A change moves `lastUpdateDateTime`, so digests see it.
 * Resolving an incident resolves its alerts, and an assignment assigns them, as in the Defender portal.
 * Not simulated: updating `displayName`, `description` or `severity` (Watchstander never sends them).
 */
import { ApiError } from './errors';
import type { IncidentRecord, IncidentStatus } from './records';
import type { Json } from './render';
import { renderIncident, renderIncidentComment } from './renderAlerts';
import { API_REQUESTOR, type SimulatedTenant } from './tenant';

/** Graph `alertClassification` members that can be set. */
export const CLASSIFICATIONS = ['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity'] as const;

/** Graph v1.0 `alertDetermination` members (the metadata spellings), without `unknownFutureValue`. */
export const DETERMINATIONS = [
  'unknown',
  'apt',
  'malware',
  'securityPersonnel',
  'securityTesting',
  'unwantedSoftware',
  'other',
  'multiStagedAttack',
  'compromisedAccount',
  'phishing',
  'maliciousUserActivity',
  'notMalicious',
  'notEnoughDataToValidate',
  'confirmedActivity',
  'lineOfBusinessApplication',
] as const;

/** Which determinations each classification takes (`unknown` always does). */
export const DETERMINATIONS_BY_CLASSIFICATION: Readonly<Record<(typeof CLASSIFICATIONS)[number], readonly string[]>> = {
  unknown: ['unknown'],
  truePositive: [
    'unknown',
    'multiStagedAttack',
    'maliciousUserActivity',
    'compromisedAccount',
    'malware',
    'phishing',
    'unwantedSoftware',
    'other',
  ],
  informationalExpectedActivity: [
    'unknown',
    'securityTesting',
    'lineOfBusinessApplication',
    'confirmedActivity',
    'other',
  ],
  falsePositive: ['unknown', 'notMalicious', 'notEnoughDataToValidate', 'other'],
};

/** Statuses a client may set: merging (`redirected`) and `awaitingAction` are Defender's own. */
const SETTABLE_STATUSES: readonly IncidentStatus[] = ['active', 'inProgress', 'resolved'];
const STATUS_MEMBERS = ['active', 'resolved', 'inProgress', 'redirected', 'awaitingAction', 'unknownFutureValue'];

const UPDATABLE = new Set([
  'assignedTo',
  'classification',
  'determination',
  'status',
  'customTags',
  'resolvingComment',
]);
const READ_ONLY = new Set([
  'id',
  'tenantId',
  'incidentWebUrl',
  'redirectIncidentId',
  'createdDateTime',
  'lastUpdateDateTime',
  'systemTags',
  'comments',
  'alerts',
  'summary',
]);
const INCIDENT_TYPE = 'microsoft.graph.security.incident';
const COMMENT_TYPE = 'microsoft.graph.security.alertComment';

/** A parsed write request. */
export interface IncidentWrite {
  method: string;
  /** Path segments after the incident id (`['comments']`, or none). */
  rest: string[];
  body: unknown;
  /** `http://host`, for `@odata.context`. */
  base: string;
}

/** Answers a write on incident `id`: `{ status, body }`, or throws `ApiError` as Graph would answer. */
export function writeIncident(
  tenant: SimulatedTenant,
  id: string,
  write: IncidentWrite,
): { status: number; body: Json } {
  const [sub, ...deeper] = write.rest;
  if (deeper.length > 0 || (sub !== undefined && sub.toLowerCase() !== 'comments')) {
    throw new ApiError(404, 'NotFound', `Resource not found for the segment '${write.rest.at(-1)}'.`);
  }
  const wanted = sub === undefined ? 'PATCH' : 'POST';
  if (write.method !== wanted) {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `The requested resource does not support http method '${write.method}'.`,
    );
  }
  const incident = findIncident(tenant, id);
  const meta = `${write.base}/v1.0/$metadata#security`;
  if (sub === undefined) {
    updateIncident(tenant, incident, objectBody(write.body, INCIDENT_TYPE));
    const json = renderIncident(incident, tenant.context());
    return { status: 200, body: { '@odata.context': `${meta}/incidents/$entity`, ...json } };
  }
  addComment(tenant, incident, objectBody(write.body, COMMENT_TYPE));
  return {
    status: 200,
    body: {
      '@odata.context': `${meta}/incidents('${incident.id}')/comments`,
      value: (incident.comments ?? []).map(renderIncidentComment),
    },
  };
}

function findIncident(tenant: SimulatedTenant, id: string): IncidentRecord {
  const incident = /^\d+$/.test(id) ? tenant.data.incidentsById.get(Number(id)) : undefined;
  if (!incident) throw new ApiError(404, 'NotFound', `Incident ${id} was not found.`);
  return incident;
}

/** The JSON object of a request body; `@odata.type`, when sent, must name `type`. */
function objectBody(body: unknown, type: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.');
  }
  const record = { ...(body as Record<string, unknown>) };
  const odataType = record['@odata.type'];
  if (odataType !== undefined) {
    if (typeof odataType !== 'string' || odataType.replace(/^#/, '') !== type) {
      throw badRequest(`A type named '${String(odataType)}' could not be resolved by the model.`);
    }
    delete record['@odata.type'];
  }
  return record;
}

function updateIncident(tenant: SimulatedTenant, incident: IncidentRecord, body: Record<string, unknown>): void {
  for (const name of Object.keys(body)) {
    if (READ_ONLY.has(name)) throw badRequest(`The property '${name}' is read-only and cannot be set.`);
    if (!UPDATABLE.has(name)) throw badRequest(`Could not find a property named '${name}' on type '${INCIDENT_TYPE}'.`);
  }
  const next = { ...incident };
  if ('assignedTo' in body) next.assignedTo = nullableString(body.assignedTo, 'assignedTo');
  if ('resolvingComment' in body) next.resolvingComment = nullableString(body.resolvingComment, 'resolvingComment');
  if ('customTags' in body) next.tags = stringList(body.customTags, 'customTags');
  if ('status' in body) {
    const status = member(body.status, STATUS_MEMBERS, 'microsoft.graph.security.incidentStatus');
    if (!SETTABLE_STATUSES.includes(status as IncidentStatus)) {
      throw badRequest(`The incident status '${status}' cannot be set through the API.`);
    }
    next.status = status as IncidentStatus;
  }
  if ('classification' in body) {
    const classification = member(body.classification, [...CLASSIFICATIONS, 'unknownFutureValue'], classificationType);
    if (classification === 'unknownFutureValue') throw badRequest(`'unknownFutureValue' is not a classification.`);
    next.classification = classification;
  }
  const allowed = DETERMINATIONS_BY_CLASSIFICATION[next.classification as (typeof CLASSIFICATIONS)[number]] ?? [];
  if ('determination' in body) {
    next.determination = member(body.determination, [...DETERMINATIONS, 'unknownFutureValue'], determinationType);
    if (!allowed.includes(next.determination)) {
      throw badRequest(
        `The determination '${next.determination}' is not valid for the classification '${next.classification}'. ` +
          `Valid determinations: ${allowed.join(', ')}.`,
      );
    }
  } else if (!allowed.includes(next.determination)) {
    // A new classification without a determination starts undetermined.
    next.determination = 'unknown';
  }

  const changed =
    next.assignedTo !== incident.assignedTo ||
    next.status !== incident.status ||
    next.classification !== incident.classification ||
    next.determination !== incident.determination ||
    next.resolvingComment !== incident.resolvingComment ||
    next.tags.join('\u0000') !== incident.tags.join('\u0000');
  if (!changed) return;
  const now = tenant.now();
  for (const alert of incident.alerts) {
    if (next.assignedTo !== incident.assignedTo) alert.assignedTo = next.assignedTo;
    if (next.status === 'resolved' && alert.status !== 'resolved') {
      alert.status = 'resolved';
      alert.resolved = now;
      alert.classification = next.classification;
      alert.determination = next.determination;
      alert.lastUpdate = now;
    }
  }
  Object.assign(incident, next, { updated: now });
}

function addComment(tenant: SimulatedTenant, incident: IncidentRecord, body: Record<string, unknown>): void {
  for (const name of Object.keys(body)) {
    if (name !== 'comment') throw badRequest(`Could not find a property named '${name}' on type '${COMMENT_TYPE}'.`);
  }
  const comment = body.comment;
  if (typeof comment !== 'string' || comment.trim() === '') {
    throw badRequest("The parameter 'comment' is required and must be a non-empty string.");
  }
  const now = tenant.now();
  (incident.comments ??= []).push({ comment, createdByDisplayName: API_REQUESTOR, created: now });
  incident.updated = now;
}

const classificationType = 'microsoft.graph.security.alertClassification';
const determinationType = 'microsoft.graph.security.alertDetermination';

/** The documented spelling of an enum member, matched case-insensitively; else OData's conversion error. */
function member(value: unknown, members: readonly string[], type: string): string {
  const found = typeof value === 'string' ? members.find((m) => m.toLowerCase() === value.toLowerCase()) : undefined;
  if (found === undefined) {
    throw badRequest(`Cannot convert the literal '${String(value)}' to the expected type '${type}'.`);
  }
  return found;
}

function nullableString(value: unknown, name: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw badRequest(
    `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.String' (${name}).`,
  );
}

function stringList(value: unknown, name: string): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
  throw badRequest(`The property '${name}' must be a collection of 'Edm.String'.`);
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}
