import {
  actionStatusCard,
  approvalCard,
  auditCard,
  dailyDigestCard,
  helpCard,
  incidentsCard,
  monthlyDigestCard,
  noticeCard,
  pendingActionsCard,
  secureScoreCard,
  weeklyDigestCard,
  welcomeCard,
  type ActionStatusView,
  type AdaptiveCard,
  type RemediationState,
} from '../../../src/cards';
import {
  actionStatusView,
  auditEntry,
  cardContext,
  dailyDigestView,
  digestIncident,
  digestPeriod,
  hoursAgo,
  incidentView,
  many,
  monthlyDigestView,
  pendingActionsView,
  recommendationView,
  remediationRequest,
  scoresView,
  subscriptions,
  weeklyDigestView,
} from '../../helpers/cardFixtures';

const ctx = cardContext();

/** Everything a reader sees, in order, with zero-width spaces and Markdown escapes removed. */
function visibleText(card: AdaptiveCard): string {
  const out: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string' && ['text', 'title', 'value', 'legend'].includes(key)) out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => visit(v, k));
  };
  visit(card, '');
  return out
    .join('\n')
    .replace(/[\u200B\u2060]/g, '')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

function findElement(value: unknown, type: string): unknown {
  if (Array.isArray(value)) return value.map((v) => findElement(v, type)).find(Boolean);
  if (!value || typeof value !== 'object') return undefined;
  if ((value as { type?: string }).type === type) return value;
  return Object.values(value)
    .map((v) => findElement(v, type))
    .find(Boolean);
}

function elementTypes(card: AdaptiveCard): string[] {
  return [...JSON.stringify(card).matchAll(/"type":"([^"]+)"/g)].map((m) => m[1]);
}

const channel = { conversation: 'channel', botName: 'Watchstander', subscriptions: subscriptions() } as const;

describe('help and welcome', () => {
  it('help lists every command, the subscriptions and the Action-center limitation', () => {
    const text = visibleText(helpCard(ctx, { ...channel, subscriptions: subscriptions() }));
    const commands = [
      'help',
      'show pending actions',
      'show incidents [high|medium|low]',
      'show devices',
      'secure score',
      'digest daily|weekly|monthly',
      'subscribe daily|weekly|monthly [at HH:MM]',
      'unsubscribe daily|weekly|monthly',
      'scan <device name> [full]',
      'show audit',
    ];
    for (const command of commands) expect(text).toContain(command);
    expect(text).toContain('approvers only');
    expect(text).toContain('every day at 08:00 (0 8 * * *, UTC) · next: Tue 7 May 2024 08:00 UTC');
    expect(text).toMatch(/Monthly digest\nnot subscribed/);
    expect(text).toContain('Microsoft offers no API to approve or reject the pending actions');
    expect(text).toContain('@Watchstander help');
  });

  it('unknown text puts an escaped "I didn\'t understand" line above the help', () => {
    const unknownText = '<at>x</at> [a](http://b)';
    const card = helpCard(ctx, { conversation: 'personal', botName: 'W', subscriptions: [], unknownText });
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', color: 'Warning' });
    expect(JSON.stringify(card.body[0])).not.toContain('<at');
    expect(visibleText(card)).toContain(`I didn't understand “${unknownText}”`);
    expect(visibleText(card)).toContain('Type a command');
  });

  it('the welcome card says what the bot does, what the channel is subscribed to and how to mention it', () => {
    const text = visibleText(welcomeCard(ctx, { ...channel, subscriptions: subscriptions() }));
    expect(text).toContain('Daily digest\nevery day at 08:00');
    expect(text).toContain('Weekly digest\nevery Monday at 08:30');
    expect(text).toContain('@mention me');
    expect(text).toContain('scan <device name> [full]');
  });

  it('the welcome card of a conversation with members of other organisations says so, and what becomes of digests', () => {
    const withheld = visibleText(
      welcomeCard(ctx, {
        ...channel,
        externalMembers: { known: true, count: 2, organisations: 1, digestsPosted: false },
      }),
    );
    expect(withheld).toContain(
      '2 members of this conversation are from another organisation, so I do not post digests here while ' +
        'ALLOW_EXTERNAL_MEMBERS is off.',
    );
    const posted = visibleText(
      welcomeCard(ctx, {
        ...channel,
        externalMembers: { known: true, count: 1, organisations: 1, digestsPosted: true },
      }),
    );
    expect(posted).toContain('1 member of this conversation is from another organisation: they will see the digests');
    const unknown = visibleText(
      welcomeCard(ctx, { ...channel, externalMembers: { known: false, digestsPosted: false } }),
    );
    expect(unknown).toContain('I could not read the members of this conversation.');
    expect(visibleText(welcomeCard(ctx, channel))).not.toMatch(/organisation/);
  });
});

