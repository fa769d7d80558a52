/**
 * The REST surface of the simulated tenant: Microsoft Graph security v1.0 (`/v1.0/security/...`) and the
 * Defender for Endpoint API (`/api/...`, also `/api/v1.0/...`), same paths, bodies and error codes as the
 * real services. The HTTP server (`server.ts`) parses the request and writes the answer; this file decides it.
 */
import { CONTROL_PROFILES, GRAPH_SEVERITIES, RBAC_GROUPS } from './catalog';
import { ApiError, notFound, type ServiceName } from './errors';
import { writeIncident } from './incidentUpdates';
import { DAY } from './lifecycle';
import type { EntitySchema } from './odata';
import {
  expansions,
  inOrder,
  newestFirst,
  page,
  queryOptions,
  select,
  type PagingRequest,
  type Sequence,
} from './paging';
import type { AlertRecord, DeviceRecord, IncidentRecord } from './records';
import {
  dayNumber,
  avInfoRows,
  hasAvInfo,
  iso,
  machineRow,
  orNull,
  renderAction,
  renderDeviceAvInfo,
  renderInvestigation,
  renderMachine,
  type AvInfoRow,
  type Json,
  type RenderContext,
} from './render';
import { mdeAlertRow, renderGraphAlert, renderIncident, renderMdeAlert } from './renderAlerts';
import {
  configurationScoreAt,
  exposureScoreAt,
  renderControlProfile,
  renderRecommendation,
  renderRemediationTask,
  renderSecureScore,
} from './renderPosture';
import {
  CONTROL_PROFILE_SCHEMA,
  DEVICE_AV_INFO_SCHEMA,
  GRAPH_ALERT_SCHEMA,
  INCIDENT_SCHEMA,
  INVESTIGATION_SCHEMA,
  MACHINE_ACTION_SCHEMA,
  MACHINE_SCHEMA,
  MDE_ALERT_SCHEMA,
  RECOMMENDATION_SCHEMA,
  REMEDIATION_TASK_SCHEMA,
  SECURE_SCORE_SCHEMA,
} from './schemas';
import type { SimulatedTenant } from './tenant';

/** Days of Secure Score history Graph keeps. */
export const SECURE_SCORE_DAYS = 90;

/** `$top` caps and default page sizes. */
export const PAGE_LIMITS = {
  incidents: { maxTop: 50, defaultTop: 50 },
  alertsV2: { maxTop: 1000, defaultTop: 1000 },
  secureScores: { maxTop: 1000, defaultTop: SECURE_SCORE_DAYS },
  controlProfiles: { maxTop: 1000, defaultTop: 1000 },
  defender: { maxTop: 10_000, defaultTop: 10_000 },
  deviceAvInfo: { maxTop: 10_000, defaultTop: 20 },
} as const;

/** A parsed API request. */
export interface ApiRequest {
  method: string;
  service: ServiceName;
  /** Path segments after `/v1.0/security/` or `/api/` (`/api/v1.0/`). */
  segments: string[];
  paging: PagingRequest;
  /** Parsed JSON body of a POST or PATCH (undefined when there is none). */
  body?: unknown;
}

/** An API answer. */
export interface ApiReply {
  status: number;
  body: Json;
}

/** Answers an API request or throws `ApiError`/`ODataError`. */
export function handleApi(tenant: SimulatedTenant, req: ApiRequest): ApiReply {
  tenant.sync();
  return req.service === 'graph' ? graph(tenant, req) : defender(tenant, req);
}

function ok(body: Json, status = 200): ApiReply {
  return { status, body };
}

function methodCheck(req: ApiRequest, allowed: string): void {
  if (req.method !== allowed) {
    throw new ApiError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
  }
}

function unknownPath(req: ApiRequest): ApiError {
  const path = req.paging.pathname;
  const segment = req.segments[req.segments.length - 1] ?? path;
  const message =
    req.service === 'graph'
      ? `Resource not found for the segment '${segment}'.`
      : `No HTTP resource was found that matches the request URI '${req.paging.base}${path}'.`;
  return new ApiError(404, 'NotFound', message);
}

function entity(context: string, json: Json, req: ApiRequest): Json {
  const options = queryOptions(req.paging.query);
  const fields = options
    .get('$select')
    ?.split(',')
    .map((s) => s.trim());
  return { '@odata.context': `${context}/$entity`, ...select(json, fields) };
}

