/**
 * Grows the simulated business from a seed: devices, incidents and alerts, investigations, machine actions,
 * recommendations and remediation tasks, all placed in time relative to the tenant's first instant (`anchor`).
 *
 * The first devices are a fixed cast with known roles (a workstation with an investigation awaiting approval,
 * an offline laptop with a stuck scan, an isolated laptop, a Mac, an iPhone, an offboarded kiosk…) so tests and
 * demos can rely on them; any further devices, alerts and incidents are drawn from the seed. Ten thousand
 * devices take a few tens of milliseconds.
 */
import {
  ALERT_TEMPLATES,
  ANALYSTS,
  DEPARTMENTS,
  DNS_SUFFIX,
  GRAPH_SEVERITIES,
  HOSTILE_TITLE,
  OS,
  RECOMMENDATIONS,
  REMEDIATION_TASKS,
  USERS,
  templateIndex,
  type AlertTemplate,
  type GraphSeverity,
} from './catalog';
import { DAY, HOUR, MINUTE } from './lifecycle';
import { Rng, flat, streamId } from './random';
import type {
  ActionRecord,
  ActionType,
  AlertRecord,
  AlertStatus,
  DeviceRecord,
  FinalActionStatus,
  HealthStatus,
  IncidentRecord,
  IncidentStatus,
  InvestigationOutcome,
  InvestigationRecord,
  OnboardingStatus,
  RecommendationRecord,
  RemediationTaskRecord,
} from './records';

/** Roles of the fixed cast of devices. */
export type DeviceRole =
  | 'pendingApprovalWorkstation'
  | 'pendingApprovalServer'
  | 'pendingAction'
  | 'unsupportedOs'
  | 'offboarded'
  | 'mobile'
  | 'isolated'
  | 'inProgressAction'
  | 'preventedMalware'
  | 'hostileTitle'
  | 'linux'
  | 'investigationUnsupported'
  | 'notOnboarded'
  | 'domainController';

/** What tests and demos can rely on in a seeded tenant (each role exists when the tenant has enough devices). */
export interface SeedFacts {
  tenantId: string;
  /** Devices by role: name (`computerDnsName`) and id. */
  devices: Partial<Record<DeviceRole, { id: string; name: string }>>;
  /** Seeded investigations in `PendingApproval` (ids). */
  pendingApprovalInvestigationIds: string[];
  /** The seeded action that stays `Pending` for 7 days (the device is offline), if seeded. */
  pendingActionId?: string;
  /** The seeded action that stays `InProgress` for 7 days (the device lost connectivity), if seeded. */
  inProgressActionId?: string;
  /** The alert whose title looks like markdown/HTML, if seeded. */
  hostileAlertId?: string;
}

/** Sizes and seed of a tenant. */
export interface SeedOptions {
  seed: number;
  /** The tenant's first instant (epoch ms); seeded history lies before it. */
  anchor: number;
  devices: number;
  /** Default: 1.6 per device. */
  alerts?: number;
  /** Default: 0.3 per alert; never more than alerts. */
  incidents?: number;
  /** Default: 0.72 per device (the cast's own actions come first). */
  actions?: number;
}

/** Everything the simulated tenant holds. Lists are ordered oldest first. */
export interface TenantData {
  seed: number;
  tenantId: string;
  anchor: number;
  devices: DeviceRecord[];
  devicesById: Map<string, DeviceRecord>;
  devicesByName: Map<string, DeviceRecord>;
  incidents: IncidentRecord[];
  incidentsById: Map<number, IncidentRecord>;
  alerts: AlertRecord[];
  alertsById: Map<string, AlertRecord>;
  investigations: InvestigationRecord[];
  investigationsById: Map<number, InvestigationRecord>;
  actions: ActionRecord[];
  actionsById: Map<string, ActionRecord>;
  recommendations: RecommendationRecord[];
  remediationTasks: RemediationTaskRecord[];
  nextIncidentId: number;
  nextInvestigationId: number;
  nextAlertSeq: number;
  facts: SeedFacts;
}

interface CastMember {
  role?: DeviceRole;
  name: string;
  os: keyof typeof OS;
  health?: HealthStatus;
  onboarding?: OnboardingStatus;
  silentDays?: number;
  group?: number;
  value?: DeviceRecord['value'];
  tags?: string[];
  user?: number;
  signatureLagDays?: number;
  quickScanFailed?: boolean;
  fullScanFailed?: boolean;
}

const d = (name: string): string => `${name}.${DNS_SUFFIX}`;