describe('show pending actions', () => {
  it('has counts in its headings, and the time left before the 7-day Action-center expiry', () => {
    const text = visibleText(pendingActionsCard(ctx, pendingActionsView()));
    expect(text).toContain('Remediation requests awaiting approval (1)');
    expect(text).toContain('Automated investigations pending approval (1)');
    expect(text).toContain('Machine actions pending or in progress (2)');
    expect(text).toContain('5 d left');
    expect(text).toContain('requested by Bob Analyst · 2 h ago · 22 h left');
  });

  it('renders the other sections when one API failed, and "none" for empty ones', () => {
    const view = pendingActionsView({
      remediationRequests: [],
      machineActions: { unavailable: 'Defender API returned 503' },
    });
    const text = visibleText(pendingActionsCard(ctx, view));
    expect(text).toContain('Remediation requests awaiting approval (0)\nnone');
    expect(text).toContain('Machine actions pending or in progress\nSection unavailable: Defender API returned 503');
    expect(text).toContain('Automated investigations pending approval (1)');
  });
});

describe('show incidents', () => {
  it('lists open incidents newest first, says the filter and links to the portal', () => {
    const card = incidentsCard(ctx, {
      filter: 'high',
      incidents: [
        incidentView({ id: '1', title: 'Older', createdAt: hoursAgo(9) }),
        incidentView({ id: '2', title: 'Newer', createdAt: hoursAgo(1), webUrl: 'https://evil.example/x' }),
      ],
    });
    const text = visibleText(card);
    expect(text).toContain('Open incidents — high severity (2)');
    expect(text.indexOf('Newer')).toBeLessThan(text.indexOf('Older'));
    const json = JSON.stringify(card);
    expect(json).toContain('https://security.microsoft.com/incidents/2"');
    expect(json).not.toContain('evil');
  });
});

describe('secure score', () => {
  it('shows each score with its 7-day change', () => {
    const text = visibleText(secureScoreCard(ctx, scoresView()));
    expect(text).toContain('412.5 / 600 (68.8%)');
    expect(text).toContain('+6.5 (better)');
    expect(text).toContain('Exposure score\n34 / 100');
    expect(text).toContain('−3 (better)');
    expect(text).toContain('Lower is better');
    expect(text).toContain('Average of all tenants\n355.2');
  });

  it('says when there is no history yet, or no data', () => {
    const view = scoresView({
      deviceSecureScore: { score: 70, change7d: null },
      exposureScore: { unavailable: 'timeout' },
    });
    const text = visibleText(secureScoreCard(ctx, view));
    expect(text).toContain('not enough history yet');
    expect(text).toContain('Exposure score\nSection unavailable: timeout');
  });
});

describe('action status', () => {
  const statusText = (overrides: Partial<ActionStatusView>) =>
    visibleText(actionStatusCard(ctx, actionStatusView(overrides)));

  it('shows the step line, the requester and the Defender action id', () => {
    const text = statusText({});
    expect(text).toContain('Antivirus scan (Quick) on ws-finance-01');
    expect(text).toContain('✔ Requested → ✔ Pending → **● In progress** → ○ Done');
    expect(text).toContain('Ann Analyst, Mon 6 May 2024 07:57 UTC (3 min ago)');
    expect(text).toContain('b8f2c0c4-6d6a-4c1b-9d55-3a0b0f1c2d3e');
  });

  it('says when Defender has not answered yet, and shows a notice line', () => {
    const text = statusText({
      status: undefined,
      notice: { tone: 'warning', text: 'Already running: started by Ann 2 min ago' },
    });
    expect(text).toMatch(/^Already running: started by Ann 2 min ago/);
    expect(text).toContain('Requested — waiting for Defender');
    expect(text).toContain('● Requested');
  });

  it('ends the line with the final status, and follows investigations through Pending approval', () => {
    expect(statusText({ status: 'Failed' })).toContain('✔ In progress → ✖ Failed');
    expect(statusText({ status: 'TimeOut' })).toContain('✖ Timed out');
    const investigation = statusText({ operation: { kind: 'investigation' }, status: 'PendingApproval' });
    expect(investigation).toContain('Automated investigation on ws-finance-01');
    expect(investigation).toContain('✔ Running → **● Pending approval** → ○ Done');
    expect(statusText({ operation: { kind: 'investigation' }, status: 'Benign' })).toContain('✔ Benign');
  });
});