// ---- Microsoft Graph ----------------------------------------------------------------------------------------

function graph(tenant: SimulatedTenant, req: ApiRequest): ApiReply {
  const [collection, id, ...rest] = req.segments;
  const name = (collection ?? '').toLowerCase();
  const ctx = tenant.context();
  const data = tenant.data;
  const meta = `${req.paging.base}/v1.0/$metadata#security`;
  if (name === 'incidents' && id !== undefined && (req.method === 'PATCH' || rest.length > 0)) {
    return writeIncident(tenant, id, { method: req.method, rest, body: req.body, base: req.paging.base });
  }
  const behaviour = tenant.behaviour;
  // Graph security lists page with an opaque $skiptoken and refuse a deep $skip (docs/service-behaviour.md §4).
  const securityPaging = {
    nextLinks: 'skiptoken' as const,
    ...(behaviour.graphMaxSkip === null ? {} : { maxSkip: behaviour.graphMaxSkip }),
  };
  if (rest.length > 0) throw unknownPath(req);
  switch (name) {
    case 'incidents': {
      methodCheck(req, 'GET');
      if (id !== undefined) {
        const incident = data.incidentsById.get(Number(id));
        if (!incident || !/^\d+$/.test(id)) throw new ApiError(404, 'NotFound', `Incident ${id} was not found.`);
        const expand = expansions(queryOptions(req.paging.query), ['alerts'], INCIDENT_SCHEMA.typeName);
        return ok(entity(`${meta}/incidents`, renderIncident(incident, ctx, expand.has('alerts')), req));
      }
      return ok(
        page<IncidentRecord>(req.paging, {
          context: `${meta}/incidents`,
          schema: INCIDENT_SCHEMA,
          ...PAGE_LIMITS.incidents,
          ...securityPaging,
          expandable: ['alerts'],
          items: newestFirst(data.incidents),
          render: (incident, expand) => renderIncident(incident, ctx, expand.has('alerts')),
          row: (incident) => incidentRow(incident, ctx),
          check: (options, matched) => expandWithFilter(options, matched, behaviour.expandFilterLimit),
        }),
      );
    }
    case 'alerts_v2': {
      methodCheck(req, 'GET');
      if (id !== undefined) {
        const alert = data.alertsById.get(id);
        if (!alert) throw new ApiError(404, 'NotFound', `Alert ${id} was not found.`);
        return ok(entity(`${meta}/alerts_v2`, renderGraphAlert(alert, ctx), req));
      }
      return ok(
        page<AlertRecord>(req.paging, {
          context: `${meta}/alerts_v2`,
          schema: GRAPH_ALERT_SCHEMA,
          ...PAGE_LIMITS.alertsV2,
          ...securityPaging,
          items: newestFirst(data.alerts),
          render: (alert) => renderGraphAlert(alert, ctx),
          row: (alert) => graphAlertRow(alert),
        }),
      );
    }
    case 'securescores': {
      methodCheck(req, 'GET');
      const today = dayNumber(ctx.now);
      if (id !== undefined) {
        const date = /_(\d{4}-\d{2}-\d{2})$/.exec(id)?.[1];
        const day = date ? dayNumber(Date.parse(`${date}T00:00:00Z`)) : NaN;
        if (!id.startsWith(ctx.tenantId) || !(day <= today && day > today - SECURE_SCORE_DAYS)) {
          throw new ApiError(404, 'NotFound', `Secure score ${id} was not found.`);
        }
        return ok(entity(`${req.paging.base}/v1.0/$metadata#security/secureScores`, renderSecureScore(day, ctx), req));
      }
      const days: Sequence<number> = { length: SECURE_SCORE_DAYS, at: (i) => today - i };
      return ok(
        page<number>(req.paging, {
          context: `${meta}/secureScores`,
          schema: SECURE_SCORE_SCHEMA,
          ...PAGE_LIMITS.secureScores,
          items: days,
          render: (day) => renderSecureScore(day, ctx),
        }),
      );
    }
    case 'securescorecontrolprofiles': {
      methodCheck(req, 'GET');
      const indexes = CONTROL_PROFILES.map((_, i) => i);
      if (id !== undefined) {
        const i = CONTROL_PROFILES.findIndex((c) => c.id.toLowerCase() === id.toLowerCase());
        if (i < 0) throw new ApiError(404, 'NotFound', `Control profile ${id} was not found.`);
        return ok(entity(`${meta}/secureScoreControlProfiles`, renderControlProfile(i, ctx), req));
      }
      return ok(
        page<number>(req.paging, {
          context: `${meta}/secureScoreControlProfiles`,
          schema: CONTROL_PROFILE_SCHEMA,
          ...PAGE_LIMITS.controlProfiles,
          items: inOrder(indexes),
          render: (i) => renderControlProfile(i, ctx),
        }),
      );
    }
    default:
      throw unknownPath(req);
  }
}