/** The fixed cast, most important first so small tenants keep the roles tests use most. */
const CAST: readonly CastMember[] = [
  { role: 'pendingApprovalWorkstation', name: d('FIN-LT-014'), os: 'Windows11', user: 7 },
  { role: 'pendingApprovalServer', name: d('SRV-FILE01'), os: 'WindowsServer2019', group: 1, value: 'High' },
  {
    role: 'pendingAction',
    name: d('SALES-LT-022'),
    os: 'Windows10',
    health: 'Inactive',
    silentDays: 8,
    signatureLagDays: 8,
    user: 4,
  },
  { role: 'unsupportedOs', name: d('design-mbp-02'), os: 'macOS', user: 2 },
  {
    role: 'offboarded',
    name: d('KIOSK-PC01'),
    os: 'Windows10',
    health: 'Inactive',
    onboarding: 'Offboarded',
    silentDays: 41,
    signatureLagDays: 41,
  },
  { role: 'mobile', name: 'megans-iphone', os: 'iOS', group: 2, user: 1 },
  { role: 'isolated', name: d('HR-LT-007'), os: 'Windows11', user: 13 },
  {
    role: 'inProgressAction',
    name: d('WAREHOUSE-PC01'),
    os: 'Windows10',
    health: 'ImpairedCommunication',
    silentDays: 1,
  },
  { role: 'preventedMalware', name: d('RECEPTION-PC'), os: 'Windows10', user: 15 },
  { role: 'hostileTitle', name: d('MKT-LT-004'), os: 'Windows11', user: 11 },
  { role: 'linux', name: d('srv-web01'), os: 'Linux', group: 1 },
  { role: 'investigationUnsupported', name: d('SRV-APP01'), os: 'WindowsServer2016', group: 1 },
  {
    role: 'notOnboarded',
    name: d('CONF-ROOM-PC'),
    os: 'Windows10',
    health: 'Unknown',
    onboarding: 'CanBeOnboarded',
    silentDays: 2,
    group: 3,
  },
  { role: 'domainController', name: d('SRV-DC01'), os: 'WindowsServer2022', group: 1, value: 'High', tags: ['Tier0'] },
  { name: d('FIN-LT-015'), os: 'Windows11', user: 9 },
  { name: d('FIN-DT-003'), os: 'Windows10', signatureLagDays: 6, quickScanFailed: true, user: 12 },
  { name: d('SALES-LT-021'), os: 'Windows11', user: 5 },
  { name: d('SALES-LT-023'), os: 'Windows11', user: 10 },
  { name: d('EXEC-LT-001'), os: 'Windows11', value: 'High', tags: ['VIP'], user: 0 },
  { name: d('IT-LT-001'), os: 'Windows11', user: 3 },
  { name: d('OPS-DT-011'), os: 'Windows10', fullScanFailed: true, user: 8 },
  { name: d('HR-LT-008'), os: 'Windows11', user: 14 },
  { name: d('design-mbp-03'), os: 'macOS', user: 6 },
  { name: d('ACCT-LT-002'), os: 'Windows10', health: 'NoSensorData', silentDays: 3, user: 12 },
  { name: d('SUPPORT-LT-005'), os: 'Windows11', user: 4 },
];

const TICKS_AT_EPOCH = 621355968000000000n;
const NO_TAGS: readonly string[] = Object.freeze([]);

/** Builds the tenant described by `options`. */
export function seedTenant(options: SeedOptions): TenantData {
  const { seed, anchor } = options;
  const rng = new Rng(seed, streamId('tenant'));
  const data: TenantData = {
    seed,
    tenantId: rng.guid(),
    anchor,
    devices: [],
    devicesById: new Map(),
    devicesByName: new Map(),
    incidents: [],
    incidentsById: new Map(),
    alerts: [],
    alertsById: new Map(),
    investigations: [],
    investigationsById: new Map(),
    actions: [],
    actionsById: new Map(),
    recommendations: [],
    remediationTasks: [],
    nextIncidentId: 0,
    nextInvestigationId: 0,
    nextAlertSeq: 0,
    facts: { tenantId: '', devices: {}, pendingApprovalInvestigationIds: [] },
  };
  data.facts.tenantId = data.tenantId;

  createDevices(data, options.devices, new Rng(seed, streamId('devices')));
  const alertTarget = Math.max(0, options.alerts ?? Math.round(options.devices * 1.6));
  const incidentDefault = Math.max(1, Math.round(alertTarget * 0.3));
  const incidentTarget = Math.min(alertTarget, Math.max(0, options.incidents ?? incidentDefault));
  const story = new Story(data, new Rng(seed, streamId('stories')));
  story.tellCastStories(incidentTarget, alertTarget);
  story.fillIncidents(new Rng(seed, streamId('incidents')));
  story.fillActions(options.actions ?? Math.round(options.devices * 0.72), new Rng(seed, streamId('actions')));
  createPosture(data, new Rng(seed, streamId('posture')));
  finish(data, rng);
  return data;
}

// ---- devices ------------------------------------------------------------------------------------------------

