import {
  approvalCard,
  chooseDeviceCard,
  deviceCard,
  devicesCard,
  pendingActionsCard,
  type AdaptiveCard,
  type RemediationState,
} from '../../../src/cards';
import { parseCardAction } from '../../../src/cards/verbs';
import {
  cardContext,
  deviceId,
  deviceView,
  hoursAgo,
  pendingActionsView,
  remediationRequest,
  sampleCards,
} from '../../helpers/cardFixtures';

interface FoundButton {
  type: string;
  title: string;
  verb?: string;
  data?: unknown;
  style?: string;
  url?: string;
  /** Folded behind an Action.ShowCard. */
  folded: boolean;
}

/** Every button of a card, in document order. */
function buttons(value: unknown, folded = false, out: FoundButton[] = []): FoundButton[] {
  if (Array.isArray(value)) value.forEach((item) => buttons(item, folded, out));
  else if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) {
      out.push({ ...(node as unknown as FoundButton), folded });
      if (node.type === 'Action.ShowCard') buttons(node.card, true, out);
      return out;
    }
    Object.values(node).forEach((child) => buttons(child, folded, out));
  }
  return out;
}

const titles = (card: AdaptiveCard) => buttons(card).map((b) => b.title);
const ctx = cardContext();

/** The button titles the SPEC fixes, and the others our cards may carry. */
const KNOWN_TITLES = new Set([
  'Run antivirus scan',
  'Full scan',
  'Start investigation',
  'Request isolation',
  'Selective isolation',
  'Request release',
  'Approve',
  'Reject',
  'Show',
  'Open in Defender',
  'More actions',
  'Open Action center',
  'Open action history',
  'Open threat analytics',
  'Open Secure Score',
  'Open recommendations',
  'Assign to me',
  'Take over',
  'Resolve…',
  'Resolve incident',
  'Cancel',
]);