/**
 * `incidents?$expand=alerts` with a `$filter` answered a persistent 500 on large tenants (elastic/integrations#18144,
 * docs/service-behaviour.md §5): so does this one when more than `limit` incidents match.
 */
function expandWithFilter(options: Map<string, string>, matched: number, limit: number | null): void {
  if (limit === null || matched <= limit || !options.has('$filter')) return;
  if (!/(^|,)\s*alerts\s*(,|$)/i.test(options.get('$expand') ?? '')) return;
  throw new ApiError(500, 'InternalServerError', 'An internal server error occurred while expanding alerts.');
}

/** The filterable fields of an incident (dates as epoch ms, which `$filter` compares as dates), cheaply. */
function incidentRow(incident: IncidentRecord, ctx: RenderContext): Json {
  let worst = 0;
  let updated = incident.updated;
  for (const a of incident.alerts) {
    worst = Math.max(worst, GRAPH_SEVERITIES.indexOf(a.severity));
    updated = Math.max(updated, a.lastUpdate);
  }
  return {
    assignedTo: incident.assignedTo,
    classification: incident.classification,
    createdDateTime: incident.created,
    determination: incident.determination,
    lastUpdateDateTime: updated,
    severity: GRAPH_SEVERITIES[worst],
    status: incident.status,
    tenantId: ctx.tenantId,
  };
}

/** The filterable fields of a Graph alert, without evidence (dates as epoch ms). */
function graphAlertRow(alert: AlertRecord): Json {
  return {
    assignedTo: alert.assignedTo,
    classification: alert.classification,
    determination: alert.determination,
    createdDateTime: alert.created,
    lastUpdateDateTime: alert.lastUpdate,
    severity: alert.severity,
    serviceSource: alert.template.source === 'mde' ? 'microsoftDefenderForEndpoint' : 'microsoftDefenderForOffice365',
    status: alert.status,
  };
}

// ---- Defender for Endpoint ------------------------------------------------------------------------------------

const ACTION_PATHS: Readonly<Record<string, 'RunAntiVirusScan' | 'Isolate' | 'Unisolate' | 'StartInvestigation'>> = {
  runantivirusscan: 'RunAntiVirusScan',
  isolate: 'Isolate',
  unisolate: 'Unisolate',
  startinvestigation: 'StartInvestigation',
};