describe('remediation request', () => {
  const approvalText = (state?: RemediationState) =>
    visibleText(approvalCard(ctx, remediationRequest(state ? { state } : {})));

  it('shows what, on which device, why, by whom and until when', () => {
    const text = approvalText();
    expect(text).toContain('Remediation request: Isolation (Full)');
    expect(text).toContain('Pending: waiting for an approver · 22 h left');
    expect(text).toContain('Reason\nActive ransomware alert');
    expect(text).toContain('Requested by\nBob Analyst');
    expect(text).toContain('Expires at\nTue 7 May 2024 06:00 UTC');
  });

  it('shows the approver and then the action status', () => {
    const text = approvalText({ kind: 'approved', by: 'Carol', at: hoursAgo(1), action: { status: 'Succeeded' } });
    expect(text).toContain('Approved by Carol at Mon 6 May 2024 07:00 UTC');
    expect(text).toContain('✔ Succeeded');
  });

  it('shows a rejection, an expiry, a failure', () => {
    expect(approvalText({ kind: 'rejected', by: 'Carol', at: hoursAgo(1), comment: 'benign' })).toContain(
      'Rejected by Carol at Mon 6 May 2024 07:00 UTC: benign',
    );
    expect(approvalText({ kind: 'expired', at: hoursAgo(1) })).toContain('Expired at');
    expect(approvalText({ kind: 'failed', reason: 'device offboarded' })).toContain('Failed: device offboarded');
  });
});

describe('audit and notice', () => {
  it('show audit lists the latest 20 entries, newest first', () => {
    const entries = many(30, (i) => auditEntry({ at: hoursAgo(i), user: `user${i}` }));
    const text = visibleText(auditCard(ctx, { entries: [...entries].reverse() }));
    expect(text.indexOf('user0')).toBeLessThan(text.indexOf('user1\n'));
    expect(text).toContain('user19');
    expect(text).not.toContain('user20');
  });

  it('a refusal is an attention-coloured notice', () => {
    const text = 'You are not allowed to run scans: only members of SECURITY_OPERATORS can';
    const card = noticeCard(ctx, { tone: 'error', text });
    expect(card.body[0]).toMatchObject({ type: 'Container', style: 'attention' });
    expect(visibleText(card)).toContain(text);
  });
});

