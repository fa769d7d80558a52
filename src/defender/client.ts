/**
 * `DefenderClient`: the one implementation of `DefenderApi`, over Microsoft Graph security v1.0 and the Defender for
 * Endpoint API. The same code talks to the live services and to anything that serves their REST shapes.
 *
 * Reads follow `@odata.nextLink` page by page (a repeated link, a link to another host or too many pages stop the
 * list with a `PagingError`); every object is parsed with its schema from `models.ts`, and a malformed item in a list
 * is skipped and logged so one corrupt record does not cost the whole section. Ids are validated before any URL is
 * built, so a tampered card payload never reaches the API.
 */
import type { z } from 'zod';
import type { Config } from '../config';
import type { ApiName, DefenderApi, IncidentQuery, IsolationType, ListOptions, PageStream, ScanType } from './api';
import { createCredential } from './credentials';
import {
  DefenderResponseError,
  errorFromResponse,
  InvalidArgumentError,
  PagingError,
  type FailedRequest,
} from './errors';
import { ApiHttpClient, type ApiHttpOptions } from './http';
import { splitListPage } from './listPage';
import type { RequestStats } from './middleware';
import {
  deviceAvInfoSchema,
  graphAlertSchema,
  incidentSchema,
  investigationSchema,
  machineActionSchema,
  machineIdSchema,
  machineSchema,
  mdeAlertSchema,
  recommendationSchema,
  remediationTaskSchema,
  scoreNowSchema,
  secureScoreControlProfileSchema,
  secureScoreSchema,
  type DeviceAvInfo,
  type GraphAlert,
  type Incident,
  type Investigation,
  type Machine,
  type MachineAction,
  type MdeAlert,
  type Recommendation,
  type RemediationTask,
  type ScoreNow,
  type SecureScore,
  type SecureScoreControlProfile,
  type Severity,
} from './models';
import {
  incidentCommentsSchema,
  isValidVerdict,
  OPEN_STATUSES,
  type IncidentChange,
  type IncidentComment,
} from './incidentTriage';
import { and, isoDate, or, queryString, quote, type QueryParams } from './odata';

export type { RetryInfo, RetryOptions } from './http';
export type { RequestStats } from './middleware';

/** The largest `$top` each list endpoint accepts (defender-api.md §2.1); the client always asks for a full page. */
export const PAGE_SIZE = {
  incidents: 50,
  alertsV2: 1000,
  defender: 10_000,
} as const;

/** Where log lines go; a pino logger fits. */
export interface DefenderLogger {
  warn(details: Record<string, unknown>, message: string): void;
  debug?(details: Record<string, unknown>, message: string): void;
}

/** Options of `DefenderClient`: endpoints, scopes, credential, retries, timeout, paging bound and logger. */
export interface DefenderClientOptions extends ApiHttpOptions {
  /** Most pages one list may span before it is stopped with a `PagingError`. Default 1000. */
  maxPages?: number;
  logger?: DefenderLogger;
}

type Schema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** A 2xx answer's status and body. */
interface Answer {
  status: number;
  text: string;
}

interface PagedRead<T> {
  api: ApiName;
  path: string;
  params: QueryParams;
  schema: Schema<T>;
  limit?: number;
  headers?: Record<string, string>;
  /** `GET /api/machines` answers 404 when the tenant has no recent devices: that is an empty list. */
  notFoundIsEmpty?: boolean;
  /**
   * The list gives `@odata.count` and takes `$skip` (Graph security lists): once the first page told how many items
   * there are, the other pages are read in parallel instead of one link after the other.
   */
  parallelPages?: boolean;
}

/** Pages of one list in flight at once after its first page (a long list costs two round trips, not one per page). */
export const PARALLEL_PAGES = 2;

const PREFER_UNKNOWN_ENUMS = { Prefer: 'include-unknown-enum-members' };
const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'informational', 'unknown'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INVESTIGATION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const INCIDENT_ID = /^\d{1,20}$/;
const MAX_COMMENT = 2000;

/** The Graph security and Defender for Endpoint API client. */
export class DefenderClient implements DefenderApi {
  private readonly http: ApiHttpClient;
  private readonly endpoints: Readonly<Record<ApiName, string>>;
  private readonly maxPages: number;
  private readonly logger?: DefenderLogger;

