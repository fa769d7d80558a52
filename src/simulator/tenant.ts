/**
 * The simulated tenant: seeded data, a clock (real time plus an offset, or an injected clock), what changes as
 * that clock moves (new alerts and incidents arrive every few simulated minutes, actions and investigations
 * progress), the actions the API can take, and the service behaviour knobs (latency, faults, rate limits,
 * request log) the HTTP server applies.
 *
 * Everything that moves is computed lazily from the clock, so there are no timers and a test that injects a
 * clock sees a fully repeatable tenant.
 */
import { parseBehaviour, type ServiceBehaviour } from './behaviour';
import { ALERT_TEMPLATES, GRAPH_SEVERITIES, USERS, type GraphSeverity } from './catalog';
import { ApiError, notFound } from './errors';
import { FaultInjector, type FaultSettings, type FaultState } from './faults';
import { DAY, HOUR, MINUTE, activeActionOf, isActive, isIsolatedAt, planAction } from './lifecycle';
import { Rng, streamId } from './random';
import type {
  ActionRecord,
  ActionType,
  AlertRecord,
  DeviceRecord,
  IncidentRecord,
  InvestigationOutcome,
  InvestigationRecord,
} from './records';
import type { Json, RenderContext } from './render';
import { incidentName, renderGraphAlert, renderIncident, renderMdeAlert } from './renderAlerts';
import { RequestLog, type RequestLogEntry, type RequestStats } from './requestLog';
import { alertId, randomAlertDevices, seedTenant, type SeedFacts, type TenantData } from './seed';

/** The `requestor` of machine actions requested through the API (an app-only token names the app). */
export const API_REQUESTOR = 'Watchstander-simulated-app';

/** `startInvestigation` calls allowed per hour, as documented. */
export const INVESTIGATIONS_PER_HOUR = 50;

/** Optional request quotas (off by default) to exercise throttling. */
export interface RateLimits {
  /** Defender for Endpoint requests per minute (the real quota is 100). */
  defenderPerMinute?: number;
  /** Defender for Endpoint requests per hour (the real quota is 1,500). */
  defenderPerHour?: number;
  /** Microsoft Graph requests per minute (the real security quota is 150). */
  graphPerMinute?: number;
}

/** How to grow and run a simulated tenant. */
export interface TenantOptions {
  /** Seed of every random choice (default 42). */
  seed?: number;
  /** Number of devices (default 25). Alerts, incidents and actions scale with it unless given. */
  devices?: number;
  /** Number of seeded incidents (default 0.3 per alert). */
  incidents?: number;
  /** Number of seeded alerts (default 1.6 per device). */
  alerts?: number;
  /** Number of seeded machine actions (default 0.72 per device). */
  actions?: number;
  /** Seconds a machine action spends Pending and then InProgress (default 20; fractions allowed). */
  actionStepSeconds?: number;
  /** Simulated minutes between two new alerts (default 30; 0 = none arrive). */
  alertIntervalMinutes?: number;
  /** How arriving alerts and incidents evolve: ingestion delay, correlation, merges, resolution. */
  flow?: IncidentFlowOptions;
  /** The clock (epoch ms); default `Date.now`. The tenant clock is this plus `advanceClock` offsets. */
  now?: () => number;
  /** Added latency per API request, in milliseconds (default 0). */
  latencyMs?: number;
  /** Fraction of API requests that get a random fault (default 0). */
  faultRate?: number;
  /** The rest of the fault configuration (kinds, rules, Retry-After). */
  faults?: Omit<FaultSettings, 'rate'>;
  /** Per-minute quotas (default none). */
  rateLimits?: RateLimits;
  /** Entries kept in the request log (default 50,000). */
  requestLogLimit?: number;
  /** How the services leave the happy path (default: every reported behaviour on; see `behaviour.ts`). */
  behaviour?: Partial<ServiceBehaviour>;
}

/**
 * How arriving alerts and incidents behave, as Microsoft's services do (defender-api.md §11.1, §11.2): an alert
 * shows in the APIs some time after its `createdDateTime`, joins an incident after the fact, incidents are merged
 * (`status: redirected`) and resolved later.
 */