function createDevices(data: TenantData, count: number, rng: Rng): void {
  const counters = new Map<string, number>();
  const nextNumber = (prefix: string): number => {
    const n = (counters.get(prefix) ?? 99) + 1;
    counters.set(prefix, n);
    return n;
  };
  for (let i = 0; i < count; i++) {
    const member = i < CAST.length ? CAST[i] : generatedMember(rng, nextNumber);
    const device = newDevice(data, i, member, rng);
    data.devices.push(device);
    data.devicesById.set(device.id, device);
    data.devicesByName.set(device.name.toLowerCase(), device);
    if (member.role) data.facts.devices[member.role] = { id: device.id, name: device.name };
  }
}

function generatedMember(rng: Rng, nextNumber: (prefix: string) => number): CastMember {
  const os = rng.weighted<keyof typeof OS>([
    ['Windows11', 55],
    ['Windows10', 28],
    ['WindowsServer2022', 5],
    ['WindowsServer2019', 4],
    ['macOS', 5],
    ['Linux', 2],
    ['iOS', 1],
  ]);
  const health = rng.weighted<HealthStatus>([
    ['Active', 90],
    ['Inactive', 5],
    ['ImpairedCommunication', 2],
    ['NoSensorData', 3],
  ]);
  const silentDays = health === 'Active' ? undefined : health === 'Inactive' ? rng.int(7, 60) : rng.int(1, 4);
  const dept = rng.pick(DEPARTMENTS);
  let name: string;
  let group = 0;
  if (os.startsWith('WindowsServer') || os === 'Linux') {
    const role = rng.pick(['APP', 'SQL', 'FILE', 'WEB', 'PRT', 'BKP', 'RDS']);
    const prefix = os === 'Linux' ? `srv-lnx-${role.toLowerCase()}` : `SRV-${role}`;
    name = d(`${prefix}${nextNumber(prefix)}`);
    group = 1;
  } else if (os === 'macOS') {
    const prefix = `${dept.toLowerCase()}-mbp`;
    name = d(`${prefix}-${nextNumber(prefix)}`);
  } else if (os === 'iOS') {
    const user = rng.pick(USERS).name.split(' ')[0].toLowerCase();
    name = `${user}s-iphone-${nextNumber(`${user}s-iphone`)}`;
    group = 2;
  } else {
    const kind = rng.chance(0.75) ? 'LT' : 'DT';
    const prefix = `${dept}-${kind}`;
    name = d(`${prefix}-${String(nextNumber(prefix)).padStart(3, '0')}`);
  }
  return {
    name,
    os,
    health,
    silentDays,
    group,
    tags: rng.chance(0.05) ? ['Remote'] : undefined,
    signatureLagDays: silentDays !== undefined && silentDays > 2 ? silentDays : rng.chance(0.1) ? rng.int(2, 14) : 0,
    quickScanFailed: rng.chance(0.04),
    fullScanFailed: rng.chance(0.06),
  };
}

function newDevice(data: TenantData, index: number, m: CastMember, rng: Rng): DeviceRecord {
  const os = OS[m.os];
  const mobile = os.osKind === 'ios' || os.osKind === 'android';
  const server = os.platform.startsWith('WindowsServer') || m.group === 1;
  const group = m.group ?? (mobile ? 2 : server ? 1 : 0);
  return {
    index,
    id: rng.hex(40),
    name: flat(m.name),
    os,
    health: m.health ?? 'Active',
    onboarding: m.onboarding ?? 'Onboarded',
    exposure: rng.weighted<DeviceRecord['exposure']>([
      ['None', 8],
      ['Low', 40],
      ['Medium', 42],
      ['High', 10],
    ]),
    value: m.value ?? (server ? 'High' : rng.chance(0.04) ? 'Low' : 'Normal'),
    group,
    firstSeen: data.anchor - rng.int(45, 700) * DAY - rng.int(0, DAY),
    silentSince: m.silentDays !== undefined ? data.anchor - m.silentDays * DAY - rng.int(0, 6 * HOUR) : undefined,
    reportPhase: rng.int(0, DAY - 1),
    aadJoined: mobile || (os.osKind === 'windows' && !server),
    tags: m.tags ?? NO_TAGS,
    user: m.user ?? rng.int(0, USERS.length - 1),
    avMode: os.osKind === 'windows' && rng.chance(0.04) ? 'Passive' : 'Active',
    signatureLagDays: m.signatureLagDays ?? 0,
    quickScanFailed: m.quickScanFailed ?? false,
    fullScanFailed: m.fullScanFailed ?? false,
    quickScanHoursAgo: rng.int(1, 30),
    fullScanDaysAgo: rng.int(3, 40),
  };
}

/**
 * Devices random alerts land on: those that can alert, leaving the cast's role devices to their own story
 * (unless nothing else is left).
 */
