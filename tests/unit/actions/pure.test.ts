/**
 * The pure parts of card actions: the Defender comment, the polling backoff, intent keys, device name matching.
 */
import { defenderComment } from '../../../src/actions/comment';
import { intentKey } from '../../../src/actions/intents';
import { nextCheckSeconds, SLOW_POLL_SECONDS } from '../../../src/actions/polling';
import type { Machine } from '../../../src/defender/models';
import { matchDeviceName } from '../../../src/views/deviceDetail';
import { ANN, BOB, DEVICE_ID } from './fakeServices';

describe('the Comment sent to Defender', () => {
  it('names the Teams user who clicked', () => {
    expect(defenderComment('Antivirus scan (Quick)', ANN)).toBe(
      `Antivirus scan (Quick) requested by Ann Analyst (aad:${ANN.id}) from Microsoft Teams via Watchstander`,
    );
  });

  it('names the approver too, and the reason, for an approved remediation', () => {
    const text = defenderComment('Isolation (Full)', ANN, { approver: BOB, reason: 'ransomware\nbehavior' });
    expect(text).toBe(
      `Isolation (Full) requested by Ann Analyst (aad:${ANN.id}) and approved by Bob Approver (aad:${BOB.id}) ` +
        'from Microsoft Teams via Watchstander; reason: ransomware behavior',
    );
  });

  it('keeps control characters and very long names out', () => {
    const text = defenderComment('Automated investigation', { id: 'x', name: `Eve\u0000${'e'.repeat(500)}` });
    expect(text).not.toMatch(/[\u0000-\u001f]/);
    expect(text.length).toBeLessThan(250);
  });
});

describe('polling backoff', () => {
  it('doubles from the first interval and stops at 60 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => nextCheckSeconds(5, n, 0))).toEqual([5, 10, 20, 40, 60, 60, 60]);
  });

  it('starts again at the first interval after a change', () => {
    expect(nextCheckSeconds(1, 0, 0)).toBe(1);
  });

  it('slows to 15 minutes once a status has not moved for an hour (an offline device, a pending approval)', () => {
    expect(nextCheckSeconds(5, 40, 61 * 60_000)).toBe(SLOW_POLL_SECONDS);
  });
});

describe('intent keys', () => {
  it('one key for every scan type of a device, one for investigations, one for isolation and release', () => {
    expect(intentKey({ kind: 'scan', scanType: 'Quick' }, DEVICE_ID)).toBe(
      intentKey({ kind: 'scan', scanType: 'Full' }, DEVICE_ID),
    );
    expect(intentKey({ kind: 'investigation' }, DEVICE_ID)).toBe(`investigate|${DEVICE_ID}`);
    expect(intentKey({ kind: 'isolate', isolationType: 'Selective' }, DEVICE_ID)).toBe(
      intentKey({ kind: 'release' }, DEVICE_ID),
    );
  });
});

describe('scan <device name>: which device a name means', () => {
  const machine = (name: string): Machine => ({ id: name, computerDnsName: name }) as Machine;
  const fleet = ['pc-01.contoso.local', 'pc-010.contoso.local', 'pc-011.contoso.local', 'srv-db.contoso.local'].map(
    machine,
  );

  it('an exact host name wins over longer names with the same prefix', () => {
    expect(matchDeviceName('PC-01', fleet)).toEqual({ kind: 'one', device: fleet[0] });
    expect(matchDeviceName('pc-01.contoso.local', fleet)).toEqual({ kind: 'one', device: fleet[0] });
  });

  it('a unique prefix is the device', () => {
    expect(matchDeviceName('srv', fleet)).toEqual({ kind: 'one', device: fleet[3] });
  });

  it('several prefix matches are offered to choose from', () => {
    const match = matchDeviceName('pc-01', fleet.slice(1));
    expect(match.kind).toBe('several');
    expect(match.kind === 'several' && match.devices.map((d) => d.computerDnsName)).toEqual([
      'pc-010.contoso.local',
      'pc-011.contoso.local',
    ]);
  });

  it('nothing matches: none', () => {
    expect(matchDeviceName('laptop', fleet)).toEqual({ kind: 'none' });
    expect(matchDeviceName('  ', fleet)).toEqual({ kind: 'none' });
  });
});