export interface IncidentFlowOptions {
  /**
   * Longest ingestion delay in minutes (default 240): an alert becomes visible this long after its
   * `createdDateTime` at most. Most arrive within minutes; a few take hours. 0 = every alert is visible at once.
   */
  ingestionDelayMaxMinutes?: number;
  /** Chance an arriving alert is correlated into a recent open incident instead of a new one (default 0.35). */
  correlationRate?: number;
  /** Chance an arrival also merges two recent open incidents, the newer into the older (default 0.04). */
  mergeRate?: number;
  /** Chance a new incident is resolved later, 2 to 72 hours after it was created (default 0.6). */
  resolveRate?: number;
}

const DEFAULT_FLOW: Required<IncidentFlowOptions> = {
  ingestionDelayMaxMinutes: 240,
  correlationRate: 0.35,
  mergeRate: 0.04,
  resolveRate: 0.6,
};

/** Body of `addIncident` (`POST /_simulator/incidents`). */
export interface NewIncidentInput {
  severity?: GraphSeverity;
  /** Alert title; a known detection title also takes that detection's category and evidence. */
  title?: string;
  /** Device id or name; a random device when omitted. */
  deviceId?: string;
  /** Number of alerts (default 1). */
  alertCount?: number;
  /** `microsoftDefenderForOffice365` raises an email alert with no device. */
  serviceSource?: 'microsoftDefenderForEndpoint' | 'microsoftDefenderForOffice365';
  /**
   * Minutes before now the alerts were created (default 0): the incident shows up now with a `createdDateTime` in
   * the past, as a late-ingested one does.
   */
  createdMinutesAgo?: number;
}

/** Body of `addAlert` (`POST /_simulator/alerts`). */
export interface NewAlertInput extends Omit<NewIncidentInput, 'alertCount'> {
  /** Join this incident (reopening it if resolved); a new incident when omitted. */
  incidentId?: string | number;
}

const SEVERITY_SET: readonly string[] = GRAPH_SEVERITIES;

/** A simulated Microsoft 365 Business Premium tenant (Defender for Business + Graph security). */
export class SimulatedTenant {
  /** The records (internal; read them through the HTTP API or the render functions). */
  readonly data: TenantData;
  /** Fault injection in force. */
  readonly faults: FaultInjector;
  /** Requests received. */
  readonly log: RequestLog;
  /** Milliseconds added to every API request. */
  latencyMs: number;
  /** Per-minute quotas in force. */
  rateLimits: RateLimits;
  /** Reported service behaviours in force (`behaviour.ts`). */
  behaviour: ServiceBehaviour;
  /** Milliseconds a machine action spends in each of Pending and InProgress. */
  readonly actionStepMs: number;
  /** Simulated milliseconds between two arriving alerts (0 = none). */
  readonly alertIntervalMs: number;
  /** How arrivals evolve. */
  readonly flow: Readonly<Required<IncidentFlowOptions>>;

  private readonly clock: () => number;
  private offsetMs = 0;
  private arrivedSlots = 0;
  /** Planned resolutions of arrived incidents, earliest first. */
  private readonly resolutions: { at: number; incident: IncidentRecord }[] = [];
  private readonly alertable: DeviceRecord[];
  private readonly rng: Rng;
  private readonly calls = {
    investigation: [] as number[],
    graph: [] as number[],
    defender: [] as number[],
    defenderHour: [] as number[],
  };

