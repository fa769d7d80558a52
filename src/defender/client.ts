/**
 * `DefenderClient`: the one implementation of `DefenderApi`, over Microsoft Graph security v1.0 and the Defender for
 * Endpoint API. The same code talks to the live services and to anything that serves their REST shapes.
 *
 * Lists are read whole as each API allows (`paging.ts`: `$top` + `$skip` for Defender for Endpoint, next links with
 * a count-checked `$skip` speed-up for Graph); a list that cannot be read whole ends with a `PagingError` after the
 * pages that were read. Every object is parsed with its schema from `models.ts`, and a malformed item in a list is
 * skipped and logged so one corrupt record does not cost the whole section. The answer to a POST is parsed leniently:
 * a 201 is a started action even when a field it shows came back null. Ids are validated before any URL is built, so
 * a tampered card payload never reaches the API.
 */
import type { Config } from '../config';
import type { ApiName, DefenderApi, IncidentQuery, IsolationType, ListOptions, PageStream, ScanType } from './api';
import { createCredential } from './credentials';
import {
  DefenderApiError,
  DefenderResponseError,
  errorFromResponse,
  InvalidArgumentError,
  type FailedRequest,
} from './errors';
import { ApiHttpClient, type ApiHttpOptions } from './http';
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
  OPEN_INCIDENT_STATUSES,
  postedActionSchema,
  postedInvestigationSchema,
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
  type MachineActionType,
  type MdeAlert,
  type PostedAction,
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
import { and, isoDate, or, queryString, quote } from './odata';
import {
  defenderPages,
  describe,
  graphPages,
  parseJson,
  problems,
  Workarounds,
  type Answer,
  type PagedRead,
  type PageSource,
  type Schema,
} from './paging';

export type { RetryInfo, RetryOptions } from './http';
export type { RequestStats } from './middleware';
export { PARALLEL_PAGES } from './paging';

/**
 * The largest `$top` each list endpoint accepts (docs/service-behaviour.md §3, §4); the client always asks for a full
 * page.
 */
export const PAGE_SIZE = {
  incidents: 50,
  alertsV2: 1000,
  defender: 10_000,
} as const;

/** Graph security lists take `$skip` up to 500 ("Microsoft Graph Security API error responses", Constraints). */
export const GRAPH_MAX_SKIP = 500;

/** Where log lines go; a pino logger fits. */
export interface DefenderLogger {
  warn(details: Record<string, unknown>, message: string): void;
  debug?(details: Record<string, unknown>, message: string): void;
}

/** Options of `DefenderClient`: endpoints, scopes, credential, retries, timeout, paging bound and logger. */
export interface DefenderClientOptions extends ApiHttpOptions {
  /** Most pages one list may span before it is stopped with a `PagingError`. Default 1000. */
  maxPages?: number;
  /** How long a refused request shape (`$skip` past the limit, `$expand` with `$filter`) is avoided. Default 6 h. */
  workaroundHours?: number;
  logger?: DefenderLogger;
  /** The clock (epoch ms), for the POST answers filled in and the workarounds' expiry. */
  now?: () => number;
}

const PREFER_UNKNOWN_ENUMS = { Prefer: 'include-unknown-enum-members' };
/** Incidents without any alert found are read one by one with their alerts, a few at a time. */
const SINGLE_INCIDENT_READS = 4;
/** Incidents whose alerts one `alerts_v2` read covers when `$expand` is given up (ten pages of incidents). */
const INCIDENTS_PER_ALERT_READ = 500;

/** Alerts read for incidents not listed yet, by incident id, and the creation time down to which alerts were read. */
interface AlertGrouping {
  pending: Map<string, GraphAlert[]>;
  coveredSince?: number;
}
const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'informational', 'unknown'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INVESTIGATION_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Graph incident ids are numbers written as strings. */
const INCIDENT_ID = /^\d{1,20}$/;
const MAX_COMMENT = 2000;

/** The Graph security and Defender for Endpoint API client. */
export class DefenderClient implements DefenderApi {
  private readonly http: ApiHttpClient;
  private readonly endpoints: Readonly<Record<ApiName, string>>;
  private readonly maxPages: number;
  private readonly logger?: DefenderLogger;
  private readonly now: () => number;
  private readonly workarounds: Workarounds;

  constructor(options: DefenderClientOptions) {
    this.endpoints = {
      graph: endpoint('graphEndpoint', options.graphEndpoint),
      defender: endpoint('defenderEndpoint', options.defenderEndpoint),
    };
    this.maxPages = options.maxPages ?? 1000;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) {
      throw new RangeError(`maxPages must be a positive integer, got ${options.maxPages}`);
    }
    const hours = options.workaroundHours ?? 6;
    if (!(hours >= 0)) throw new RangeError(`workaroundHours must be >= 0, got ${options.workaroundHours}`);
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.workarounds = new Workarounds(hours * 3_600_000, this.now);
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