export function randomAlertDevices(data: TenantData): DeviceRecord[] {
  const roles = new Set(Object.values(data.facts.devices).map((f) => f.id));
  const pool = data.devices.filter((d) => canAlert(d) && !roles.has(d.id));
  return pool.length > 0 ? pool : data.devices.filter(canAlert);
}

/** Devices that raise Defender for Endpoint alerts now: onboarded, reporting, not phones. */
export function canAlert(device: DeviceRecord): boolean {
  return (
    device.onboarding === 'Onboarded' &&
    (device.health === 'Active' || device.health === 'ImpairedCommunication') &&
    device.os.osKind !== 'ios' &&
    device.os.osKind !== 'android'
  );
}

// ---- incidents, alerts, investigations, actions ---------------------------------------------------------------

/** A new alert's id: `da` (Defender for Endpoint) or `fa` (Defender for Office 365), .NET ticks, a number. */
export function alertId(source: 'mde' | 'mdo', created: number, rng: Rng): string {
  const ticks = TICKS_AT_EPOCH + BigInt(created) * 10000n + BigInt(rng.int(0, 9999));
  return flat(`${source === 'mde' ? 'da' : 'fa'}${ticks}_${rng.int32()}`);
}

interface ActionSpec {
  type: ActionType;
  scope?: string | null;
  created: number;
  /** Default one minute. */
  pendingMs?: number;
  /** Time InProgress; default 0. */
  runMs?: number;
  final: FinalActionStatus;
  by: string;
  comment: string;
  cancel?: ActionRecord['cancel'];
  /** `requestSource`; default `Portal`. */
  source?: string;
}

const t = templateIndex;

interface AlertSpec {
  template: number;
  title?: string;
  severity?: GraphSeverity;
  device?: DeviceRecord;
  user?: number;
  created: number;
  status: AlertStatus;
  resolved?: number;
}

class Story {
  private readonly mde: number[];
  private readonly mdo: number[];
  private readonly alertable: DeviceRecord[];
  private incidentsLeft = 0;
  private alertsLeft = 0;

  constructor(
    private readonly data: TenantData,
    private readonly rng: Rng,
  ) {
    this.mde = ALERT_TEMPLATES.flatMap((t, i) => (t.source === 'mde' ? [i] : []));
    this.mdo = ALERT_TEMPLATES.flatMap((t, i) => (t.source === 'mdo' ? [i] : []));
    this.alertable = randomAlertDevices(data);
  }

  private role(role: DeviceRole): DeviceRecord | undefined {
    const fact = this.data.facts.devices[role];
    return fact ? this.data.devicesById.get(fact.id) : undefined;
  }

  /** The cast's incidents, investigations and actions, as far as the budgets allow. */
  tellCastStories(incidentBudget: number, alertBudget: number): void {
    this.incidentsLeft = incidentBudget;
    this.alertsLeft = alertBudget;
    this.credentialTheft();
    this.ransomwareOnFileServer();
    this.hostileFileName();
    this.phishingMail();
    this.preventedEmotet();
    this.isolatedLaptop();
    this.macExploration();
    this.stuckActions();
  }

  /** FIN-LT-014: Mimikatz and LSASS access two days ago, PowerShell today; the investigation awaits approval. */
  private credentialTheft(): void {
    const fin = this.role('pendingApprovalWorkstation');
    if (!fin) return;
    const a = this.data.anchor;
    const start = a - 2 * DAY;
    const alerts = this.incident({ status: 'active' }, [
      { template: t("'Mimikatz' hacktool was detected"), device: fin, created: start + 10 * MINUTE, status: 'new' },
      { template: t('Suspicious access to LSASS service'), device: fin, created: start + 14 * MINUTE, status: 'new' },
      { template: t('Suspicious PowerShell command line'), device: fin, created: a - 3 * HOUR, status: 'new' },
    ]);
    if (alerts) this.investigation(fin, alerts[0], a - 2 * DAY + 20 * MINUTE, 25 * MINUTE, 'PendingApproval');
    this.scan(fin, 'Quick', a - 2 * DAY + 40 * MINUTE, 'Succeeded', 'Quick scan after Mimikatz detection');
    this.scan(fin, 'Full', a - DAY - 20 * HOUR, 'Failed', 'Full scan requested from the incident page');
  }

  /** SRV-FILE01: ransomware behaviour four days ago; isolation was cancelled, the investigation awaits approval. */
  private ransomwareOnFileServer(): void {
    const server = this.role('pendingApprovalServer');
    if (!server) return;
    const start = this.data.anchor - 4 * DAY + 2 * HOUR;
    const by = ANALYSTS[0];
    const template = t('Ransomware behavior detected in the file system');
    const alerts = this.incident({ status: 'inProgress', assignedTo: by }, [
      { template, device: server, created: start, status: 'inProgress' },
    ]);
    if (alerts) this.investigation(server, alerts[0], start + 5 * MINUTE, 40 * MINUTE, 'PendingApproval');
    this.action(server, {
      type: 'Isolate',
      scope: 'Selective',
      created: start + HOUR,
      final: 'Cancelled',
      by,
      comment: 'Contain the file server',
      cancel: { at: start + HOUR + MINUTE, by, comment: 'Payroll run in progress; isolating after hours instead' },
    });
  }