  constructor(options: DefenderClientOptions) {
    this.endpoints = {
      graph: endpoint('graphEndpoint', options.graphEndpoint),
      defender: endpoint('defenderEndpoint', options.defenderEndpoint),
    };
    this.maxPages = options.maxPages ?? 1000;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) {
      throw new RangeError(`maxPages must be a positive integer, got ${options.maxPages}`);
    }
    this.logger = options.logger;
    this.http = new ApiHttpClient({
      ...options,
      onRetry:
        options.onRetry ??
        ((info) => this.logger?.warn({ ...info }, `retrying ${info.method} ${new URL(info.url).pathname}`)),
    });
  }

  /** HTTP requests sent to each API since the last reset, retries included (for "digest took N requests"). */
  stats(): RequestStats {
    return this.http.stats();
  }

  /** Sets the request counts back to zero. */
  resetStats(): void {
    this.http.resetStats();
  }

  // ---- Microsoft Graph security v1.0 ------------------------------------------------------------------------

  /** Incidents, newest first, filtered by `query`; alerts included when `expandAlerts`. */
  async listIncidents(query: IncidentQuery = {}): Promise<Incident[]> {
    return collect(this.streamIncidents(query));
  }

  /** Incidents, one page at a time (pages of 50, the most Graph gives; after the first, read in parallel). */
  streamIncidents(query: IncidentQuery = {}): PageStream<Incident> {
    const path = '/v1.0/security/incidents';
    const request: FailedRequest = { api: 'graph', method: 'GET', path };
    if (query.severity !== undefined && !SEVERITIES.includes(query.severity)) {
      throw new InvalidArgumentError({
        ...request,
        argument: 'severity',
        value: query.severity,
        expected: SEVERITIES.join(', '),
      });
    }
    const filter = and(
      query.updatedSince && `lastUpdateDateTime ge ${isoDate(query.updatedSince)}`,
      query.severity && `severity eq ${quote(query.severity)}`,
      query.openOnly && `status ne 'resolved'`,
    );
    return this.pages({
      api: 'graph',
      path,
      params: { $top: PAGE_SIZE.incidents, $filter: filter, $expand: query.expandAlerts ? 'alerts' : undefined },
      schema: incidentSchema,
      limit: query.limit,
      headers: PREFER_UNKNOWN_ENUMS,
      parallelPages: true,
    });
  }

  /** Graph alerts (`alerts_v2`), optionally created at or after `createdSince`. */
  async listAlertsV2(options: ListOptions & { createdSince?: Date } = {}): Promise<GraphAlert[]> {
    return collect(this.streamAlertsV2(options));
  }

  /** Graph alerts (`alerts_v2`), one page at a time (after the first, read in parallel). */
  streamAlertsV2(options: ListOptions & { createdSince?: Date } = {}): PageStream<GraphAlert> {
    const path = '/v1.0/security/alerts_v2';
    const filter = and(options.createdSince && `createdDateTime ge ${isoDate(options.createdSince)}`, options.filter);
    return this.pages({
      api: 'graph',
      path,
      params: { $top: PAGE_SIZE.alertsV2, $filter: filter },
      schema: graphAlertSchema,
      limit: options.limit,
      headers: PREFER_UNKNOWN_ENUMS,
      parallelPages: true,
    });
  }

  // ---- Microsoft Graph security v1.0: incident triage -----------------------------------------------------------

  /** One incident by its id, with its alerts when `expandAlerts`. */
  async getIncident(id: string, options: { expandAlerts?: boolean } = {}): Promise<Incident> {
    const incidentId = this.incidentId(id, '/v1.0/security/incidents/{id}', 'GET');
    const query = queryString({ $expand: options.expandAlerts ? 'alerts' : undefined });
    const url = `${this.endpoints.graph}/v1.0/security/incidents/${encodeURIComponent(incidentId)}${query}`;
    const answer = (await this.getText('graph', url, PREFER_UNKNOWN_ENUMS))!;
    const request = describe('graph', 'GET', url);
    return parseOne(request, parseJson(request, answer.status, answer.text), incidentSchema);
  }

  /** Open incidents (active, in progress, awaiting action) whose `assignedTo` is `assignee`, newest first. */
  async listIncidentsAssignedTo(assignee: string, options: { limit?: number } = {}): Promise<Incident[]> {
    const path = '/v1.0/security/incidents';
    if (typeof assignee !== 'string' || !assignee.trim() || assignee.length > 256) {
      throw new InvalidArgumentError({
        api: 'graph',
        method: 'GET',
        path,
        argument: 'assignee',
        value: assignee,
        expected: 'a user principal name of at most 256 characters',
      });
    }
    const filter = and(
      `assignedTo eq ${quote(assignee)}`,
      or(...OPEN_STATUSES.map((status) => `status eq ${quote(status)}`)),
    );
    return collect(
      this.pages({
        api: 'graph',
        path,
        params: { $top: PAGE_SIZE.incidents, $filter: filter, $expand: 'alerts' },
        schema: incidentSchema,
        limit: options.limit,
        headers: PREFER_UNKNOWN_ENUMS,
        parallelPages: true,
      }),
    );
  }

  /** Changes an incident (owner, status, classification and determination, resolving comment); answers it changed. */
  async updateIncident(id: string, change: IncidentChange): Promise<Incident> {
    const template = '/v1.0/security/incidents/{id}';
    const incidentId = this.incidentId(id, template, 'PATCH');
    const body = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    if (
      (change.classification !== undefined || change.determination !== undefined) &&
      !isValidVerdict(change.classification ?? '', change.determination ?? '')
    ) {
      throw new InvalidArgumentError({
        api: 'graph',
        method: 'PATCH',
        path: template,
        argument: 'classification and determination',
        value: `${change.classification}:${change.determination}`,
        expected: 'a determination that goes with the classification, both given',
      });
    }
    if (Object.keys(body).length === 0) {
      throw new InvalidArgumentError({
        api: 'graph',
        method: 'PATCH',
        path: template,
        argument: 'change',
        value: change,
        expected: 'at least one field to change',
      });
    }
    const path = `/v1.0/security/incidents/${encodeURIComponent(incidentId)}`;
    return this.write('graph', 'PATCH', path, body, incidentSchema);
  }

  /** Adds a comment to an incident; answers the incident's comments. */
  async addIncidentComment(id: string, comment: string): Promise<IncidentComment[]> {
    const template = '/v1.0/security/incidents/{id}/comments';
    const incidentId = this.incidentId(id, template, 'POST');
    const body = {
      '@odata.type': 'microsoft.graph.security.alertComment',
      comment: this.comment(comment, template, 'graph'),
    };
    const path = `/v1.0/security/incidents/${encodeURIComponent(incidentId)}/comments`;
    return this.write('graph', 'POST', path, body, incidentCommentsSchema);
  }

  /** The daily Secure Score records of the last `days` days (1-90), newest first. */
  async listSecureScores(days: number): Promise<SecureScore[]> {
    const path = '/v1.0/security/secureScores';
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      throw new InvalidArgumentError({
        api: 'graph',
        method: 'GET',
        path,
        argument: 'number of days',
        value: days,
        expected: 'a whole number from 1 to 90',
      });
    }
    return collect(this.pages({ api: 'graph', path, params: { $top: days }, schema: secureScoreSchema, limit: days }));
  }

  /** Secure Score improvement actions (control profiles). */
  async listSecureScoreControlProfiles(options: ListOptions = {}): Promise<SecureScoreControlProfile[]> {
    const path = '/v1.0/security/secureScoreControlProfiles';
    return collect(
      this.pages({
        api: 'graph',
        path,
        params: { $filter: options.filter },
        schema: secureScoreControlProfileSchema,
        limit: options.limit,
      }),
    );
  }

  // ---- Defender for Endpoint: devices and alerts --------------------------------------------------------------

  /** Devices; an empty list when the tenant has none seen recently. */
  async listMachines(options: ListOptions = {}): Promise<Machine[]> {
    return collect(this.streamMachines(options));
  }

  /** Devices, one page at a time. */
  streamMachines(options: ListOptions = {}): PageStream<Machine> {
    return this.defenderList('/api/machines', machineSchema, options, { notFoundIsEmpty: true });
  }

  /** One device by its 40-hex id. */
  async getMachine(id: string): Promise<Machine> {
    const machineId = this.machineId(id, '/api/machines/{id}', 'GET');
    return this.getOne('defender', `/api/machines/${encodeURIComponent(machineId)}`, machineSchema);
  }

  /** Alerts raised on one device. */
  async listMachineAlerts(machineId: string): Promise<MdeAlert[]> {
    const id = this.machineId(machineId, '/api/machines/{id}/alerts', 'GET');
    const path = `/api/machines/${encodeURIComponent(id)}/alerts`;
    return collect(this.pages({ api: 'defender', path, params: {}, schema: mdeAlertSchema }));
  }

  /** Defender for Endpoint alerts (carry device and automated-investigation state). */
  async listAlerts(options: ListOptions = {}): Promise<MdeAlert[]> {
    return collect(this.streamAlerts(options));
  }

  /** Defender for Endpoint alerts, one page at a time. */
  streamAlerts(options: ListOptions = {}): PageStream<MdeAlert> {
    return this.defenderList('/api/alerts', mdeAlertSchema, options);
  }

  // ---- Defender for Endpoint: actions and investigations ------------------------------------------------------

  /** Machine actions (scans, isolations, ...), filtered with `options.filter`. */
  async listMachineActions(options: ListOptions = {}): Promise<MachineAction[]> {
    return collect(this.streamMachineActions(options));
  }

  /** Machine actions, one page at a time. */
  streamMachineActions(options: ListOptions = {}): PageStream<MachineAction> {
    return this.defenderList('/api/machineactions', machineActionSchema, options);
  }

  /** One machine action by its GUID (to follow a scan until it ends). */
  async getMachineAction(id: string): Promise<MachineAction> {
    const path = '/api/machineactions/{id}';
    if (typeof id !== 'string' || !GUID.test(id)) {
      throw new InvalidArgumentError({
        api: 'defender',
        method: 'GET',
        path,
        argument: 'machine action id',
        value: id,
        expected: 'a GUID',
      });
    }
    return this.getOne('defender', `/api/machineactions/${encodeURIComponent(id)}`, machineActionSchema);
  }

  /** Starts an antivirus scan on a device; the service answers with the new machine action. */
  async runAntiVirusScan(machineId: string, comment: string, scanType: ScanType): Promise<MachineAction> {
    const template = '/api/machines/{id}/runAntiVirusScan';
    const id = this.machineId(machineId, template, 'POST');
    const body = {
      Comment: this.comment(comment, template),
      ScanType: this.oneOf(scanType, ['Quick', 'Full'], 'scan type', template),
    };
    return this.post(`/api/machines/${encodeURIComponent(id)}/runAntiVirusScan`, body, machineActionSchema);
  }

  /** Starts an automated investigation on a device. */
  async startInvestigation(machineId: string, comment: string): Promise<Investigation> {
    const template = '/api/machines/{id}/startInvestigation';
    const id = this.machineId(machineId, template, 'POST');
    const body = { Comment: this.comment(comment, template) };
    return this.post(`/api/machines/${encodeURIComponent(id)}/startInvestigation`, body, investigationSchema);
  }

  /** Isolates a device from the network. */
  async isolate(machineId: string, comment: string, isolationType: IsolationType): Promise<MachineAction> {
    const template = '/api/machines/{id}/isolate';
    const id = this.machineId(machineId, template, 'POST');
    const body = {
      Comment: this.comment(comment, template),
      IsolationType: this.oneOf(isolationType, ['Full', 'Selective'], 'isolation type', template),
    };
    return this.post(`/api/machines/${encodeURIComponent(id)}/isolate`, body, machineActionSchema);
  }

  /** Releases a device from isolation. */
  async unisolate(machineId: string, comment: string): Promise<MachineAction> {
    const template = '/api/machines/{id}/unisolate';
    const id = this.machineId(machineId, template, 'POST');
    const body = { Comment: this.comment(comment, template) };
    return this.post(`/api/machines/${encodeURIComponent(id)}/unisolate`, body, machineActionSchema);
  }

  /** Automated investigations (filter e.g. `state eq 'PendingApproval'`). */
  async listInvestigations(options: ListOptions = {}): Promise<Investigation[]> {
    return collect(this.defenderList('/api/investigations', investigationSchema, options));
  }

  /** One automated investigation by id. */
  async getInvestigation(id: string): Promise<Investigation> {
    const path = '/api/investigations/{id}';
    if (typeof id !== 'string' || !INVESTIGATION_ID.test(id)) {
      throw new InvalidArgumentError({
        api: 'defender',
        method: 'GET',
        path,
        argument: 'investigation id',
        value: id,
        expected: 'letters, digits, "-" or "_"',
      });
    }
    return this.getOne('defender', `/api/investigations/${encodeURIComponent(id)}`, investigationSchema);
  }

  // ---- Defender for Endpoint: posture -------------------------------------------------------------------------

  /** The exposure score now (the API keeps no history). */
  async getExposureScore(): Promise<ScoreNow> {
    return this.getOne('defender', '/api/exposureScore', scoreNowSchema);
  }

  /** Microsoft Secure Score for Devices now. */
  async getConfigurationScore(): Promise<ScoreNow> {
    return this.getOne('defender', '/api/configurationScore', scoreNowSchema);
  }

  /** Security recommendations. */
  async listRecommendations(options: ListOptions = {}): Promise<Recommendation[]> {
    return collect(this.defenderList('/api/recommendations', recommendationSchema, options));
  }

  /** Remediation tasks (read-only in the API). */
  async listRemediationTasks(options: ListOptions = {}): Promise<RemediationTask[]> {
    return collect(this.defenderList('/api/remediationTasks', remediationTaskSchema, options));
  }

  /** Antivirus health per device. */
  async listDeviceAvInfo(options: ListOptions = {}): Promise<DeviceAvInfo[]> {
    return collect(this.streamDeviceAvInfo(options));
  }

  /** Antivirus health per device, one page at a time. */
  streamDeviceAvInfo(options: ListOptions = {}): PageStream<DeviceAvInfo> {
    return this.defenderList('/api/deviceavinfo', deviceAvInfoSchema, options);
  }

  // ---- plumbing -----------------------------------------------------------------------------------------------

  private defenderList<T>(
    path: string,
    schema: Schema<T>,
    options: ListOptions,
    extra: Pick<PagedRead<T>, 'notFoundIsEmpty'> = {},
  ): AsyncGenerator<T[]> {
    return this.pages({
      api: 'defender',
      path,
      params: { $top: PAGE_SIZE.defender, $filter: options.filter },
      schema,
      limit: options.limit,
      ...extra,
    });
  }

  /** Reads a list page by page; yields each page's valid items, in the order of the list. */
  private async *pages<T>(read: PagedRead<T>): AsyncGenerator<T[]> {
    const limit = limitOf({ api: read.api, method: 'GET', path: read.path }, read.limit) ?? Number.POSITIVE_INFINITY;
    const params = read.parallelPages ? { ...read.params, $count: true } : read.params;
    const url = new URL(this.endpoints[read.api] + read.path + queryString(params)).href;
    const answer = await this.getText(read.api, url, read.headers, read.notFoundIsEmpty);
    if (answer === undefined) return;
    const { items, nextLink, total, pageSize } = this.readPage(describe(read.api, 'GET', url), answer, read.schema);
    const kept = items.length > limit ? items.slice(0, limit) : items;
    if (kept.length > 0) yield kept;
    const remaining = limit - kept.length;
    if (nextLink === undefined || remaining <= 0) return;
    if (read.parallelPages && total !== undefined && pageSize > 0) {
      yield* this.skipPages(read, url, { total, pageSize, remaining });
    } else {
      yield* this.linkedPages(read, url, nextLink, remaining);
    }
  }

  /** The pages after the first, following `@odata.nextLink` one after the other. */
  private async *linkedPages<T>(
    read: PagedRead<T>,
    firstUrl: string,
    firstNext: string,
    limit: number,
  ): AsyncGenerator<T[]> {
    const origin = new URL(this.endpoints[read.api]).origin;
    const seen = new Set<string>([firstUrl]);
    let url = firstUrl;
    let nextLink: string | undefined = firstNext;
    let remaining = limit;
    for (let page = 1; nextLink !== undefined && remaining > 0; page++) {
      const request = describe(read.api, 'GET', url);
      const next: URL = new URL(nextLink, url);
      if (next.origin !== origin) throw new PagingError({ ...request, reason: 'foreign-link', pages: page });
      if (seen.has(next.href)) throw new PagingError({ ...request, reason: 'loop', pages: page });
      if (page >= this.maxPages) throw new PagingError({ ...request, reason: 'page-limit', pages: page });
      url = next.href;
      seen.add(url);
      const answer = (await this.getText(read.api, url, read.headers))!;
      const parsed = this.readPage(describe(read.api, 'GET', url), answer, read.schema);
      const kept = parsed.items.length > remaining ? parsed.items.slice(0, remaining) : parsed.items;
      remaining -= kept.length;
      if (kept.length > 0) yield kept;
      nextLink = parsed.nextLink;
    }
  }

  /**
   * The pages after the first, read `PARALLEL_PAGES` at a time with `$skip` (the first page gave the count and the
   * page size) and yielded in order. A list that changes meanwhile shifts as it does between `nextLink`s, whose
   * `$skip` is the same.
   */
  private async *skipPages<T>(
    read: PagedRead<T>,
    firstUrl: string,
    list: { total: number; pageSize: number; remaining: number },
  ): AsyncGenerator<T[]> {
    const wanted = Math.min(list.total, list.pageSize + list.remaining);
    const pageCount = Math.ceil(wanted / list.pageSize);
    if (pageCount > this.maxPages) {
      throw new PagingError({ ...describe(read.api, 'GET', firstUrl), reason: 'page-limit', pages: this.maxPages });
    }
    const urls: string[] = [];
    for (let page = 1; page < pageCount; page++) {
      const url = new URL(firstUrl);
      url.searchParams.delete('$count');
      url.searchParams.set('$skip', String(page * list.pageSize));
      // URLSearchParams writes spaces as "+"; OData wants "%20" (see `queryString`).
      urls.push(url.href.replace(/\+/g, '%20'));
    }
    const inFlight: Promise<Answer | undefined>[] = [];
    const fetchNext = () => {
      const url = urls[inFlight.length + started];
      if (url === undefined) return;
      const answer = this.getText(read.api, url, read.headers);
      // Awaited in order below; a page that fails while an earlier one is awaited is not an unhandled rejection.
      answer.catch(() => undefined);
      inFlight.push(answer);
    };
    let started = 0;
    for (let i = 0; i < PARALLEL_PAGES; i++) fetchNext();
    let remaining = list.remaining;
    for (const url of urls) {
      const answer = (await inFlight.shift()!)!;
      started++;
      fetchNext();
      const { items } = this.readPage(describe(read.api, 'GET', url), answer, read.schema);
      const kept = items.length > remaining ? items.slice(0, remaining) : items;
      remaining -= kept.length;
      if (kept.length > 0) yield kept;
      if (remaining <= 0) return;
    }
  }

  /**
   * The items of one list page (malformed ones skipped and logged), its next link, the count of the whole list when
   * the answer gives it, and the number of items the page held. Items are parsed one at a time (see `listPage.ts`).
   */
  private readPage<T>(
    request: FailedRequest,
    answer: Answer,
    schema: Schema<T>,
  ): { items: T[]; nextLink?: string; total?: number; pageSize: number } {
    const page = splitListPage(answer.text);
    if (!page) {
      parseJson(request, answer.status, answer.text); // throws when the body is not JSON at all
      throw new DefenderResponseError({ ...request, detail: 'a list answer has no "value" array' });
    }
    if (!page.items) throw new DefenderResponseError({ ...request, detail: 'a list answer has no "value" array' });
    const nextLink = page.envelope['@odata.nextLink'];
    if (nextLink !== undefined && nextLink !== null && typeof nextLink !== 'string') {
      throw new DefenderResponseError({ ...request, detail: '"@odata.nextLink" is not a string' });
    }
    const count = page.envelope['@odata.count'];
    const items: T[] = [];
    page.items.forEach((text, index) => {
      const raw = parseJson(request, answer.status, text);
      const parsed = schema.safeParse(raw);
      if (parsed.success) items.push(parsed.data);
      else {
        const id = isRecord(raw) ? raw.id : undefined;
        this.logger?.warn(
          { api: request.api, path: request.path, index, id, problems: problems(parsed.error) },
          'skipped a malformed item in a list answer',
        );
      }
    });
    return {
      items,
      nextLink: nextLink ?? undefined,
      total: typeof count === 'number' ? count : undefined,
      pageSize: page.items.length,
    };
  }

  private async getOne<T>(api: ApiName, path: string, schema: Schema<T>): Promise<T> {
    const url = this.endpoints[api] + path;
    const body = await this.getJson(api, url);
    return parseOne(describe(api, 'GET', url), body, schema);
  }

  private async post<T>(path: string, body: Record<string, string>, schema: Schema<T>): Promise<T> {
    const url = this.endpoints.defender + path;
    const request = describe('defender', 'POST', url);
    const response = await this.http.send({ api: 'defender', method: 'POST', url, body });
    if (response.status < 200 || response.status > 299) {
      throw errorFromResponse(request, response.status, response.headers, response.text);
    }
    return parseOne(request, parseJson(request, response.status, response.text), schema);
  }

  /** Sends a change (POST or PATCH) and parses the 2xx answer; any other answer is a typed error. */
  private async write<T>(
    api: ApiName,
    method: 'POST' | 'PATCH',
    path: string,
    body: Record<string, unknown>,
    schema: Schema<T>,
  ): Promise<T> {
    const url = this.endpoints[api] + path;
    const request = describe(api, method, url);
    const response = await this.http.send({ api, method, url, body, headers: PREFER_UNKNOWN_ENUMS });
    if (response.status < 200 || response.status > 299) {
      throw errorFromResponse(request, response.status, response.headers, response.text);
    }
    return parseOne(request, parseJson(request, response.status, response.text), schema);
  }

  /** GETs a JSON body. */
  private async getJson(api: ApiName, url: string): Promise<unknown> {
    const answer = (await this.getText(api, url))!;
    return parseJson(describe(api, 'GET', url), answer.status, answer.text);
  }

  /** GETs a 2xx body as text; `undefined` only for an allowed 404 `ResourceNotFound`. */
  private async getText(
    api: ApiName,
    url: string,
    headers?: Record<string, string>,
    notFoundIsEmpty = false,
  ): Promise<Answer | undefined> {
    const request = describe(api, 'GET', url);
    const response = await this.http.send({ api, method: 'GET', url, headers });
    if (response.status < 200 || response.status > 299) {
      const error = errorFromResponse(request, response.status, response.headers, response.text);
      if (notFoundIsEmpty && error.status === 404 && error.code === 'ResourceNotFound') return undefined;
      throw error;
    }
    return { status: response.status, text: response.text };
  }

  private machineId(id: string, template: string, method: 'GET' | 'POST'): string {
    const parsed = typeof id === 'string' ? machineIdSchema.safeParse(id.toLowerCase()) : undefined;
    if (!parsed?.success) {
      throw new InvalidArgumentError({
        api: 'defender',
        method,
        path: template,
        argument: 'device id',
        value: id,
        expected: '40 hexadecimal characters',
      });
    }
    return parsed.data;
  }

  private incidentId(id: string, template: string, method: 'GET' | 'POST' | 'PATCH'): string {
    if (typeof id !== 'string' || !INCIDENT_ID.test(id)) {
      throw new InvalidArgumentError({
        api: 'graph',
        method,
        path: template,
        argument: 'incident id',
        value: id,
        expected: 'digits only',
      });
    }
    return id;
  }

  private comment(comment: string, template: string, api: ApiName = 'defender'): string {
    if (typeof comment !== 'string' || !comment.trim() || comment.length > MAX_COMMENT) {
      throw new InvalidArgumentError({
        api,
        method: 'POST',
        path: template,
        argument: 'comment',
        value: comment,
        expected: `a non-empty text of at most ${MAX_COMMENT} characters`,
      });
    }
    return comment.trim();
  }

  private oneOf<T extends string>(value: T, allowed: readonly T[], argument: string, template: string): T {
    if (!allowed.includes(value)) {
      throw new InvalidArgumentError({
        api: 'defender',
        method: 'POST',
        path: template,
        argument,
        value,
        expected: allowed.join(' or '),
      });
    }
    return value;
  }
}