function defender(tenant: SimulatedTenant, req: ApiRequest): ApiReply {
  const [collection, id, sub, ...rest] = req.segments;
  const name = (collection ?? '').toLowerCase();
  const ctx = tenant.context();
  const data = tenant.data;
  const meta = `${req.paging.base}/api/$metadata#`;
  if (rest.length > 0) throw unknownPath(req);
  // Defender lists may answer $top without a next link (docs/service-behaviour.md §3).
  const noNextLinkWithTop = !tenant.behaviour.defenderNextLinks;
  const list = <T>(
    entitySet: string,
    schema: EntitySchema,
    items: Sequence<T>,
    render: (item: T) => Json,
    extra: { row?: (item: T) => Json; maxTop?: number; defaultTop?: number; noNextLinkWithTop?: boolean } = {},
  ): ApiReply => {
    const context = `${meta}${entitySet}`;
    const paging = { ...PAGE_LIMITS.defender, noNextLinkWithTop };
    return ok(page<T>(req.paging, { context, schema, ...paging, items, render, ...extra }));
  };
  const score = (entitySet: string, value: number): ApiReply =>
    ok({
      '@odata.context': `${meta}${entitySet}/$entity`,
      time: iso(ctx.now),
      score: value,
      rbacGroupId: null,
      rbacGroupName: null,
    });

  switch (name) {
    case 'machines': {
      if (id === undefined) {
        methodCheck(req, 'GET');
        const row = (d: DeviceRecord): Json => machineRow(d, ctx);
        return list('Machines', MACHINE_SCHEMA, inOrder(data.devices), (d) => renderMachine(d, ctx), { row });
      }
      if (sub === undefined) {
        methodCheck(req, 'GET');
        return ok(entity(`${meta}Machines`, renderMachine(machine(tenant, id), ctx), req));
      }
      const subName = sub.toLowerCase();
      if (subName === 'alerts') {
        methodCheck(req, 'GET');
        const device = machine(tenant, id);
        const alerts = newestFirst(device.alerts ?? []);
        return list('Alerts', MDE_ALERT_SCHEMA, alerts, (a) => renderMdeAlert(a, ctx), {
          row: (a: AlertRecord) => mdeAlertRow(a, ctx),
        });
      }
      const action = ACTION_PATHS[subName];
      if (!action) throw unknownPath(req);
      methodCheck(req, 'POST');
      return machineAction(tenant, req, action, id);
    }
    case 'alerts': {
      methodCheck(req, 'GET');
      if (sub !== undefined) throw unknownPath(req);
      const expandEvidence = (options: Map<string, string>): boolean =>
        expansions(options, ['evidence'], MDE_ALERT_SCHEMA.typeName).has('evidence');
      if (id !== undefined) {
        const alert = data.alertsById.get(id);
        if (!alert || !alert.device) throw notFound('Alert', id);
        const expand = expandEvidence(queryOptions(req.paging.query));
        return ok(entity(`${meta}Alerts`, renderMdeAlert(alert, ctx, expand), req));
      }
      const mde = data.alerts.filter((a) => a.device !== undefined);
      return ok(
        page<AlertRecord>(req.paging, {
          context: `${meta}Alerts`,
          schema: MDE_ALERT_SCHEMA,
          ...PAGE_LIMITS.defender,
          noNextLinkWithTop,
          expandable: ['evidence'],
          items: newestFirst(mde),
          render: (a, expand) => renderMdeAlert(a, ctx, expand.has('evidence')),
          row: (a: AlertRecord) => mdeAlertRow(a, ctx),
        }),
      );
    }
    case 'machineactions': {
      if (id === undefined) {
        methodCheck(req, 'GET');
        return list('MachineActions', MACHINE_ACTION_SCHEMA, newestFirst(data.actions), (a) => renderAction(a, ctx));
      }
      if (sub !== undefined) {
        if (sub.toLowerCase() !== 'cancel') throw unknownPath(req);
        methodCheck(req, 'POST');
        const comment = requiredString(requireBody(req.body), 'Comment');
        const action = tenant.cancelAction(id, comment);
        return ok(entity(`${meta}MachineActions`, renderAction(action, tenant.context()), req));
      }
      methodCheck(req, 'GET');
      const action = data.actionsById.get(id.toLowerCase());
      if (!action) throw notFound('Machine action', id);
      return ok(entity(`${meta}MachineActions`, renderAction(action, ctx), req));
    }
    case 'investigations': {
      methodCheck(req, 'GET');
      if (sub !== undefined) throw unknownPath(req);
      if (id !== undefined) {
        const inv = /^\d+$/.test(id) ? data.investigationsById.get(Number(id)) : undefined;
        if (!inv) throw notFound('Investigation', id);
        return ok(entity(`${meta}Investigations`, renderInvestigation(inv, ctx), req));
      }
      const investigations = newestFirst(data.investigations);
      return list('Investigations', INVESTIGATION_SCHEMA, investigations, (inv) => renderInvestigation(inv, ctx));
    }
    case 'exposurescore': {
      methodCheck(req, 'GET');
      if (id === undefined) return score('ExposureScore', exposureScoreAt(ctx.now, ctx));
      if (id.toLowerCase() !== 'bymachinegroups' || sub !== undefined) throw unknownPath(req);
      const groups = RBAC_GROUPS.filter((g) => data.devices.some((d) => RBAC_GROUPS[d.group].id === g.id));
      return ok({
        '@odata.context': `${meta}ExposureScore`,
        value: groups.map((g, i) => ({
          time: iso(ctx.now),
          score: Math.round(exposureScoreAt(ctx.now - (i + 1) * 3 * DAY, ctx) * 100) / 100,
          rbacGroupName: g.name,
          rbacGroupId: g.id,
        })),
      });
    }
    case 'configurationscore': {
      methodCheck(req, 'GET');
      if (id !== undefined) throw unknownPath(req);
      return score('ConfigurationScore', configurationScoreAt(ctx.now, ctx));
    }
    case 'recommendations': {
      methodCheck(req, 'GET');
      if (sub !== undefined) throw unknownPath(req);
      if (id !== undefined) {
        const rec = data.recommendations.find((r) => r.template.id.toLowerCase() === id.toLowerCase());
        if (!rec) throw notFound('Recommendation', id);
        return ok(entity(`${meta}Recommendations`, renderRecommendation(rec), req));
      }
      return list('Recommendations', RECOMMENDATION_SCHEMA, inOrder(data.recommendations), renderRecommendation);
    }
    case 'remediationtasks': {
      methodCheck(req, 'GET');
      if (sub !== undefined) throw unknownPath(req);
      if (id !== undefined) {
        const task = data.remediationTasks.find((t) => t.id === id.toLowerCase());
        if (!task) throw notFound('Remediation task', id);
        return ok(entity(`${meta}RemediationTasks`, renderRemediationTask(task, ctx), req));
      }
      const tasks = newestFirst(data.remediationTasks);
      return list('RemediationTasks', REMEDIATION_TASK_SCHEMA, tasks, (t) => renderRemediationTask(t, ctx));
    }
    case 'deviceavinfo': {
      methodCheck(req, 'GET');
      if (id !== undefined) throw unknownPath(req);
      const rows = avInfoRows(data.devices.filter(hasAvInfo), ctx);
      const render = (r: AvInfoRow): Json => renderDeviceAvInfo(r.device, ctx, r.earlier);
      // Its page documents next links (https://learn.microsoft.com/defender-endpoint/api/device-health-export-antivirus-health-report-api): they come whatever `$top` says.
      const paging = { ...PAGE_LIMITS.deviceAvInfo, noNextLinkWithTop: false };
      return list('DeviceAvInfo', DEVICE_AV_INFO_SCHEMA, inOrder(rows), render, paging);
    }
    default:
      throw unknownPath(req);
  }
}