  /**
   * Incidents, one page at a time (pages of 50, the most Graph gives). With `expandAlerts` and a filter, a 500 on
   * `$expand=alerts` (reported on large tenants, docs/service-behaviour.md §5) switches to `incidentsThenAlerts`.
   */
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
      // Open is active, in progress or awaiting action: never resolved, never merged away (redirected).
      query.openOnly && or(...OPEN_INCIDENT_STATUSES.map((status) => `status eq ${quote(status)}`)),
    );
    const read: PagedRead<Incident> = {
      api: 'graph',
      path,
      params: { $top: PAGE_SIZE.incidents, $filter: filter },
      schema: incidentSchema,
      limit: query.limit,
      headers: PREFER_UNKNOWN_ENUMS,
      parallelPages: true,
      maxSkip: GRAPH_MAX_SKIP,
    };
    if (!query.expandAlerts) return this.pages(read);
    if (filter === undefined) return this.pages({ ...read, params: { ...read.params, $expand: 'alerts' } });
    return this.incidentsExpanded(read);
  }

  /** Incidents with `$expand=alerts`, or without it and their alerts read apart once Graph answered 500 to it. */
  private async *incidentsExpanded(read: PagedRead<Incident>): AsyncGenerator<Incident[]> {
    if (this.workarounds.active('expand', read.path)) return yield* this.incidentsThenAlerts(read);
    const pages = this.pages({ ...read, params: { ...read.params, $expand: 'alerts' } });
    let first: IteratorResult<Incident[]>;
    try {
      first = await pages.next();
    } catch (error) {
      if (!(error instanceof DefenderApiError) || error.status !== 500) throw error;
      this.workarounds.remember('expand', read.path);
      this.logger?.warn(
        { path: read.path, err: error.message },
        '$expand=alerts with $filter failed; alerts read apart',
      );
      return yield* this.incidentsThenAlerts(read);
    }
    if (first.done) return;
    yield first.value;
    yield* pages;
  }

  /**
   * Incidents without `$expand`, each given its alerts from `alerts_v2`. Graph documents no `incidentId` filter on
   * `alerts_v2`, and an incident's alerts are created at or after the incident, so the alerts created since the
   * oldest incident listed are read once and grouped by `incidentId`: the incidents are taken
   * `INCIDENTS_PER_ALERT_READ` at a time, and each batch reads only the part of that range the batches before it did
   * not (the list is newest first, so the range grows downwards). An open incident left with no alert at all is read
   * alone with `$expand=alerts` (no `$filter`). Cost: the incident pages, the `alerts_v2` pages of that range (1,000
   * alerts a page) in one read per batch, and one request per such incident.
   */
  private async *incidentsThenAlerts(read: PagedRead<Incident>): AsyncGenerator<Incident[]> {
    const grouping: AlertGrouping = { pending: new Map() };
    let batch: Incident[][] = [];
    let held = 0;
    try {
      for await (const page of this.pages(read)) {
        batch.push(page);
        held += page.length;
        if (held < INCIDENTS_PER_ALERT_READ) continue;
        yield* this.withAlerts(batch, grouping);
        batch = [];
        held = 0;
      }
    } catch (error) {
      // The pages read before the list failed still get their alerts: the caller shows them as an incomplete list.
      yield* this.withAlerts(batch, grouping);
      throw error;
    }
    yield* this.withAlerts(batch, grouping);
  }

  /** The pages of a batch with their alerts (see `incidentsThenAlerts`). */
  private async *withAlerts(batch: Incident[][], grouping: AlertGrouping): AsyncGenerator<Incident[]> {
    const times = batch.flat().map((i) => Date.parse(i.createdDateTime));
    const oldest = Math.min(...times.filter((t) => !Number.isNaN(t)));
    if (Number.isFinite(oldest) && (grouping.coveredSince === undefined || oldest < grouping.coveredSince)) {
      const filter = and(
        `createdDateTime ge ${isoDate(new Date(oldest))}`,
        grouping.coveredSince !== undefined && `createdDateTime lt ${isoDate(new Date(grouping.coveredSince))}`,
      );
      for await (const alerts of this.streamAlertsV2({ filter })) {
        for (const alert of alerts) {
          if (!alert.incidentId) continue;
          const list = grouping.pending.get(alert.incidentId);
          if (list) list.push(alert);
          else grouping.pending.set(alert.incidentId, [alert]);
        }
      }
      grouping.coveredSince = oldest;
    }
    for (const page of batch) {
      const withAlerts = page.map((incident) => {
        const alerts = grouping.pending.get(incident.id) ?? [];
        grouping.pending.delete(incident.id);
        return { ...incident, alerts };
      });
      const alone = withAlerts.filter((i) => i.alerts.length === 0 && i.status !== 'redirected');
      for (let i = 0; i < alone.length; i += SINGLE_INCIDENT_READS) {
        await Promise.all(
          alone.slice(i, i + SINGLE_INCIDENT_READS).map(async (incident) => {
            incident.alerts = (await this.getIncident(incident.id, { expandAlerts: true })).alerts ?? [];
          }),
        );
      }
      yield withAlerts;
    }
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
      maxSkip: GRAPH_MAX_SKIP,
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
    // Its page documents no query options: the whole list comes, with next links if the service pages it.
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
    return this.postAction(`/api/machines/${encodeURIComponent(id)}/runAntiVirusScan`, body, {
      type: 'RunAntiVirusScan',
      scope: scanType,
      machineId: id,
    });
  }

  /** Starts an automated investigation on a device. */
  async startInvestigation(machineId: string, comment: string): Promise<Investigation> {
    const template = '/api/machines/{id}/startInvestigation';
    const id = this.machineId(machineId, template, 'POST');
    const body = { Comment: this.comment(comment, template) };
    const posted = await this.post(
      `/api/machines/${encodeURIComponent(id)}/startInvestigation`,
      body,
      postedInvestigationSchema,
    );
    return { ...posted, state: posted.state ?? '', machineId: posted.machineId ?? id };
  }

  /** Isolates a device from the network. */
  async isolate(machineId: string, comment: string, isolationType: IsolationType): Promise<MachineAction> {
    const template = '/api/machines/{id}/isolate';
    const id = this.machineId(machineId, template, 'POST');
    const body = {
      Comment: this.comment(comment, template),
      IsolationType: this.oneOf(isolationType, ['Full', 'Selective'], 'isolation type', template),
    };
    return this.postAction(`/api/machines/${encodeURIComponent(id)}/isolate`, body, {
      type: 'Isolate',
      scope: isolationType,
      machineId: id,
    });
  }

  /** Releases a device from isolation. */
  async unisolate(machineId: string, comment: string): Promise<MachineAction> {
    const template = '/api/machines/{id}/unisolate';
    const id = this.machineId(machineId, template, 'POST');
    const body = { Comment: this.comment(comment, template) };
    return this.postAction(`/api/machines/${encodeURIComponent(id)}/unisolate`, body, {
      type: 'Unisolate',
      machineId: id,
    });
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
    // One row per device and antivirus state, all with the device's id (docs/service-behaviour.md §12).
    return this.defenderList('/api/deviceavinfo', deviceAvInfoSchema, options, { rowsShareIds: true });
  }

  // ---- plumbing -----------------------------------------------------------------------------------------------

  private defenderList<T>(
    path: string,
    schema: Schema<T>,
    options: ListOptions,
    extra: Pick<PagedRead<T>, 'notFoundIsEmpty' | 'rowsShareIds'> = {},
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

  /** Reads a list page by page as its API pages (see `paging.ts`); yields each page's valid, new items in order. */
  private pages<T>(read: PagedRead<T>): AsyncGenerator<T[]> {
    limitOf({ api: read.api, method: 'GET', path: read.path }, read.limit);
    const params = read.parallelPages ? { ...read.params, $count: true } : read.params;
    const url = new URL(this.endpoints[read.api] + read.path + queryString(params)).href;
    const source: PageSource = {
      get: (api, pageUrl, headers, notFoundIsEmpty) => this.getText(api, pageUrl, headers, notFoundIsEmpty),
      origin: (api) => new URL(this.endpoints[api]).origin,
      maxPages: this.maxPages,
      workarounds: this.workarounds,
      logger: this.logger,
    };
    return read.api === 'defender' ? defenderPages(source, read, url) : graphPages(source, read, url);
  }

  private async getOne<T>(api: ApiName, path: string, schema: Schema<T>, headers?: Record<string, string>): Promise<T> {
    const url = this.endpoints[api] + path;
    const answer = (await this.getText(api, url, headers))!;
    const body = parseJson(describe(api, 'GET', url), answer.status, answer.text);
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

  /**
   * POSTs a machine action and completes its answer from the request: a new action is `Pending`, created now, on the
   * device it was asked for, whatever of that the answer left null.
   */
  private async postAction(
    path: string,
    body: Record<string, string>,
    asked: { type: MachineActionType; scope?: string; machineId: string },
  ): Promise<MachineAction> {
    const posted: PostedAction = await this.post(path, body, postedActionSchema);
    const created = posted.creationDateTimeUtc ?? new Date(this.now()).toISOString();
    return {
      id: posted.id,
      type: posted.type ?? asked.type,
      scope: posted.scope ?? asked.scope,
      status: posted.status ?? 'Pending',
      requestor: posted.requestor,
      requestorComment: posted.requestorComment,
      machineId: posted.machineId ?? asked.machineId,
      computerDnsName: posted.computerDnsName,
      creationDateTimeUtc: created,
      lastUpdateDateTimeUtc: posted.lastUpdateDateTimeUtc ?? posted.lastUpdateTimeUtc ?? created,
      title: posted.title,
    };
  }

  /** GETs a 2xx body as text; `undefined` only for the allowed 404 of an empty device list. */
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
      // "If there are no recent machines, you see 404 Not Found"; the error table names both codes (§11.8).
      const noDevices = error.status === 404 && (error.code === 'ResourceNotFound' || error.code === 'NotFound');
      if (notFoundIsEmpty && noDevices) return undefined;
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

function parseOne<T>(request: FailedRequest, body: unknown, schema: Schema<T>): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new DefenderResponseError({ ...request, detail: `unexpected shape: ${problems(parsed.error).join('; ')}` });
  }
  return parsed.data;
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