  /** MKT-LT-004: the one alert whose title looks like markdown, HTML and a mention. */
  private hostileFileName(): void {
    const device = this.role('hostileTitle');
    if (!device) return;
    const template = t('Use of living-off-the-land binary to run malicious code');
    const created = this.data.anchor - 6 * HOUR;
    const spec: AlertSpec = { template, title: HOSTILE_TITLE, device, created, status: 'new' };
    const alerts = this.incident({ status: 'active' }, [spec]);
    if (alerts) this.data.facts.hostileAlertId = alerts[0].id;
  }

  /** A Defender for Office 365 alert: no device, one user. */
  private phishingMail(): void {
    const template = t('Email messages containing malicious URL removed after delivery');
    this.incident({ status: 'active' }, [{ template, user: 1, created: this.data.anchor - 10 * HOUR, status: 'new' }]);
  }

  /** RECEPTION-PC: Emotet stopped yesterday, remediated by automation. */
  private preventedEmotet(): void {
    const reception = this.role('preventedMalware');
    if (!reception) return;
    const created = this.data.anchor - 20 * HOUR;
    const template = t('Emotet malware was prevented');
    const alerts = this.incident(
      { status: 'resolved', assignedTo: 'Automation', classification: 'truePositive', determination: 'malware' },
      [{ template, device: reception, created, status: 'resolved', resolved: created + 55 * MINUTE }],
    );
    if (alerts) this.investigation(reception, alerts[0], created + 3 * MINUTE, 50 * MINUTE, 'SuccessfullyRemediated');
    this.action(reception, {
      type: 'RunAntiVirusScan',
      scope: 'Quick',
      created: created + 20 * MINUTE,
      runMs: 10 * MINUTE,
      final: 'Succeeded',
      by: 'Automation',
      comment: 'Scan initiated by automated investigation',
      source: 'AutomatedInvestigation',
    });
  }

  /** HR-LT-007: active Trickbot yesterday; isolated until reimaged. */
  private isolatedLaptop(): void {
    const laptop = this.role('isolated');
    if (!laptop) return;
    const created = this.data.anchor - DAY - 2 * HOUR;
    const by = ANALYSTS[1];
    const alerts = this.incident({ status: 'inProgress', assignedTo: by }, [
      { template: t("An active 'Trickbot' malware was detected"), device: laptop, created, status: 'inProgress' },
    ]);
    if (alerts) this.investigation(laptop, alerts[0], created + 4 * MINUTE, HOUR, 'PartiallyRemediated');
    this.action(laptop, {
      type: 'Isolate',
      scope: 'Full',
      created: created + HOUR,
      runMs: 4 * MINUTE,
      final: 'Succeeded',
      by,
      comment: 'Active Trickbot infection: isolate until the laptop is reimaged',
    });
    this.action(laptop, {
      type: 'CollectInvestigationPackage',
      created: created + 65 * MINUTE,
      runMs: 13 * MINUTE,
      final: 'Succeeded',
      by,
      comment: 'Forensics before reimage',
    });
  }

  /** design-mbp-02: an inventory script mistaken for discovery (AIR does not run on macOS); once lost and isolated. */
  private macExploration(): void {
    const mac = this.role('unsupportedOs');
    if (!mac) return;
    const a = this.data.anchor;
    const created = a - 9 * DAY;
    const by = ANALYSTS[0];
    const template = t('Suspicious sequence of exploration activities');
    const expected = { classification: 'informationalExpectedActivity', determination: 'securityTesting' };
    const alerts = this.incident({ status: 'resolved', assignedTo: by, ...expected }, [
      { template, device: mac, created, status: 'resolved', resolved: created + DAY },
    ]);
    if (alerts) this.investigation(mac, alerts[0], created + 2 * MINUTE, MINUTE, 'UnsupportedOs');
    const isolation = { scope: 'Full', runMs: 3 * MINUTE, final: 'Succeeded', by } as const;
    this.action(mac, { type: 'Isolate', created: a - 30 * DAY, comment: 'Lost laptop reported by user', ...isolation });
    this.action(mac, { type: 'Unisolate', created: a - 29 * DAY, comment: 'Laptop recovered', ...isolation });
  }