  constructor(options: TenantOptions = {}) {
    this.clock = options.now ?? Date.now;
    const seed = options.seed ?? 42;
    const devices = options.devices ?? 25;
    if (!Number.isInteger(devices) || devices < 1) {
      throw new Error(`devices must be a whole number >= 1, got ${devices}`);
    }
    this.data = seedTenant({
      seed,
      anchor: this.clock(),
      devices,
      alerts: options.alerts,
      incidents: options.incidents,
      actions: options.actions,
    });
    this.actionStepMs = Math.max(1, Math.round((options.actionStepSeconds ?? 20) * 1000));
    this.alertIntervalMs = Math.max(0, options.alertIntervalMinutes ?? 30) * MINUTE;
    this.flow = flowOptions(options.flow);
    this.latencyMs = options.latencyMs ?? 0;
    this.rateLimits = { ...options.rateLimits };
    this.behaviour = parseBehaviour(options.behaviour ?? {});
    this.faults = new FaultInjector(seed, { ...options.faults, rate: options.faultRate ?? 0 });
    this.log = new RequestLog(options.requestLogLimit);
    this.alertable = randomAlertDevices(this.data);
    this.rng = new Rng(seed, streamId('runtime'));
  }

  // ---- clock -------------------------------------------------------------------------------------------------

  /** The tenant clock (epoch ms). */
  now(): number {
    return this.clock() + this.offsetMs;
  }

