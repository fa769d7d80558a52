/**
 * Small factories of card view data, and `sampleCards` — one of every card — for card tests and previews.
 */
import {
  actionStatusCard,
  approvalCard,
  auditCard,
  chooseDeviceCard,
  dailyDigestCard,
  deviceCard,
  devicesCard,
  helpCard,
  incidentCard,
  incidentsCard,
  myIncidentsCard,
  monthlyDigestCard,
  noDeviceMatchCard,
  noticeCard,
  pendingActionsCard,
  resolveFormCard,
  secureScoreCard,
  weeklyDigestCard,
  welcomeCard,
  type ActionStatusView,
  type AdaptiveCard,
  type AlertView,
  type AuditEntryView,
  type AvHealthView,
  type CardContext,
  type DailyDigestView,
  type DeviceView,
  type DigestIncidentView,
  type DigestPeriod,
  type IncidentView,
  type InvestigationView,
  type MachineActionView,
  type MonthlyDigestView,
  type PendingActionsView,
  type RecommendationView,
  type RemediationRequestView,
  type RemediationTaskView,
  type ScorePoint,
  type ScoresView,
  type SubscriptionView,
  type WeeklyDigestView,
  type WelcomeView,
} from '../../src/cards';

/** The instant every fixture is relative to. */
export const NOW = new Date('2024-05-06T08:00:00Z');

/** Text that tries to become a link, an image, a mention, a URL and bold in a card. */
export const HOSTILE_TEXT =
  '[link](http://evil) ![img](http://x) <at>Boss</at> https://evil.example **bold** www.evil.com mailto:a@evil.com';

/** An ISO date `minutes` before `NOW` (negative = after). */
export function minutesAgo(minutes: number): string {
  return new Date(NOW.getTime() - minutes * 60_000).toISOString();
}

/** An ISO date `hours` before `NOW`. */
export function hoursAgo(hours: number): string {
  return minutesAgo(hours * 60);
}

/** A card context: real tenant, UTC, at `NOW`. */
export function cardContext(overrides: Partial<CardContext> = {}): CardContext {
  return { simulated: false, portalUrl: 'https://security.microsoft.com', now: NOW, timeZone: 'UTC', ...overrides };
}

/** A well-formed Defender device id (40 hex characters) from a number. */
export function deviceId(n: number): string {
  return n.toString(16).padStart(40, 'a');
}

/** `count` items made by `make(i)`. */
export function many<T>(count: number, make: (i: number) => T): T[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

/** A device with two active alerts. */
export function deviceView(overrides: Partial<DeviceView> = {}): DeviceView {
  return {
    id: deviceId(1),
    name: 'ws-finance-01.contoso.local',
    osPlatform: 'Windows11',
    osVersion: '23H2',
    riskScore: 'High',
    exposureLevel: 'Medium',
    healthStatus: 'Active',
    activeAlertCount: 2,
    topAlertTitles: ['Suspicious PowerShell command line', "'Wacatac' malware was detected"],
    highestAlertSeverity: 'high',
    isolated: false,
    selectiveIsolation: true,
    lastSeen: minutesAgo(12),
    lastIpAddress: '10.0.0.12',
    ...overrides,
  };
}

/** An open incident. */
export function incidentView(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    id: '1042',
    title: 'Multi-stage incident involving Execution on one endpoint',
    severity: 'high',
    status: 'active',
    createdAt: hoursAgo(5),
    updatedAt: hoursAgo(1),
    assignedTo: 'ann@contoso.com',
    alertCount: 3,
    webUrl: 'https://security.microsoft.com/incidents/1042?tid=contoso',
    ...overrides,
  };
}

/** An incident of a digest: new by default. */
export function digestIncident(overrides: Partial<DigestIncidentView> = {}): DigestIncidentView {
  return { ...incidentView(), change: 'new', ...overrides };
}