  /** A scan Pending on an offline laptop and one InProgress on a device that lost connectivity, both for 7 days. */
  private stuckActions(): void {
    const a = this.data.anchor;
    const offline = this.role('pendingAction');
    if (offline) {
      const comment = 'Scan after unwanted software detection';
      this.data.facts.pendingActionId = this.scan(offline, 'Quick', a - 2 * HOUR, 'TimeOut', comment, 7 * DAY, 0).id;
    }
    const impaired = this.role('inProgressAction');
    if (impaired) {
      const action = this.scan(impaired, 'Full', a - 50 * MINUTE, 'TimeOut', 'Monthly full scan', 4 * MINUTE, 7 * DAY);
      this.data.facts.inProgressActionId = action.id;
    }
    const kiosk = this.role('offboarded');
    if (kiosk) this.scan(kiosk, 'Quick', a - 48 * DAY, 'TimeOut', 'Routine scan', 7 * DAY, 0);
    const app = this.role('investigationUnsupported');
    if (app) this.scan(app, 'Full', a - 3 * DAY, 'Succeeded', 'Full scan after patching');
  }

  /** An antivirus scan requested by an analyst: a minute Pending, then `runMs` InProgress. */
  private scan(
    device: DeviceRecord,
    scope: 'Quick' | 'Full',
    created: number,
    final: FinalActionStatus,
    comment: string,
    pendingMs = MINUTE,
    runMs = scope === 'Quick' ? 8 * MINUTE : 40 * MINUTE,
  ): ActionRecord {
    const by = ANALYSTS[device.index % ANALYSTS.length];
    return this.action(device, { type: 'RunAntiVirusScan', scope, created, pendingMs, runMs, final, by, comment });
  }

  /** Random incidents (each with at least one alert) and the remaining alerts spread over them. */
  fillIncidents(rng: Rng): void {
    const incidents = Math.min(this.incidentsLeft, this.alertsLeft);
    if (this.alertable.length === 0 && this.mdo.length === 0) return;
    const created: { incident: IncidentRecord; device?: DeviceRecord; mail: boolean }[] = [];
    const a = this.data.anchor;
    for (let i = 0; i < incidents; i++) {
      const age = rng.weighted<[number, number]>([
        [[20 * MINUTE, DAY], 20],
        [[DAY, 7 * DAY], 30],
        [[7 * DAY, 35 * DAY], 50],
      ]);
      const start = a - Math.round(rng.between(age[0], age[1]));
      const old = a - start > 7 * DAY;
      const status = rng.weighted<IncidentStatus>(
        old
          ? [
              ['resolved', 85],
              ['active', 10],
              ['inProgress', 5],
            ]
          : [
              ['active', 50],
              ['inProgress', 20],
              ['resolved', 30],
            ],
      );
      const mail = this.alertable.length === 0 || rng.chance(0.15);
      const device = mail ? undefined : rng.pick(this.alertable);
      const incident = this.newIncident(status, start, rng);
      this.addAlert(incident, this.randomAlert(incident, mail, device, start, rng), rng, true);
      created.push({ incident, device, mail });
    }
    this.incidentsLeft -= incidents;
    this.alertsLeft -= incidents;
    for (; this.alertsLeft > 0 && created.length > 0; this.alertsLeft--) {
      const { incident, device, mail } = rng.pick(created);
      const when = Math.min(incident.created + rng.int(2 * MINUTE, 6 * HOUR), a - MINUTE);
      const other = !mail && rng.chance(0.15) ? rng.pick(this.alertable) : device;
      this.addAlert(incident, this.randomAlert(incident, mail, other, when, rng), rng, true);
    }
  }

  /** Finished machine actions on random devices until `target` actions exist. */
  fillActions(target: number, rng: Rng): void {
    const scannable = this.data.devices.filter((dv) => dv.onboarding === 'Onboarded' && dv.os.canScan);
    const a = this.data.anchor;
    while (this.data.actions.length < target && scannable.length > 0) {
      const device = rng.pick(scannable);
      const type: ActionType = rng.chance(0.88) ? 'RunAntiVirusScan' : 'CollectInvestigationPackage';
      const scope = type === 'RunAntiVirusScan' ? (rng.chance(0.7) ? 'Quick' : 'Full') : null;
      const final = rng.weighted<FinalActionStatus>([
        ['Succeeded', 80],
        ['Failed', 8],
        ['TimeOut', 6],
        ['Cancelled', 6],
      ]);
      const pendingMs = final === 'TimeOut' ? 3 * DAY : rng.int(MINUTE, 5 * MINUTE);
      const inProgressMs = final === 'TimeOut' ? 0 : rng.int(2 * MINUTE, 40 * MINUTE);
      // Finished before the seed, and before the device went silent.
      const end = Math.min(a, device.silentSince ?? a) - HOUR;
      const created = end - pendingMs - inProgressMs - rng.int(0, 30 * DAY);
      const by = rng.pick(ANALYSTS);
      const cancelled = final === 'Cancelled';
      const cancel = cancelled ? { at: created + pendingMs, by, comment: 'Started on the wrong device' } : undefined;
      const comment = type === 'RunAntiVirusScan' ? 'Routine scan' : 'Collect package for review';
      const runMs = cancelled ? 0 : inProgressMs;
      this.action(device, { type, scope, created, pendingMs, runMs, final, by, comment, cancel });
    }
  }