describe('buttons', () => {
  it('every Action.Execute of every card parses with parseCardAction and has a known title', () => {
    for (const { card } of sampleCards(ctx)) {
      for (const button of buttons(card)) {
        expect(KNOWN_TITLES).toContain(button.title);
        if (button.type === 'Action.Execute') expect(() => parseCardAction(button.verb, button.data)).not.toThrow();
      }
    }
  });

  it('the device card offers both scans, an investigation and both isolations, directly clickable', () => {
    const card = deviceCard(ctx, { device: deviceView(), recentActions: [], preferFullScan: false });
    const found = buttons(card);
    expect(found.every((b) => !b.folded)).toBe(true);
    const byTitle = Object.fromEntries(found.map((b) => [b.title, b]));
    expect(parseCardAction(byTitle['Run antivirus scan'].verb, byTitle['Run antivirus scan'].data)).toEqual({
      verb: 'scan',
      data: { deviceId: deviceId(1), scanType: 'Quick' },
    });
    expect(byTitle['Full scan'].data).toEqual({ deviceId: deviceId(1), scanType: 'Full' });
    expect(byTitle['Start investigation'].verb).toBe('investigate');
    expect(byTitle['Request isolation'].data).toEqual({ deviceId: deviceId(1), isolationType: 'Full' });
    expect(byTitle['Selective isolation']).toMatchObject({
      verb: 'requestIsolation',
      data: { isolationType: 'Selective' },
    });
    expect(titles(card)).not.toContain('Request release');
    expect(titles(card).slice(0, 2)).toEqual(['Run antivirus scan', 'Full scan']);
  });

  it('Selective isolation is offered only where Defender supports it; Full everywhere', () => {
    const server = deviceView({ osPlatform: 'WindowsServer2022', osVersion: '21H2', selectiveIsolation: false });
    const card = deviceCard(ctx, { device: server, recentActions: [], preferFullScan: false });
    expect(titles(card)).toContain('Request isolation');
    expect(titles(card)).not.toContain('Selective isolation');
  });

  it('`scan <device> full` puts Full scan first and highlighted, and still only offers buttons', () => {
    const card = deviceCard(ctx, { device: deviceView(), recentActions: [], preferFullScan: true });
    const [first, second] = buttons(card);
    expect(first).toMatchObject({ title: 'Full scan', style: 'positive', data: { scanType: 'Full' } });
    expect(second).toMatchObject({ title: 'Run antivirus scan', data: { scanType: 'Quick' } });
    expect(second.style).toBeUndefined();
  });

  it('an isolated device offers Request release instead of the isolation buttons', () => {
    const card = deviceCard(ctx, { device: deviceView({ isolated: true }), recentActions: [], preferFullScan: false });
    expect(titles(card)).toContain('Request release');
    expect(titles(card)).not.toContain('Request isolation');
    expect(titles(card)).not.toContain('Selective isolation');
    expect(buttons(card).find((b) => b.title === 'Request release')).toMatchObject({ verb: 'requestRelease' });
  });

  it('show devices rows keep Run antivirus scan clickable and fold the rest under More actions', () => {
    const card = devicesCard(ctx, { devices: [deviceView(), deviceView({ id: deviceId(2), isolated: true })] });
    const found = buttons(card);
    const scans = found.filter((b) => b.title === 'Run antivirus scan');
    expect(scans).toHaveLength(2);
    expect(scans.every((b) => !b.folded)).toBe(true);
    expect(found.filter((b) => b.title === 'Start investigation').every((b) => b.folded)).toBe(true);
    expect(found.filter((b) => b.title === 'Request isolation')).toHaveLength(1);
    expect(found.filter((b) => b.title === 'Request release')).toHaveLength(1);
  });

  it('a device with a malformed id gets no buttons at all', () => {
    const card = devicesCard(ctx, { devices: [deviceView({ id: 'not-a-device-id' })] });
    expect(buttons(card).filter((b) => b.type === 'Action.Execute')).toEqual([]);
  });

  it('Approve (positive) and Reject (destructive) appear on a pending request', () => {
    const found = buttons(approvalCard(ctx, remediationRequest()));
    expect(found.find((b) => b.title === 'Approve')).toMatchObject({
      verb: 'approve',
      style: 'positive',
      data: { requestId: 'req0000001' },
    });
    expect(found.find((b) => b.title === 'Reject')).toMatchObject({ verb: 'reject', style: 'destructive' });
  });

  it.each<[string, RemediationState]>([
    ['approved', { kind: 'approved', by: 'Carol', at: hoursAgo(1) }],
    ['rejected', { kind: 'rejected', by: 'Carol', at: hoursAgo(1) }],
    ['expired', { kind: 'expired', at: hoursAgo(1) }],
    ['failed', { kind: 'failed', reason: 'Defender refused' }],
  ])('no Approve or Reject once the request is %s', (_kind, state) => {
    expect(titles(approvalCard(ctx, remediationRequest({ state })))).not.toEqual(expect.arrayContaining(['Approve']));
    expect(titles(approvalCard(ctx, remediationRequest({ state })))).not.toContain('Reject');
  });

  it('no Approve or Reject on a request still pending but past its expiry', () => {
    const card = approvalCard(ctx, remediationRequest({ expiresAt: hoursAgo(1) }));
    expect(titles(card)).not.toContain('Approve');
    expect(JSON.stringify(card)).toContain('Expired at');
  });

  it('show pending actions puts Approve and Reject on each pending request', () => {
    const card = pendingActionsCard(ctx, pendingActionsView());
    expect(titles(card).filter((t) => t === 'Approve')).toHaveLength(1);
    expect(titles(card)).toContain('Open Action center');
  });

  it('the device chooser has a Show button per device (verb showDevice)', () => {
    const card = chooseDeviceCard(ctx, { query: 'ws', matches: [deviceView(), deviceView({ id: deviceId(2) })] });
    const shows = buttons(card).filter((b) => b.title === 'Show');
    expect(shows.map((b) => parseCardAction(b.verb, b.data))).toEqual([
      { verb: 'showDevice', data: { deviceId: deviceId(1) } },
      { verb: 'showDevice', data: { deviceId: deviceId(2) } },
    ]);
  });
});