/** A new alert from Defender for Endpoint's antivirus. */
export function alertView(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'da637000000000000000_1',
    title: "'Wacatac' malware was detected",
    severity: 'medium',
    serviceSource: 'microsoftDefenderForEndpoint',
    detectionSource: 'antivirus',
    createdAt: hoursAgo(3),
    deviceName: 'ws-finance-01',
    ...overrides,
  };
}

/** A quick antivirus scan in progress. */
export function machineActionView(overrides: Partial<MachineActionView> = {}): MachineActionView {
  return {
    id: 'b8f2c0c4-6d6a-4c1b-9d55-3a0b0f1c2d3e',
    type: 'RunAntiVirusScan',
    scope: 'Quick',
    status: 'InProgress',
    requestor: 'Watchstander',
    deviceId: deviceId(1),
    deviceName: 'ws-finance-01',
    createdAt: minutesAgo(20),
    updatedAt: minutesAgo(5),
    ...overrides,
  };
}

/** An automated investigation waiting for approval since 2 days. */
export function investigationView(overrides: Partial<InvestigationView> = {}): InvestigationView {
  return {
    id: '17',
    deviceId: deviceId(1),
    deviceName: 'ws-finance-01',
    state: 'PendingApproval',
    startedAt: hoursAgo(50),
    pendingSince: hoursAgo(48),
    ...overrides,
  };
}

/** A pending request to isolate a device fully. */
export function remediationRequest(overrides: Partial<RemediationRequestView> = {}): RemediationRequestView {
  return {
    id: 'req0000001',
    deviceId: deviceId(1),
    deviceName: 'ws-finance-01',
    operation: { kind: 'isolate', isolationType: 'Full' },
    reason: 'Active ransomware alert',
    requestedBy: 'Bob Analyst',
    requestedAt: hoursAgo(2),
    expiresAt: hoursAgo(-22),
    state: { kind: 'pending' },
    ...overrides,
  };
}

/** The status of a quick scan the bot started, in progress. */
export function actionStatusView(overrides: Partial<ActionStatusView> = {}): ActionStatusView {
  return {
    deviceId: deviceId(1),
    deviceName: 'ws-finance-01',
    operation: { kind: 'scan', scanType: 'Quick' },
    requestedBy: 'Ann Analyst',
    requestedAt: minutesAgo(3),
    status: 'InProgress',
    lastUpdate: minutesAgo(1),
    defenderId: 'b8f2c0c4-6d6a-4c1b-9d55-3a0b0f1c2d3e',
    ...overrides,
  };
}

/** The three scores with a 7-day change. */
export function scoresView(overrides: Partial<ScoresView> = {}): ScoresView {
  return {
    secureScore: {
      current: 412.5,
      max: 600,
      change7d: 6.5,
      comparativeAverages: [
        { basis: 'AllTenants', averageScore: 355.2 },
        { basis: 'TotalSeats', averageScore: 301.7 },
      ],
      asOf: hoursAgo(6),
    },
    exposureScore: { score: 34, change7d: -3 },
    deviceSecureScore: { score: 71, change7d: 2 },
    ...overrides,
  };
}

/** `days` daily Secure Score points ending at `NOW`, slowly rising. */
export function scorePoints(days: number): ScorePoint[] {
  return many(days, (i) => ({ date: hoursAgo((days - 1 - i) * 24), current: 360 + i * 0.6, max: 600 }));
}

/** A recommendation with impact and exposed devices. */
export function recommendationView(overrides: Partial<RecommendationView> = {}): RecommendationView {
  return {
    id: 'va-_-microsoft-_-windows_11',
    name: 'Update Microsoft Windows 11',
    category: 'Application',
    configScoreImpact: 0,
    exposureImpact: 4.2,
    exposedMachines: 12,
    totalMachines: 40,
    publicExploit: true,
    activeAlert: false,
    associatedThreats: 2,
    ...overrides,
  };
}