  private randomAlert(
    incident: IncidentRecord,
    mail: boolean,
    device: DeviceRecord | undefined,
    created: number,
    rng: Rng,
  ): AlertSpec {
    const template = mail ? rng.pick(this.mdo) : rng.pick(this.mde);
    const resolvedIncident = incident.status === 'resolved';
    const prevented = !!ALERT_TEMPLATES[template].prevented;
    const status: AlertStatus = resolvedIncident
      ? 'resolved'
      : prevented && rng.chance(0.5)
        ? 'resolved'
        : incident.status === 'inProgress' && rng.chance(0.7)
          ? 'inProgress'
          : rng.chance(0.9)
            ? 'new'
            : 'inProgress';
    const resolved =
      status === 'resolved' ? Math.min(created + rng.int(10 * MINUTE, 2 * DAY), this.data.anchor - MINUTE) : undefined;
    return { template, device: mail ? undefined : device, created, status, resolved };
  }

  private newIncident(
    status: IncidentStatus,
    created: number,
    rng: Rng,
    overrides: Partial<Pick<IncidentRecord, 'assignedTo' | 'classification' | 'determination'>> = {},
  ): IncidentRecord {
    const resolved = status === 'resolved';
    const classification = resolved
      ? rng.weighted<string>([
          ['truePositive', 60],
          ['informationalExpectedActivity', 20],
          ['falsePositive', 20],
        ])
      : 'unknown';
    const determination =
      classification === 'truePositive'
        ? rng.pick(['malware', 'multiStagedAttack', 'unwantedSoftware'])
        : classification === 'informationalExpectedActivity'
          ? 'securityTesting'
          : classification === 'falsePositive'
            ? 'notMalicious'
            : 'unknown';
    const incident: IncidentRecord = {
      id: 0,
      created,
      updated: created,
      status,
      assignedTo: status === 'active' ? null : rng.pick(ANALYSTS),
      classification,
      determination,
      tags: [],
      alerts: [],
      ...overrides,
    };
    this.data.incidents.push(incident);
    return incident;
  }

  /** One cast incident with its alerts, if the budgets allow it. */
  private incident(
    spec: { status: IncidentStatus } & Partial<Pick<IncidentRecord, 'assignedTo' | 'classification' | 'determination'>>,
    alerts: AlertSpec[],
  ): AlertRecord[] | undefined {
    if (this.incidentsLeft < 1 || this.alertsLeft < alerts.length) return undefined;
    this.incidentsLeft--;
    this.alertsLeft -= alerts.length;
    const { status, ...overrides } = spec;
    const incident = this.newIncident(status, alerts[0].created, this.rng, overrides);
    return alerts.map((s) => this.addAlert(incident, s, this.rng));
  }

  private addAlert(incident: IncidentRecord, spec: AlertSpec, rng: Rng, autoInvestigate = false): AlertRecord {
    const template: AlertTemplate = ALERT_TEMPLATES[spec.template];
    const resolved = spec.status === 'resolved';
    const lastUpdate = spec.resolved ?? Math.min(spec.created + rng.int(0, 30 * MINUTE), this.data.anchor - MINUTE);
    const alert: AlertRecord = {
      id: alertId(template.source, spec.created, rng),
      template,
      title: spec.title ?? template.title,
      severity: spec.severity ?? template.severity,
      device: spec.device,
      user: spec.user ?? spec.device?.user ?? rng.int(0, USERS.length - 1),
      incident,
      created: spec.created,
      firstActivity: spec.created - rng.int(MINUTE, 20 * MINUTE),
      lastUpdate: Math.max(lastUpdate, spec.created),
      status: spec.status,
      resolved: spec.resolved,
      assignedTo: spec.status === 'new' ? null : incident.assignedTo,
      classification: resolved ? known(incident.classification, 'truePositive') : 'unknown',
      determination: resolved ? known(incident.determination, 'malware') : 'unknown',
    };
    incident.alerts.push(alert);
    incident.created = Math.min(incident.created, alert.created);
    incident.updated = Math.max(incident.updated, alert.lastUpdate);
    this.data.alerts.push(alert);
    const serious = GRAPH_SEVERITIES.indexOf(alert.severity) >= 3;
    if (autoInvestigate && template.source === 'mde' && serious && spec.device?.os.canInvestigate) {
      this.maybeInvestigate(alert, spec.device, rng);
    }
    return alert;
  }

