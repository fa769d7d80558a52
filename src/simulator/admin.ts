/**
 * The control API of the simulated tenant, under `/_simulator/`, for tests, benchmarks and demos: the request
 * log, counters, seeded facts, the clock, faults, latency, quotas, the reported service behaviours (`behaviour.ts`),
 * and new incidents and alerts on demand.
 * It is never slowed down, faulted or logged.
 */
import { parseBehaviour } from './behaviour';
import { ApiError } from './errors';
import { parseFaultSettings } from './faults';
import { iso, renderInvestigation, type Json } from './render';
import {
  mergeIncidents,
  type NewAlertInput,
  type NewIncidentInput,
  type RateLimits,
  type SimulatedTenant,
} from './tenant';

/** An admin answer. */
export interface AdminReply {
  status: number;
  body?: unknown;
}

/** Answers `/_simulator/...`; throws `ApiError` for a bad request. */
export function handleAdmin(
  tenant: SimulatedTenant,
  method: string,
  segments: string[],
  query: URLSearchParams,
  body: unknown,
): AdminReply {
  const [what, id, verb] = segments;
  const route = `${method} ${what ?? ''}`;
  switch (route) {
    case 'GET ':
      return { status: 200, body: summary(tenant) };
    case 'GET requests': {
      const since = Number(query.get('since') ?? 0);
      return { status: 200, body: { requests: tenant.requestLog().filter((e) => e.seq > since) } };
    }
    case 'DELETE requests':
      tenant.resetLog();
      return { status: 204 };
    case 'GET stats':
      return { status: 200, body: tenant.stats() };
    case 'GET facts':
      return { status: 200, body: tenant.facts };
    case 'GET clock':
      return { status: 200, body: clock(tenant) };
    case 'POST clock': {
      const seconds = object(body).advanceSeconds;
      if (typeof seconds !== 'number' || !(seconds >= 0)) {
        throw badRequest('advanceSeconds must be a number of seconds >= 0');
      }
      tenant.advanceClock(seconds);
      tenant.sync();
      return { status: 200, body: clock(tenant) };
    }
    case 'GET faults':
      return { status: 200, body: tenant.faults.state() };
    case 'PUT faults':
      try {
        return { status: 200, body: tenant.setFaults(parseFaultSettings(body)) };
      } catch (error) {
        throw badRequest((error as Error).message);
      }
    case 'DELETE faults':
      tenant.clearFaults();
      return { status: 204 };
    case 'GET latency':
      return { status: 200, body: { ms: tenant.latencyMs } };
    case 'PUT latency': {
      const ms = object(body).ms;
      if (typeof ms !== 'number' || !(ms >= 0)) throw badRequest('ms must be a number of milliseconds >= 0');
      tenant.setLatency(ms);
      return { status: 200, body: { ms } };
    }
    case 'GET behaviour':
      return { status: 200, body: tenant.behaviour };
    case 'PUT behaviour':
      try {
        parseBehaviour(body, tenant.behaviour);
      } catch (error) {
        throw badRequest((error as Error).message);
      }
      return { status: 200, body: tenant.setBehaviour(body as Record<string, unknown>) };
    case 'GET rateLimits':
      return { status: 200, body: tenant.rateLimits };
    case 'PUT rateLimits': {
      const o = object(body);
      const limits: RateLimits = {};
      for (const key of ['defenderPerMinute', 'defenderPerHour', 'graphPerMinute'] as const) {
        const v = o[key];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
          throw badRequest(`${key} must be a whole number >= 1`);
        }
        limits[key] = v;
      }
      tenant.setRateLimits(limits);
      return { status: 200, body: tenant.rateLimits };
    }
    case 'POST incidents': {
      if (id === undefined) return { status: 201, body: tenant.addIncident(object(body ?? {}) as NewIncidentInput) };
      if (verb !== 'merge') throw notFoundAdmin(segments);
      const into = object(body ?? {}).into;
      if (typeof into !== 'string' && typeof into !== 'number') throw badRequest('into must be an incident id');
      return { status: 200, body: mergeIncidents(tenant, id, into) };
    }
    case 'POST alerts':
      return { status: 201, body: tenant.addAlert(object(body ?? {}) as NewAlertInput) };
    case 'POST investigations': {
      if (id === undefined || (verb !== 'approve' && verb !== 'reject')) throw notFoundAdmin(segments);
      const by = object(body ?? {}).by;
      const inv = tenant.decideInvestigation(id, verb === 'approve', typeof by === 'string' ? by : undefined);
      return { status: 200, body: renderInvestigation(inv, tenant.context()) };
    }
    default:
      throw notFoundAdmin(segments);
  }
}

function summary(tenant: SimulatedTenant): Json {
  tenant.sync();
  const d = tenant.data;
  return {
    tenantId: d.tenantId,
    seed: d.seed,
    now: iso(tenant.now()),
    anchor: iso(d.anchor),
    devices: d.devices.length,
    incidents: d.incidents.length,
    alerts: d.alerts.length,
    investigations: d.investigations.length,
    machineActions: d.actions.length,
    latencyMs: tenant.latencyMs,
    faults: tenant.faults.state(),
    rateLimits: tenant.rateLimits,
    behaviour: tenant.behaviour,
  };
}

function clock(tenant: SimulatedTenant): Json {
  const now = tenant.now();
  return { now: new Date(now).toISOString(), epochMs: now };
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('expected a JSON object body');
  return body as Record<string, unknown>;
}

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

function notFoundAdmin(segments: string[]): ApiError {
  return new ApiError(404, 'NotFound', `No simulator control at /_simulator/${segments.join('/')}`);
}