/** An active remediation task, overdue. */
export function remediationTask(overrides: Partial<RemediationTaskView> = {}): RemediationTaskView {
  return {
    id: 'task-1',
    title: 'Update Chrome on finance laptops',
    status: 'Active',
    createdAt: hoursAgo(24 * 20),
    dueOn: hoursAgo(24 * 2),
    targetDevices: 8,
    fixedDevices: 5,
    ...overrides,
  };
}

/** A device with outdated antivirus signatures. */
export function avHealth(overrides: Partial<AvHealthView> = {}): AvHealthView {
  return {
    deviceId: deviceId(1),
    deviceName: 'ws-finance-01',
    signatureUpToDate: false,
    quickScanResult: 'Completed',
    fullScanResult: 'Failed',
    lastScanAt: hoursAgo(30),
    ...overrides,
  };
}

/** An audit entry: a scan that was started. */
export function auditEntry(overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    at: minutesAgo(30),
    user: 'Ann Analyst',
    action: 'scan',
    deviceName: 'ws-finance-01',
    outcome: 'succeeded',
    ...overrides,
  };
}

/** The three default subscriptions: daily and weekly on, monthly off. */
export function subscriptions(overrides: Partial<SubscriptionView> = {}): SubscriptionView[] {
  const defaults: SubscriptionView[] = [
    {
      kind: 'daily',
      subscribed: true,
      cron: '0 8 * * *',
      schedule: 'every day at 08:00',
      timeZone: 'UTC',
      nextRun: hoursAgo(-24),
    },
    {
      kind: 'weekly',
      subscribed: true,
      cron: '30 8 * * 1',
      schedule: 'every Monday at 08:30',
      timeZone: 'UTC',
      nextRun: hoursAgo(-168),
    },
    { kind: 'monthly', subscribed: false, cron: '0 9 1 * *', schedule: 'on the 1st at 09:00', timeZone: 'UTC' },
  ];
  return defaults.map((s) => ({ ...s, ...overrides }));
}

/** The period of a digest: the last `hours` hours. */
export function digestPeriod(hours: number, overrides: Partial<DigestPeriod> = {}): DigestPeriod {
  return { since: hoursAgo(hours), until: NOW.toISOString(), ...overrides };
}

/** `show pending actions` data with one request, one investigation and two machine actions. */
export function pendingActionsView(overrides: Partial<PendingActionsView> = {}): PendingActionsView {
  return {
    remediationRequests: [remediationRequest()],
    pendingInvestigations: [investigationView()],
    machineActions: [
      machineActionView(),
      machineActionView({ id: 'a2', status: 'Pending', type: 'Isolate', scope: 'Full' }),
    ],
    ...overrides,
  };
}

/** A daily digest with a new and an updated incident, alerts from two sources and two threatened devices. */
export function dailyDigestView(overrides: Partial<DailyDigestView> = {}): DailyDigestView {
  const office = 'microsoftDefenderForOffice365';
  return {
    period: digestPeriod(24),
    incidents: [
      digestIncident(),
      digestIncident({
        id: '1043',
        severity: 'medium',
        change: 'updated',
        title: 'Phishing email delivered',
        status: 'resolved',
        classification: 'truePositive',
        determination: 'phishing',
        assignedTo: 'megan.bowen@contoso.com',
        updatedAt: minutesAgo(20),
      }),
      digestIncident({ id: '1044', severity: 'low', title: 'Unwanted software detected', assignedTo: undefined }),
    ],
    newAlerts: [alertView(), alertView({ id: 'a2', serviceSource: office, detectionSource: office })],
    threatenedDevices: [
      deviceView(),
      deviceView({ id: deviceId(2), name: 'srv-files-01', isolated: true, riskScore: 'Medium' }),
    ],
    scores: scoresView(),
    ...overrides,
  };
}