  /** Automated investigations of random medium/high alerts: finished, or still running if very recent. */
  private maybeInvestigate(alert: AlertRecord, device: DeviceRecord, rng: Rng): void {
    if (!rng.chance(0.3)) return;
    const outcome = rng.weighted<InvestigationOutcome>([
      ['SuccessfullyRemediated', 40],
      ['Benign', 30],
      ['PartiallyRemediated', 15],
      ['Failed', 8],
      ['TerminatedByUser', 7],
    ]);
    const start = alert.created + rng.int(2 * MINUTE, 10 * MINUTE);
    if (start < this.data.anchor) this.investigation(device, alert, start, rng.int(20 * MINUTE, 3 * HOUR), outcome);
  }

  private investigation(
    device: DeviceRecord,
    alert: AlertRecord,
    start: number,
    runningMs: number,
    outcome: InvestigationOutcome,
  ): InvestigationRecord {
    const inv: InvestigationRecord = { id: 0, device, alert, start, runningMs, outcome };
    if (outcome === 'TerminatedByUser') inv.cancelledBy = alert.assignedTo ?? ANALYSTS[0];
    alert.investigation = inv;
    this.data.investigations.push(inv);
    return inv;
  }

  /** Records a machine action; by default it spends a minute Pending and `runMs` InProgress. */
  private action(device: DeviceRecord, spec: ActionSpec): ActionRecord {
    const action: ActionRecord = {
      id: this.rng.guid(),
      type: spec.type,
      scope: spec.scope ?? null,
      device,
      requestor: spec.by,
      requestSource: spec.source ?? 'Portal',
      comment: spec.comment,
      created: spec.created,
      pendingMs: spec.pendingMs ?? MINUTE,
      inProgressMs: spec.runMs ?? 0,
      final: spec.final,
      cancel: spec.cancel,
    };
    this.data.actions.push(action);
    return action;
  }
}

/** `value` unless it is `unknown`. */
function known(value: string, otherwise: string): string {
  return value === 'unknown' ? otherwise : value;
}

// ---- posture --------------------------------------------------------------------------------------------------

function createPosture(data: TenantData, rng: Rng): void {
  const managed = data.devices.filter((dv) => dv.onboarding === 'Onboarded' && dv.os.osKind === 'windows').length;
  const base = Math.max(1, managed);
  for (const template of RECOMMENDATIONS) {
    const exposed = Math.max(1, Math.round(template.exposedShare * base));
    data.recommendations.push({
      template,
      exposedMachinesCount: exposed,
      totalMachineCount: template.category === 'Application' ? Math.max(exposed, Math.round(exposed * 1.5)) : base,
      status: template.id === 'scid-10' ? 'Exception' : 'Active',
      activeAlert: template.id === 'va-_-microsoft-_-windows_11',
    });
  }
  for (const task of REMEDIATION_TASKS) {
    const recommendation = data.recommendations.find((r) => r.template.id === task.recommendationId);
    if (!recommendation) continue;
    const target = recommendation.exposedMachinesCount;
    data.remediationTasks.push({
      id: rng.guid(),
      recommendation,
      created: data.anchor + task.createdDay * DAY - rng.int(0, 8 * HOUR),
      due: data.anchor + task.dueDay * DAY,
      priority: task.priority,
      requester: task.requester,
      targetDevices: target,
      fixedAtSeed: Math.round(target * task.fixedShare),
      fixPerDay: target * task.fixRatePerDay,
      completed: task.completedDay !== undefined ? data.anchor + task.completedDay * DAY : undefined,
    });
  }
}

// ---- ordering and ids -------------------------------------------------------------------------------------------

function finish(data: TenantData, rng: Rng): void {
  data.incidents.sort((x, y) => x.created - y.created);
  data.nextIncidentId = rng.int(100, 900);
  for (const incident of data.incidents) {
    incident.id = data.nextIncidentId++;
    incident.alerts.sort((x, y) => x.created - y.created);
    data.incidentsById.set(incident.id, incident);
  }
  data.alerts.sort((x, y) => x.created - y.created);
  data.nextAlertSeq = data.alerts.length;
  for (const alert of data.alerts) {
    data.alertsById.set(alert.id, alert);
    if (alert.device) (alert.device.alerts ??= []).push(alert);
  }
  data.investigations.sort((x, y) => x.start - y.start);
  data.nextInvestigationId = rng.int(10, 90);
  for (const inv of data.investigations) {
    inv.id = data.nextInvestigationId++;
    data.investigationsById.set(inv.id, inv);
  }
  data.facts.pendingApprovalInvestigationIds = data.investigations
    .filter((inv) => inv.outcome === 'PendingApproval')
    .map((inv) => String(inv.id));
  data.actions.sort((x, y) => x.created - y.created);
  for (const action of data.actions) {
    data.actionsById.set(action.id, action);
    (action.device.actions ??= []).push(action);
  }
}