/** Builds the client from the validated configuration; `overrides` replace any option (tests, the simulated tenant). */
export function createDefenderClient(config: Config, overrides: Partial<DefenderClientOptions> = {}): DefenderClient {
  return new DefenderClient({
    graphEndpoint: config.graphEndpoint,
    defenderEndpoint: config.defenderEndpoint,
    graphScope: config.graphScope,
    defenderScope: config.defenderScope,
    ...overrides,
    credential: 'credential' in overrides ? overrides.credential : createCredential(config),
  });
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) for (const item of page) all.push(item);
  return all;
}

function parseJson(request: FailedRequest, status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const detail = text.trim() ? 'the body is not valid JSON (truncated or not JSON)' : 'the body is empty';
    throw new DefenderResponseError({ ...request, status, detail });
  }
}

function parseOne<T>(request: FailedRequest, body: unknown, schema: Schema<T>): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new DefenderResponseError({ ...request, detail: `unexpected shape: ${problems(parsed.error).join('; ')}` });
  }
  return parsed.data;
}

function problems(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

function describe(api: ApiName, method: string, url: string): FailedRequest {
  return { api, method, path: new URL(url).pathname };
}

function limitOf(request: FailedRequest, limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError({
      ...request,
      argument: 'limit',
      value: limit,
      expected: 'a positive whole number',
    });
  }
  return limit;
}

function endpoint(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${name} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`${name} must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