function machine(tenant: SimulatedTenant, id: string): DeviceRecord {
  const device = tenant.findDevice(id);
  if (!device) throw notFound('Machine', id);
  return device;
}

function machineAction(
  tenant: SimulatedTenant,
  req: ApiRequest,
  action: (typeof ACTION_PATHS)[string],
  machineId: string,
): ApiReply {
  const body = requireBody(req.body);
  const comment = requiredString(body, 'Comment');
  const meta = `${req.paging.base}/api/$metadata#`;
  if (action === 'StartInvestigation') {
    const inv = tenant.startInvestigation(machineId);
    const ctx = tenant.context();
    const json = renderInvestigation(inv, ctx);
    // "startTime: DateTime Nullable": the answer may come before the investigation has a start time.
    json.startTime = orNull(ctx, `started:${inv.id}`, 'startTime', json.startTime);
    return ok({ '@odata.context': `${meta}Investigations/$entity`, ...json }, 201);
  }
  const scope =
    action === 'RunAntiVirusScan'
      ? enumValue(body, 'ScanType', ['Quick', 'Full'])
      : action === 'Isolate'
        ? enumValue(body, 'IsolationType', ['Full', 'Selective', 'UnManagedDevice'])
        : 'Full';
  const record = tenant.requestAction(action, machineId, comment, scope);
  return ok({ '@odata.context': `${meta}MachineActions/$entity`, ...renderAction(record, tenant.context()) }, 201);
}

// ---- request bodies (parameter names are case-sensitive, as documented) -----------------------------------------

function requireBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'InvalidRequestBody', 'Request body is incorrect');
  }
  return body as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) {
    const nearMiss = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
    const hint = nearMiss ? ` (body parameters are case-sensitive; got ${nearMiss})` : '';
    throw new ApiError(400, 'MissingRequiredParameter', `Parameter ${name} is missing${hint}`);
  }
  if (typeof value !== 'string') {
    throw new ApiError(400, 'InvalidRequestBody', `Request body is incorrect: ${name} must be a string`);
  }
  return value;
}

function enumValue(body: Record<string, unknown>, name: string, allowed: readonly string[]): string {
  const value = requiredString(body, name);
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) {
    const expected = allowed.join(', ');
    const message = `Request body is incorrect: ${name} '${value}' is not one of ${expected}`;
    throw new ApiError(400, 'InvalidRequestBody', message);
  }
  return match;
}