/** A weekly digest with scores, a 90-day trend and two recommendations. */
export function weeklyDigestView(overrides: Partial<WeeklyDigestView> = {}): WeeklyDigestView {
  return {
    period: digestPeriod(24 * 7),
    scores: scoresView(),
    secureScoreTrend: scorePoints(90),
    recommendations: [
      recommendationView(),
      recommendationView({ id: 'r2', name: 'Turn on tamper protection', exposureImpact: 1.1, configScoreImpact: 8 }),
    ],
    ...overrides,
  };
}

/** A monthly digest with something in every section. */
export function monthlyDigestView(overrides: Partial<MonthlyDigestView> = {}): MonthlyDigestView {
  return {
    period: digestPeriod(24 * 30),
    machineActions: [
      machineActionView({ status: 'Succeeded' }),
      machineActionView({ id: 'a2', status: 'Failed' }),
      machineActionView({ id: 'a3', type: 'Isolate', scope: 'Full', status: 'Succeeded' }),
    ],
    investigations: [
      investigationView({ state: 'SuccessfullyRemediated', endedAt: hoursAgo(100) }),
      investigationView({ id: '18', state: 'Benign', endedAt: hoursAgo(90) }),
    ],
    remediationTasks: [remediationTask(), remediationTask({ id: 't2', status: 'Completed', dueOn: undefined })],
    antivirusHealth: [
      avHealth(),
      avHealth({
        deviceId: deviceId(2),
        deviceName: 'srv-files-01',
        signatureUpToDate: true,
        fullScanResult: 'Completed',
      }),
    ],
    threatRecommendations: [recommendationView()],
    pendingApprovals: [investigationView()],
    secureScoreTrend: scorePoints(30),
    scores: scoresView(),
    ...overrides,
  };
}

/** A named card, for tests and previews. */
export interface SampleCard {
  name: string;
  card: AdaptiveCard;
}

/** Rewrites a view before a sample card is built from it (e.g. to make every text hostile). */
export type ViewTransform = <T>(view: T) => T;

const STRUCTURAL_KEYS = new Set([
  'id',
  'verdict',
  // The Resolve form's comment, given back to the clicker as they typed it: an input's value is never Markdown.
  'comment',
  'deviceId',
  'kind',
  'scanType',
  'isolationType',
  'change',
  'severity',
  'filter',
  'tone',
  'conversation',
  'createdAt',
  'updatedAt',
  'startedAt',
  'endedAt',
  'pendingSince',
  'requestedAt',
  'expiresAt',
  'at',
  'date',
  'since',
  'until',
  'nextRun',
  'lastSeen',
  'lastUpdate',
  'lastScanAt',
  'dueOn',
  'asOf',
  'timeZone',
]);

/** A view whose every Defender or Teams text starts with `HOSTILE_TEXT` and every web URL points elsewhere. */
export const hostileViews: ViewTransform = <T>(view: T): T => {
  const rewrite = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (STRUCTURAL_KEYS.has(key)) return value;
      return key === 'webUrl' ? 'https://evil.example/phish' : `${HOSTILE_TEXT} ${value}`;
    }
    if (Array.isArray(value)) return value.map((item) => rewrite(item, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, child]) => [k, rewrite(child, k)]));
    }
    return value;
  };
  return rewrite(view, '') as T;
};