describe('daily digest', () => {
  it('tells new from updated incidents, counts alerts by source, lists threatened devices, with a donut', () => {
    const card = dailyDigestCard(ctx, dailyDigestView());
    const text = visibleText(card);
    expect(text).toContain('Sun 5 May 2024 08:00 UTC → Mon 6 May 2024 08:00 UTC');
    expect(text).toContain('Incidents created or updated (3)');
    expect(text).toContain('**2 new** · **1 updated** · 1 high · 1 medium · 1 low');
    expect(text).toContain('**New** · Multi-stage incident');
    expect(text).toContain('**Updated** · Phishing email delivered');
    // The triaged one: resolved with its verdict and owner, and no triage buttons left.
    expect(text).toContain(
      'Resolved · True positive: Phishing · created 5 h ago · updated 20 min ago · ' +
        'assigned to megan.bowen@contoso.com · 3 alerts\nOpen in Defender',
    );
    expect(text).toContain('New alerts (2)');
    expect(text).toContain('Defender for Endpoint\n1');
    expect(text).toContain('Defender for Office 365\n1');
    expect(text).toContain('Devices with active threats (2)');
    expect(elementTypes(card)).toContain('Chart.Donut');
  });

  it('sorts incidents most severe first', () => {
    const incidents = [
      digestIncident({ id: '1', severity: 'low', title: 'Low one' }),
      digestIncident({ id: '2', title: 'High one' }),
    ];
    const text = visibleText(dailyDigestCard(ctx, dailyDigestView({ incidents })));
    expect(text.indexOf('High one')).toBeLessThan(text.indexOf('Low one'));
  });

  it('is a short all-quiet card with the scores when nothing is new', () => {
    const card = dailyDigestCard(ctx, dailyDigestView({ incidents: [], newAlerts: [], threatenedDevices: [] }));
    const text = visibleText(card);
    expect(text).toContain('All quiet since Sun 5 May 2024 08:00 UTC');
    expect(text).toContain('Secure Score\n412.5 / 600 (68.8%)');
  });

  it('is not all quiet when a section could not be loaded', () => {
    const view = dailyDigestView({ incidents: [], newAlerts: { unavailable: 'Graph 429' }, threatenedDevices: [] });
    const text = visibleText(dailyDigestCard(ctx, view));
    expect(text).not.toContain('All quiet');
    expect(text).toContain('New alerts\nSection unavailable: Graph 429');
  });

  it('says when it is the first digest, or posted on demand', () => {
    const view = dailyDigestView({ period: digestPeriod(24, { first: true, onDemand: true }) });
    const text = visibleText(dailyDigestCard(ctx, view));
    expect(text).toContain('it covers the last 24 hours');
    expect(text).toContain('Posted on demand');
  });
});

describe('weekly digest', () => {
  it('shows the scores with their change, a gauge, a 90-day line and the top recommendations by impact', () => {
    const recommendations = [
      recommendationView({ name: 'Low impact', exposureImpact: 0.5 }),
      recommendationView({ name: 'High impact', exposureImpact: 9 }),
    ];
    const card = weeklyDigestCard(ctx, weeklyDigestView({ recommendations }));
    const text = visibleText(card);
    expect(elementTypes(card)).toEqual(expect.arrayContaining(['Chart.Gauge', 'Chart.Line']));
    expect(text.indexOf('High impact')).toBeLessThan(text.indexOf('Low impact'));
    expect(text).toContain('12 of 40');
    expect(text).toContain('public exploit');
    const line = findElement(card, 'Chart.Line') as { data: { values: unknown[] }[] };
    expect(line.data[0].values.length).toBeLessThanOrEqual(14);
  });

  it('says "first snapshot" when a change cannot be computed yet', () => {
    const scores = scoresView({ exposureScore: { score: 30, change7d: null } });
    const text = visibleText(weeklyDigestCard(ctx, weeklyDigestView({ scores })));
    expect(text).toContain('first snapshot — change from next week');
  });
});

describe('monthly digest', () => {
  it('counts actions by type and outcome, investigations by state, tasks, AV health, threats, approvals', () => {
    const card = monthlyDigestCard(ctx, monthlyDigestView());
    const text = visibleText(card);
    expect(text).toContain('Machine actions (3)');
    expect(text).toMatch(/Antivirus scan\n2\n1\n1\n0\n0/);
    expect(text).toContain('Successfully remediated\n1');
    expect(text).toContain('Overdue\n1');
    expect(text).toContain('Outdated signatures\n1');
    expect(text).toContain('Failed scans\n1');
    expect(text).toContain('Recommendations linked to threats (1)');
    expect(text).toContain('Action-center approvals pending (1)');
    expect(text).toContain('5 d left');
    expect(JSON.stringify(card)).toContain('https://security.microsoft.com/threatanalytics3');
    expect(elementTypes(card)).toContain('Chart.Line');
  });

  it('shows "Section unavailable" for a failed section and renders the rest', () => {
    const view = monthlyDigestView({ antivirusHealth: { unavailable: 'deviceavinfo 500' } });
    const text = visibleText(monthlyDigestCard(ctx, view));
    expect(text).toContain('Antivirus health\nSection unavailable: deviceavinfo 500');
    expect(text).toContain('Machine actions (3)');
  });
});