  /** Moves the tenant clock forward; returns the new time. */
  advanceClock(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new Error(`advanceSeconds must be a number >= 0, got ${seconds}`);
    }
    this.offsetMs += seconds * 1000;
    return this.now();
  }

  /** The seeded facts tests can rely on. */
  get facts(): SeedFacts {
    return this.data.facts;
  }

  /** Render context at the current time. */
  context(): RenderContext {
    return {
      tenantId: this.data.tenantId,
      seed: this.data.seed,
      anchor: this.data.anchor,
      now: this.now(),
      deviceCount: this.data.devices.length,
      nullRate: this.behaviour.nullRate,
    };
  }

  /**
   * Brings the tenant up to the clock: alerts that became visible by now arrive and planned resolutions happen, in
   * time order. Called before every API request.
   */
  sync(): void {
    const now = this.now();
    let due = this.alertIntervalMs > 0 ? Math.floor((now - this.data.anchor) / this.alertIntervalMs) : 0;
    // A jump of years would create millions of alerts; keep the newest 100,000 slots.
    if (due - this.arrivedSlots > 100_000) this.arrivedSlots = due - 100_000;
    for (;;) {
      const arrival =
        this.arrivedSlots < due ? this.data.anchor + (this.arrivedSlots + 1) * this.alertIntervalMs : Infinity;
      const resolution = this.resolutions[0]?.at ?? Infinity;
      if (resolution <= now && resolution <= arrival) this.resolveDue(this.resolutions.shift()!);
      else if (arrival <= now) this.arrive(++this.arrivedSlots);
      else return;
      due = Math.max(due, this.arrivedSlots);
    }
  }

  // ---- lookups -----------------------------------------------------------------------------------------------

  /** A device by id, or by `computerDnsName` (case-insensitive, with or without the domain). */
  findDevice(idOrName: string): DeviceRecord | undefined {
    const key = idOrName.toLowerCase();
    return this.data.devicesById.get(key) ?? this.data.devicesByName.get(key) ?? this.findByShortName(key);
  }

  private findByShortName(key: string): DeviceRecord | undefined {
    if (key.includes('.') || this.data.devices.length > 5000) return undefined;
    return this.data.devices.find((d) => d.name.toLowerCase().split('.')[0] === key);
  }

  // ---- Defender for Endpoint actions -------------------------------------------------------------------------

  /** `POST /api/machines/{id}/runAntiVirusScan|isolate|unisolate`: a new Pending action, or an `ApiError`. */
  requestAction(
    type: 'RunAntiVirusScan' | 'Isolate' | 'Unisolate',
    machineId: string,
    comment: string,
    scope: string,
  ): ActionRecord {
    const now = this.now();
    const device = this.actionableDevice(machineId, type);
    if (type === 'RunAntiVirusScan') {
      if (!device.os.canScan) throw osNotSupported(device);
      if (activeActionOf(device, ['RunAntiVirusScan'], now)) throw alreadyInProgress();
    } else {
      if (!device.os.canIsolate) throw osNotSupported(device);
      if (type === 'Isolate' && scope === 'Selective' && !device.os.canIsolateSelectively) {
        const message = `Selective isolation isn't supported for OS Platform ${device.os.platform} ${device.os.version}`;
        throw new ApiError(400, 'OsPlatformNotSupported', message);
      }
      if (activeActionOf(device, ['Isolate', 'Unisolate'], now)) throw alreadyInProgress();
      const isolated = isIsolatedAt(device, now);
      if (type === 'Isolate' && isolated) {
        throw new ApiError(400, 'ActiveRequestAlreadyExists', `Machine ${device.id} is already isolated`);
      }
      if (type === 'Unisolate' && !isolated) {
        throw new ApiError(400, 'BadRequest', `Machine ${device.id} is not isolated`);
      }
    }
    return this.addAction(device, type, scope, comment, now);
  }

  /** `POST /api/machineactions/{id}/cancel`. */
  cancelAction(actionId: string, comment: string): ActionRecord {
    const action = this.data.actionsById.get(actionId.toLowerCase());
    if (!action) throw notFound('Machine action', actionId);
    const now = this.now();
    if (!isActive(action, now)) {
      throw new ApiError(400, 'BadRequest', `Machine action ${action.id} has already ended and cannot be cancelled`);
    }
    action.cancel = { at: now, by: API_REQUESTOR, comment };
    return action;
  }

  /**
   * `POST /api/machines/{id}/startInvestigation`: counts against the 50-per-hour quota. The investigation finds
   * something to remediate (and waits for approval) when the device has open alerts, else ends Benign.
   */
  startInvestigation(machineId: string): InvestigationRecord {
    const now = this.now();
    const quota = `Maximum allowed ${INVESTIGATIONS_PER_HOUR} per 01:00:00`;
    this.consume('investigation', INVESTIGATIONS_PER_HOUR, HOUR, now, quota);
    const device = this.actionableDevice(machineId, 'StartInvestigation');
    if (!device.os.canInvestigate) throw osNotSupported(device);
    const silent = device.health !== 'Active' && device.health !== 'ImpairedCommunication';
    const openAlerts = (device.alerts ?? []).some((a) => a.status !== 'resolved');
    const outcome: InvestigationOutcome = silent ? 'Failed' : openAlerts ? 'PendingApproval' : 'Benign';
    const inv: InvestigationRecord = {
      id: this.data.nextInvestigationId++,
      device,
      start: now,
      runningMs: silent ? HOUR : 3 * this.actionStepMs,
      outcome,
    };
    this.data.investigations.push(inv);
    this.data.investigationsById.set(inv.id, inv);
    return inv;
  }

  /** Approves or rejects the pending actions of an investigation, as an analyst would in the Action center. */
  decideInvestigation(id: string | number, approved: boolean, by = 'admin@contoso.com'): InvestigationRecord {
    const inv = this.data.investigationsById.get(Number(id));
    if (!inv) throw notFound('Investigation', String(id));
    inv.decision = { approved, at: this.now(), by };
    return inv;
  }

  /** Checks the quotas of an API (per minute, and per hour for Defender); throws 429 when one is exceeded. */
  checkRateLimit(api: 'graph' | 'defender'): void {
    const perHour = api === 'defender' ? this.rateLimits.defenderPerHour : undefined;
    if (perHour !== undefined && perHour > 0) {
      this.consume('defenderHour', perHour, HOUR, this.now(), `Maximum allowed ${perHour} per 01:00:00`);
    }
    const limit = api === 'graph' ? this.rateLimits.graphPerMinute : this.rateLimits.defenderPerMinute;
    if (limit === undefined || limit <= 0) return;
    this.consume(api, limit, MINUTE, this.now(), `Maximum allowed ${limit} per 00:01:00`);
  }

  private consume(
    kind: keyof SimulatedTenant['calls'],
    limit: number,
    windowMs: number,
    now: number,
    what: string,
  ): void {
    const calls = this.calls[kind];
    while (calls.length > 0 && calls[0] <= now - windowMs) calls.shift();
    if (calls.length >= limit) {
      const retryAfter = Math.max(1, Math.ceil((calls[0] + windowMs - now) / 1000));
      const message = `API calls quota exceeded! ${what}. Try again in ${retryAfter} seconds.`;
      throw new ApiError(429, 'TooManyRequests', message, { 'Retry-After': String(retryAfter) });
    }
    calls.push(now);
  }

  private actionableDevice(machineId: string, action: string): DeviceRecord {
    const device = this.data.devicesById.get(machineId.toLowerCase());
    if (!device) throw notFound('Machine', machineId);
    if (device.onboarding !== 'Onboarded') {
      const state = device.onboarding === 'Offboarded' ? 'offboarded' : 'not onboarded';
      const message = `${action} is not allowed on machine ${device.id}: the machine is ${state}`;
      throw new ApiError(403, 'DisallowedOperation', message);
    }
    return device;
  }

  private addAction(
    device: DeviceRecord,
    type: ActionType,
    scope: string | null,
    comment: string,
    now: number,
  ): ActionRecord {
    const action: ActionRecord = {
      id: this.rng.guid(),
      type,
      scope,
      device,
      requestor: API_REQUESTOR,
      requestSource: 'PublicApi',
      comment,
      created: now,
      ...planAction(device, this.actionStepMs),
    };
    this.data.actions.push(action);
    this.data.actionsById.set(action.id, action);
    (device.actions ??= []).push(action);
    return action;
  }

  // ---- arrivals --------------------------------------------------------------------------------------------

  /**
   * The alert that becomes visible at arrival slot `k`, entirely determined by the seed and `k`: it was created some
   * time earlier (the ingestion delay), joins a recent open incident or starts one, and may bring a merge of two
   * incidents with it. Its `lastUpdateDateTime` is its creation time, so a late alert updates its incident "in the
   * past" — the hard case for a client that reads by `lastUpdateDateTime`.
   */
  private arrive(k: number): void {
    const visibleAt = this.data.anchor + k * this.alertIntervalMs;
    const rng = new Rng(this.data.seed, streamId('arrivals'), k);
    const at = Math.max(this.data.anchor, visibleAt - ingestionDelay(rng, this.flow.ingestionDelayMaxMinutes));
    const mail = this.alertable.length === 0 || rng.chance(0.15);
    const template = pickTemplate(rng, mail);
    let incident: IncidentRecord | undefined;
    if (rng.chance(this.flow.correlationRate)) incident = this.recentOpenIncident(visibleAt, mail);
    const first = incident?.alerts[0];
    const device = mail ? undefined : first?.device && rng.chance(0.85) ? first.device : rng.pick(this.alertable);
    const isNew = !incident;
    if (!incident) {
      incident = this.newIncident(at);
      incident.visible = visibleAt;
    }
    const reopened = incident.status === 'resolved';
    const alert = this.newAlert(incident, template, device, at, rng);
    alert.visible = visibleAt;
    // A reopened incident changed now, whenever its late alert was created.
    if (reopened) incident.updated = Math.max(incident.updated, visibleAt);
    if (isNew || reopened) this.planResolution(incident, visibleAt, rng);
    const t = ALERT_TEMPLATES[template];
    const serious = GRAPH_SEVERITIES.indexOf(alert.severity) >= 3;
    if (t.source === 'mde' && device?.os.canInvestigate && serious && rng.chance(0.5)) {
      const outcome = rng.weighted<InvestigationOutcome>([
        ['SuccessfullyRemediated', 35],
        ['PendingApproval', 30],
        ['Benign', 20],
        ['PartiallyRemediated', 10],
        ['Failed', 5],
      ]);
      const inv: InvestigationRecord = {
        id: this.data.nextInvestigationId++,
        device,
        alert,
        start: visibleAt + 2 * MINUTE,
        runningMs: rng.int(30 * MINUTE, 2 * HOUR),
        outcome,
      };
      alert.investigation = inv;
      this.data.investigations.push(inv);
      this.data.investigationsById.set(inv.id, inv);
    }
    if (rng.chance(this.flow.mergeRate)) {
      const pair = this.mergeablePair(visibleAt, mail);
      if (pair) this.merge(pair[1], pair[0], visibleAt);
    }
  }

  /** The most recent incident still open at `at`, of the same kind (mail or device), created within a day. */
  private recentOpenIncident(at: number, mail: boolean): IncidentRecord | undefined {
    return this.recentOpenIncidents(at, mail, 1)[0];
  }

  /** Up to `count` recent open incidents of one kind, newest first. */
  private recentOpenIncidents(at: number, mail: boolean, count: number): IncidentRecord[] {
    const incidents = this.data.incidents;
    const found: IncidentRecord[] = [];
    for (let i = incidents.length - 1; i >= Math.max(0, incidents.length - 20) && found.length < count; i--) {
      const incident = incidents[i];
      if (at - incident.created > DAY) break;
      const isMail = !incident.alerts[0]?.device;
      if (isOpen(incident) && incident.alerts.length > 0 && isMail === mail) found.push(incident);
    }
    return found;
  }

  /** Two recent open incidents of one kind that Defender could correlate: [older, newer]. */
  private mergeablePair(at: number, mail: boolean): [IncidentRecord, IncidentRecord] | undefined {
    const [newer, older] = this.recentOpenIncidents(at, mail, 2);
    return newer && older ? [older, newer] : undefined;
  }

  /**
   * Merges `from` into `into` at `at`, as Defender does when it correlates incidents after the fact: `from` becomes
   * `redirected` (pointing at `into`) and keeps no alerts; `into` takes them and is updated.
   */
  merge(from: IncidentRecord, into: IncidentRecord, at = this.now()): void {
    if (from === into) throw new ApiError(400, 'BadRequest', 'An incident cannot be merged into itself');
    if (!isOpen(from) || into.status === 'redirected') {
      throw new ApiError(400, 'BadRequest', `Incident ${from.id} cannot be merged into incident ${into.id}`);
    }
    from.nameBeforeMerge = incidentName(from);
    for (const alert of from.alerts) {
      alert.incident = into;
      into.alerts.push(alert);
    }
    from.alerts = [];
    from.status = 'redirected';
    from.redirectTo = into;
    from.updated = at;
    if (into.status === 'resolved') into.status = 'active';
    into.updated = Math.max(into.updated, at);
  }

  /** With `resolveRate`, plans the resolution of an (arrived or reopened) incident 2 to 72 hours after `from`. */
  private planResolution(incident: IncidentRecord, from: number, rng: Rng): void {
    if (!rng.chance(this.flow.resolveRate)) return;
    const at = from + rng.int(2 * HOUR, 72 * HOUR);
    const list = this.resolutions;
    let i = list.length;
    while (i > 0 && list[i - 1].at > at) i--;
    list.splice(i, 0, { at, incident });
  }

  /** A planned resolution comes due: an analyst resolves the incident and its alerts (unless it was merged away). */
  private resolveDue({ at, incident }: { at: number; incident: IncidentRecord }): void {
    if (!isOpen(incident)) return;
    incident.status = 'resolved';
    incident.classification = 'truePositive';
    incident.determination = 'malware';
    incident.updated = Math.max(incident.updated, at);
    for (const alert of incident.alerts) {
      if (alert.status === 'resolved') continue;
      alert.status = 'resolved';
      alert.resolved = at;
      alert.lastUpdate = Math.max(alert.lastUpdate, at);
    }
  }

  private newIncident(at: number): IncidentRecord {
    const incident: IncidentRecord = {
      id: this.data.nextIncidentId++,
      created: at,
      updated: at,
      status: 'active',
      assignedTo: null,
      classification: 'unknown',
      determination: 'unknown',
      tags: [],
      alerts: [],
    };
    this.data.incidents.push(incident);
    this.data.incidentsById.set(incident.id, incident);
    return incident;
  }

  private newAlert(
    incident: IncidentRecord,
    template: number,
    device: DeviceRecord | undefined,
    at: number,
    rng: Rng,
    overrides: { title?: string; severity?: GraphSeverity } = {},
  ): AlertRecord {
    const t = ALERT_TEMPLATES[template];
    const alert: AlertRecord = {
      id: alertId(t.source, at, rng),
      template: t,
      title: overrides.title ?? t.title,
      severity: overrides.severity ?? t.severity,
      device,
      user: device?.user ?? rng.int(0, USERS.length - 1),
      incident,
      created: at,
      firstActivity: at - rng.int(MINUTE, 15 * MINUTE),
      lastUpdate: at,
      status: 'new',
      assignedTo: null,
      classification: 'unknown',
      determination: 'unknown',
    };
    incident.alerts.push(alert);
    if (incident.status === 'resolved') {
      incident.status = 'active';
      incident.classification = 'unknown';
      incident.determination = 'unknown';
    }
    incident.updated = Math.max(incident.updated, at);
    this.data.alerts.push(alert);
    this.data.alertsById.set(alert.id, alert);
    this.data.nextAlertSeq++;
    if (device) (device.alerts ??= []).push(alert);
    return alert;
  }

  // ---- admin: new incidents and alerts -----------------------------------------------------------------------

  /** Raises a new incident now, with `alertCount` alerts; returns it as Graph renders it (alerts expanded). */
  addIncident(input: NewIncidentInput = {}): Json {
    this.sync();
    const count = input.alertCount ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 100) {
      throw new ApiError(400, 'BadRequest', 'alertCount must be 1-100');
    }
    const ago = input.createdMinutesAgo ?? 0;
    if (typeof ago !== 'number' || !(ago >= 0 && ago <= 30 * 24 * 60)) {
      throw new ApiError(400, 'BadRequest', 'createdMinutesAgo must be 0-43200');
    }
    const created = this.now() - Math.round(ago * MINUTE);
    const incident = this.newIncident(created);
    incident.visible = this.now();
    for (let i = 0; i < count; i++) this.adminAlert(incident, input, created).visible = this.now();
    return renderIncident(incident, this.context(), true);
  }

  /** Raises a new alert now (in a new incident unless `incidentId` is given); returns its Graph and MDE forms. */
  addAlert(input: NewAlertInput = {}): { alert: Json; mdeAlert: Json | null } {
    this.sync();
    const now = this.now();
    let incident: IncidentRecord | undefined;
    if (input.incidentId !== undefined) {
      incident = this.data.incidentsById.get(Number(input.incidentId));
      if (!incident) throw notFound('Incident', String(input.incidentId));
    }
    const alert = this.adminAlert(incident ?? this.newIncident(now), input, now);
    const ctx = this.context();
    return { alert: renderGraphAlert(alert, ctx), mdeAlert: alert.device ? renderMdeAlert(alert, ctx) : null };
  }

  private adminAlert(incident: IncidentRecord, input: NewIncidentInput, now: number): AlertRecord {
    if (input.severity !== undefined && !SEVERITY_SET.includes(input.severity)) {
      throw new ApiError(400, 'BadRequest', `severity must be one of ${GRAPH_SEVERITIES.join(', ')}`);
    }
    const rng = new Rng(this.data.seed, streamId('admin'), this.data.nextAlertSeq);
    const mail = input.serviceSource === 'microsoftDefenderForOffice365';
    let device: DeviceRecord | undefined;
    if (!mail) {
      if (input.deviceId !== undefined) {
        device = this.findDevice(input.deviceId);
        if (!device) throw notFound('Machine', input.deviceId);
      } else if (this.alertable.length > 0) {
        device = rng.pick(this.alertable);
      }
    }
    const known = input.title !== undefined ? ALERT_TEMPLATES.findIndex((t) => t.title === input.title) : -1;
    const template = known >= 0 ? known : pickTemplate(rng, !device);
    // An email detection has no device, whatever the input says.
    const on = ALERT_TEMPLATES[template].source === 'mdo' ? undefined : device;
    return this.newAlert(incident, template, on, now, rng, { title: input.title, severity: input.severity });
  }

  // ---- service behaviour -------------------------------------------------------------------------------------

  /** Replaces the fault configuration. */
  setFaults(settings: FaultSettings): FaultState {
    this.faults.configure(settings);
    return this.faults.state();
  }

  /** Turns every fault off. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Sets the added latency per API request. */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a number of milliseconds >= 0, got ${ms}`);
    this.latencyMs = ms;
  }

  /** Changes the given service behaviours (the others stay); returns them all. */
  setBehaviour(changes: Partial<ServiceBehaviour>): ServiceBehaviour {
    this.behaviour = parseBehaviour(changes, this.behaviour);
    return this.behaviour;
  }

  /** Sets (replaces) the per-minute quotas. */
  setRateLimits(limits: RateLimits): void {
    this.rateLimits = { ...limits };
    this.calls.graph = [];
    this.calls.defender = [];
  }

  /** The requests received (newest `requestLogLimit`), oldest first. */
  requestLog(): RequestLogEntry[] {
    return this.log.entries();
  }

  /** Forgets the request log and counters. */
  resetLog(): void {
    this.log.reset();
  }

  /** Request counters. */
  stats(): RequestStats {
    return this.log.stats();
  }
}

/** Merges incident `fromId` into `intoId` now (`POST /_simulator/incidents/{id}/merge`). */
export function mergeIncidents(tenant: SimulatedTenant, fromId: string | number, intoId: string | number): Json {
  tenant.sync();
  const from = tenant.data.incidentsById.get(Number(fromId));
  if (!from) throw notFound('Incident', String(fromId));
  const into = tenant.data.incidentsById.get(Number(intoId));
  if (!into) throw notFound('Incident', String(intoId));
  tenant.merge(from, into);
  return renderIncident(from, tenant.context(), false);
}

function isOpen(incident: IncidentRecord): boolean {
  return incident.status === 'active' || incident.status === 'inProgress';
}

/**
 * An ingestion delay in ms: half within 2 minutes, 30 % within half an hour, 15 % up to half the maximum, 5 % up
 * to the maximum (defender-api.md §11.1: the services give no bound; SIEM connectors see minutes to hours).
 */
function ingestionDelay(rng: Rng, maxMinutes: number): number {
  if (maxMinutes <= 0) return 0;
  const max = maxMinutes * MINUTE;
  const band = rng.weighted<[number, number]>([
    [[0, 2 * MINUTE], 50],
    [[2 * MINUTE, 30 * MINUTE], 30],
    [[30 * MINUTE, max / 2], 15],
    [[max / 2, max], 5],
  ]);
  const [low, high] = [Math.min(band[0], max), Math.min(band[1], max)];
  return Math.round(rng.between(low, Math.max(low, high)));
}

function flowOptions(options: IncidentFlowOptions = {}): Required<IncidentFlowOptions> {
  const flow = { ...DEFAULT_FLOW, ...definedOnly(options) };
  const rate = (name: keyof IncidentFlowOptions) => {
    const v = flow[name];
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`flow.${name} must be 0-1, got ${v}`);
  };
  rate('correlationRate');
  rate('mergeRate');
  rate('resolveRate');
  const max = flow.ingestionDelayMaxMinutes;
  if (!(typeof max === 'number' && max >= 0 && max <= 7 * 24 * 60)) {
    throw new Error(`flow.ingestionDelayMaxMinutes must be 0-10080, got ${max}`);
  }
  return flow;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function pickTemplate(rng: Rng, mail: boolean): number {
  for (;;) {
    const i = rng.int(0, ALERT_TEMPLATES.length - 1);
    if ((ALERT_TEMPLATES[i].source === 'mdo') === mail) return i;
  }
}

function osNotSupported(device: DeviceRecord): ApiError {
  const message = `OS Platform ${device.os.platform} isn't supported for this action`;
  return new ApiError(400, 'OsPlatformNotSupported', message);
}

/** A repeat while one runs: the run-av-scan page documents HTTP 400 "Action is already in progress", not a code. */
function alreadyInProgress(): ApiError {
  return new ApiError(400, 'BadRequest', 'Action is already in progress');
}