/** One of every card (and its variants) built from the factories above; `transform` rewrites each view first. */
export function sampleCards(ctx: CardContext = cardContext(), transform: ViewTransform = (view) => view): SampleCard[] {
  const v = transform;
  const cards: SampleCard[] = [];
  const add = (name: string, card: AdaptiveCard) => cards.push({ name, card });
  const channel: WelcomeView = { conversation: 'channel', botName: 'Watchstander', subscriptions: subscriptions() };
  const personal: WelcomeView = { conversation: 'personal', botName: 'Watchstander', subscriptions: [] };

  add('welcome', welcomeCard(ctx, v(channel)));
  add(
    'welcome in a shared channel with external members',
    welcomeCard(
      ctx,
      v({ ...channel, externalMembers: { known: true, count: 2, organisations: 1, digestsPosted: false } }),
    ),
  );
  add('help', helpCard(ctx, v(channel)));
  add('help with hint', helpCard(ctx, v({ ...personal, unknownText: 'scna laptop' })));

  add('pending actions', pendingActionsCard(ctx, v(pendingActionsView())));
  add(
    'pending actions, one section unavailable',
    pendingActionsCard(
      ctx,
      v(pendingActionsView({ pendingInvestigations: { unavailable: 'Defender API returned 503' } })),
    ),
  );
  add(
    'pending actions, empty',
    pendingActionsCard(ctx, v({ remediationRequests: [], pendingInvestigations: [], machineActions: [] })),
  );

  const lowIncident = incidentView({ id: '7', severity: 'low', assignedTo: undefined });
  add('incidents', incidentsCard(ctx, v({ incidents: [incidentView(), lowIncident] })));
  add('incidents high, none', incidentsCard(ctx, v({ filter: 'high', incidents: [] })));
  const mine = incidentView({ assignedTo: 'alex.wilber@contoso.com', status: 'inProgress', updatedAt: minutesAgo(2) });
  add('my incidents', myIncidentsCard(ctx, v({ owner: 'alex.wilber@contoso.com', incidents: [mine, lowIncident] })));
  add('my incidents, none', myIncidentsCard(ctx, v({ owner: 'alex.wilber@contoso.com', incidents: [] })));
  add(
    'incident, assigned',
    incidentCard(
      ctx,
      v({
        incident: mine,
        notice: { tone: 'success', text: 'Incident 1042 is now assigned to you (alex.wilber@contoso.com).' },
      }),
    ),
  );
  add('resolve form', resolveFormCard(ctx, v({ incident: mine })));
  add(
    'resolve form, nothing chosen',
    resolveFormCard(
      ctx,
      v({
        incident: mine,
        notice: { tone: 'warning', text: 'Choose a classification and determination first.' },
        verdict: 'truePositive:malware',
        comment: 'Removed by a full scan',
      }),
    ),
  );

  const isolated = deviceView({ id: deviceId(2), name: 'ws-hr-02', isolated: true });
  add('devices', devicesCard(ctx, v({ devices: [deviceView(), isolated] })));
  const recentActions = [machineActionView()];
  add('device', deviceCard(ctx, v({ device: deviceView(), recentActions, preferFullScan: false })));
  add(
    'device, full scan asked, isolated',
    deviceCard(ctx, v({ device: isolated, recentActions: [], preferFullScan: true })),
  );
  add('choose device', chooseDeviceCard(ctx, v({ query: 'ws', matches: [deviceView(), isolated] })));
  add('no device matched', noDeviceMatchCard(ctx, v({ query: 'laptop-99', suggestions: ['laptop-09'] })));

  add('secure score', secureScoreCard(ctx, v(scoresView())));
  add(
    'secure score, no history, unavailable',
    secureScoreCard(
      ctx,
      v({
        secureScore: { current: 300, max: 600, change7d: null, comparativeAverages: [] },
        exposureScore: { unavailable: 'Defender API returned 403: missing Score.Read.All' },
        deviceSecureScore: { score: 60, change7d: null },
      }),
    ),
  );

  add('action status', actionStatusCard(ctx, v(actionStatusView())));
  add(
    'action status, waiting for Defender, duplicate click',
    actionStatusCard(
      ctx,
      v(
        actionStatusView({
          status: undefined,
          defenderId: undefined,
          lastUpdate: undefined,
          notice: { tone: 'info', text: 'Already running: started by Ann Analyst 2 min ago' },
        }),
      ),
    ),
  );
  add(
    'action status, investigation pending approval',
    actionStatusCard(ctx, v(actionStatusView({ operation: { kind: 'investigation' }, status: 'PendingApproval' }))),
  );
  add(
    'action status, failed isolation',
    actionStatusCard(
      ctx,
      v(
        actionStatusView({
          operation: { kind: 'isolate', isolationType: 'Selective' },
          status: 'Failed',
          notice: { tone: 'error', text: 'Defender refused the isolation: device is offboarded' },
        }),
      ),
    ),
  );

  const approver = { by: 'Carol Approver', at: hoursAgo(1) };
  add('approval, pending', approvalCard(ctx, v(remediationRequest())));
  add(
    'approval, approved and running',
    approvalCard(
      ctx,
      v(
        remediationRequest({
          state: { kind: 'approved', ...approver, action: { status: 'InProgress', defenderActionId: 'x-1' } },
        }),
      ),
    ),
  );
  add(
    'approval, rejected',
    approvalCard(ctx, v(remediationRequest({ state: { kind: 'rejected', ...approver, comment: 'false positive' } }))),
  );
  add('approval, expired', approvalCard(ctx, v(remediationRequest({ state: { kind: 'expired', at: hoursAgo(1) } }))));
  add(
    'approval, failed release',
    approvalCard(
      ctx,
      v(remediationRequest({ operation: { kind: 'release' }, state: { kind: 'failed', reason: 'device not found' } })),
    ),
  );

  const refusal = auditEntry({ outcome: 'refused', detail: 'not an approver', action: 'approve' });
  add('audit', auditCard(ctx, v({ entries: [auditEntry(), refusal] })));
  add(
    'notice',
    noticeCard(
      ctx,
      v({
        tone: 'error',
        title: 'Not allowed',
        text: 'You are not allowed to run scans: only members of SECURITY_OPERATORS can.',
      }),
    ),
  );

  const quietScores = scoresView({ exposureScore: { unavailable: 'Defender API timed out' } });
  add('daily digest', dailyDigestCard(ctx, v(dailyDigestView())));
  add(
    'daily digest, sections unavailable',
    dailyDigestCard(ctx, v(dailyDigestView({ newAlerts: { unavailable: 'Graph API returned 429 after retries' } }))),
  );
  add(
    'daily digest, all quiet',
    dailyDigestCard(
      ctx,
      v(dailyDigestView({ incidents: [], newAlerts: [], threatenedDevices: [], scores: quietScores })),
    ),
  );

  add('weekly digest', weeklyDigestCard(ctx, v(weeklyDigestView())));
  const noHistory = scoresView({
    exposureScore: { score: 30, change7d: null },
    deviceSecureScore: { score: 70, change7d: null },
  });
  add(
    'weekly digest, first snapshot, on demand',
    weeklyDigestCard(
      ctx,
      v(
        weeklyDigestView({
          period: digestPeriod(24 * 7, { first: true, onDemand: true }),
          scores: noHistory,
          secureScoreTrend: scorePoints(1),
        }),
      ),
    ),
  );
  const unchanged = scoresView({
    secureScore: { current: 400, max: 600, change7d: 0, comparativeAverages: [] },
    exposureScore: { score: 30, change7d: 0 },
    deviceSecureScore: { score: 70, change7d: null },
  });
  add(
    'weekly digest, all quiet',
    weeklyDigestCard(ctx, v(weeklyDigestView({ scores: unchanged, recommendations: [] }))),
  );

  add('monthly digest', monthlyDigestCard(ctx, v(monthlyDigestView())));
  add(
    'monthly digest, all quiet',
    monthlyDigestCard(
      ctx,
      v(
        monthlyDigestView({
          machineActions: [],
          investigations: [],
          remediationTasks: [],
          antivirusHealth: [avHealth({ signatureUpToDate: true, fullScanResult: 'Completed' })],
          threatRecommendations: [],
          pendingApprovals: [],
        }),
      ),
    ),
  );
  return cards;
}
