import {
  auditCard,
  cardBytes,
  chooseDeviceCard,
  dailyDigestCard,
  deviceCard,
  devicesCard,
  incidentsCard,
  MAX_CARD_BYTES,
  monthlyDigestCard,
  pendingActionsCard,
  validateCard,
  weeklyDigestCard,
  type AdaptiveCard,
} from '../../../src/cards';
import {
  alertView,
  auditEntry,
  avHealth,
  cardContext,
  dailyDigestView,
  deviceId,
  deviceView,
  digestIncident,
  HOSTILE_TEXT,
  incidentView,
  investigationView,
  machineActionView,
  many,
  monthlyDigestView,
  recommendationView,
  remediationRequest,
  weeklyDigestView,
} from '../../helpers/cardFixtures';

const ctx = cardContext({ simulated: true });
/** A field as long and as hostile as Defender could send. */
const LONG = HOSTILE_TEXT.repeat(200);

const incidents = many(5000, (i) => incidentView({ id: String(i), title: `${LONG} ${i}`, assignedTo: LONG }));
const devices = many(10_000, (i) =>
  deviceView({ id: deviceId(i), name: `${LONG}-${i}`, topAlertTitles: [LONG, LONG, LONG, LONG], osPlatform: LONG }),
);

function moreCounts(card: AdaptiveCard): number[] {
  return [...JSON.stringify(card).matchAll(/… and ([\d,]+) more/g)].map((m) => Number(m[1].replace(/,/g, '')));
}

function expectFitsAndCut(card: AdaptiveCard, total: number): void {
  expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
  expect(validateCard(card)).toEqual([]);
  const [hidden] = moreCounts(card);
  expect(hidden).toBeGreaterThan(0);
  expect(hidden).toBeLessThan(total);
}

describe('cards stay under 28 KB with huge tenants and end long lists with "and N more"', () => {
  it('show incidents with 5,000 incidents', () => {
    const card = incidentsCard(ctx, { incidents });
    expectFitsAndCut(card, 5000);
    expect(JSON.stringify(card)).toContain('https://security.microsoft.com/incidents"');
  });

  it('show devices with 10,000 devices', () => {
    const card = devicesCard(ctx, { devices });
    expectFitsAndCut(card, 10_000);
    const shownRows = JSON.stringify(card).split('"title":"Run antivirus scan"').length - 1;
    expect(moreCounts(card)[0] + shownRows).toBe(10_000);
  });

  it('show devices says the total it was given when the list is already a cut', () => {
    const card = devicesCard(ctx, { devices: devices.slice(0, 100), total: 10_000 });
    expect(moreCounts(card)[0]).toBeGreaterThan(9_900);
  });

  it('show pending actions with 5,000 items in every section', () => {
    const card = pendingActionsCard(ctx, {
      remediationRequests: many(5000, (i) =>
        remediationRequest({ id: `req${String(i).padStart(8, '0')}`, reason: LONG }),
      ),
      pendingInvestigations: many(5000, (i) => investigationView({ id: String(i), deviceName: LONG })),
      machineActions: many(5000, (i) => machineActionView({ id: String(i), requestor: LONG })),
    });
    expectFitsAndCut(card, 5000);
    expect(moreCounts(card)).toHaveLength(3);
  });

  it('the daily digest with 5,000 incidents, 10,000 alerts and 10,000 devices', () => {
    const card = dailyDigestCard(
      ctx,
      dailyDigestView({
        incidents: incidents.map((i, n) => digestIncident({ ...i, change: n % 2 ? 'new' : 'updated' })),
        newAlerts: many(10_000, (i) =>
          alertView({ id: String(i), serviceSource: `${LONG}${i % 50}`, detectionSource: `src${i % 40}` }),
        ),
        threatenedDevices: devices,
      }),
    );
    expectFitsAndCut(card, 10_000);
    expect(moreCounts(card).length).toBeGreaterThanOrEqual(3);
  });

  it('the weekly digest with 5,000 recommendations and a year of score history', () => {
    const card = weeklyDigestCard(
      ctx,
      weeklyDigestView({
        recommendations: many(5000, (i) => recommendationView({ id: String(i), name: LONG, category: LONG })),
      }),
    );
    expectFitsAndCut(card, 5000);
  });

  it('the monthly digest with 10,000 machine actions and AV reports', () => {
    const card = monthlyDigestCard(
      ctx,
      monthlyDigestView({
        machineActions: many(10_000, (i) =>
          machineActionView({ id: String(i), type: `Type${i % 30}`, status: 'Failed' }),
        ),
        investigations: many(5000, (i) => investigationView({ id: String(i), state: `State${i % 30}` })),
        antivirusHealth: many(10_000, (i) => avHealth({ deviceId: deviceId(i), deviceName: LONG })),
        threatRecommendations: many(5000, (i) => recommendationView({ id: String(i), name: LONG })),
        pendingApprovals: many(5000, (i) => investigationView({ id: String(i), deviceName: LONG })),
      }),
    );
    expectFitsAndCut(card, 10_000);
  });

  it('the device card with 5,000 recent actions, the chooser with 10,000 matches, the audit with 5,000 entries', () => {
    expectFitsAndCut(
      deviceCard(ctx, {
        device: devices[0],
        recentActions: many(5000, (i) => machineActionView({ id: String(i) })),
        preferFullScan: false,
      }),
      5000,
    );
    expectFitsAndCut(chooseDeviceCard(ctx, { query: LONG, matches: devices }), 10_000);
    const entries = many(5000, (i) => auditEntry({ user: LONG, detail: LONG, at: new Date(i * 1000).toISOString() }));
    const audit = auditCard(ctx, { entries });
    expect(cardBytes(audit)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(validateCard(audit)).toEqual([]);
  });
});
