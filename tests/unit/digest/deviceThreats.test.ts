/**
 * Devices with active threats in the daily digest: the riskiest few as rows, every other one only counted.
 */
import { dailyDigestCard, validateCard } from '../../../src/cards';
import { DAILY_DEVICE_ROWS } from '../../../src/cards/digestDaily';
import type { Machine, MdeAlert } from '../../../src/defender/models';
import { COUNTED_DEVICE, deviceThreats } from '../../../src/digest/deviceThreats';
import { threatenedDevices } from '../../../src/views/devices';
import { cardText } from '../../helpers/recordingConnector';
import { quietTenant } from './fixtures';

function machine(i: number, riskScore: string): Machine {
  return {
    id: i.toString(16).padStart(40, '0'),
    computerDnsName: `pc-${String(i).padStart(4, '0')}.contoso.local`,
    osPlatform: 'Windows11',
    version: '23H2',
    healthStatus: 'Active',
    onboardingStatus: 'Onboarded',
    riskScore,
    exposureLevel: 'Medium',
    lastSeen: '2025-06-02T07:00:00Z',
    lastIpAddress: '10.0.0.1',
    rbacGroupName: undefined,
    machineTags: [],
  };
}

function alert(i: number, machineId: string, severity: string): MdeAlert {
  return {
    id: `da${i}`,
    incidentId: undefined,
    investigationId: undefined,
    investigationState: undefined,
    title: `Suspicious activity ${i % 4}`,
    severity,
    status: 'New',
    category: 'Malware',
    detectionSource: 'WindowsDefenderAv',
    threatName: undefined,
    threatFamilyName: undefined,
    machineId,
    computerDnsName: undefined,
    alertCreationTime: '2025-06-02T06:00:00Z',
    lastUpdateTime: undefined,
  };
}

test('of 1,000 devices the digest keeps the riskiest rows, counts the others, and never shows a counted-only one', async () => {
  const machines = Array.from({ length: 1000 }, (_, i) => machine(i + 1, i < 10 ? 'High' : i % 3 ? 'Low' : 'Medium'));
  // Devices 5..304 have active alerts (one to three each, nine on device 100).
  const alerts = machines
    .slice(4, 304)
    .flatMap((m, i) =>
      Array.from({ length: i === 95 ? 9 : 1 + (i % 3) }, (_, k) => alert(i * 10 + k, m.id, k ? 'Medium' : 'High')),
    );
  const defender = quietTenant({
    streamAlerts: () => [alerts.slice(0, 400), alerts.slice(400)],
    streamMachines: () => [machines.slice(0, 600), machines.slice(600)],
  });
  const read = await deviceThreats(defender);
  expect(read.incomplete).toBeUndefined();
  const devices = read.items;
  expect(devices).toHaveLength(304); // 10 high-risk devices plus 300 with alerts, 6 of them in both
  const rows = devices.filter((d) => d !== COUNTED_DEVICE);
  expect(rows).toHaveLength(DAILY_DEVICE_ROWS);
  // The same rows, in the same order, as sorting the full list of threatened devices.
  const full = (await threatenedDevices(defender)).devices;
  expect(full).toHaveLength(304);
  expect(rows).toEqual(full.slice(0, DAILY_DEVICE_ROWS));

  const card = dailyDigestCard(
    { simulated: true, portalUrl: 'https://security.microsoft.com', now: new Date('2025-06-02T08:00:00Z') },
    {
      period: { since: '2025-06-01T08:00:00Z', until: '2025-06-02T08:00:00Z' },
      incidents: [],
      newAlerts: [],
      threatenedDevices: devices,
    },
  );
  const text = cardText(card);
  expect(text).toContain('Devices with active threats (304)');
  expect(text).toContain(`… and ${304 - DAILY_DEVICE_ROWS} more`);
  expect(text).not.toMatch(/unnamed device/);
  expect(validateCard(card)).toEqual([]);
});
