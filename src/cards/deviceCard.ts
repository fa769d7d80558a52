/**
 * One device (`scan <device name> [full]`, the `Show` button): facts, top alerts, every button, recent actions.
 */
import { deviceCardActions } from './deviceActions';
import { cardTitle, fact, factSet, subtleText, textBlock, type AdaptiveCard } from './elements';
import { formatTimeAndAge } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { portalLink } from './links';
import { deviceName, machineActionsTable } from './rows';
import { listBody, portalButton, section } from './sections';
import { riskColor, statusLabel } from './styles';
import { escapeOr, escapeText } from './text';
import type { CardContext, DeviceDetailView } from './views';

/** Most recent machine actions the device card lists. */
export const DEVICE_CARD_ACTIONS = 10;

/** The card of one device, with its buttons; `preferFullScan` puts `Full scan` first. Nothing runs without a click. */
export function deviceCard(ctx: CardContext, view: DeviceDetailView): AdaptiveCard {
  const { device } = view;
  const os = escapeText([device.osPlatform, device.osVersion].filter(Boolean).join(' '), 60);
  return fitCard((maxRows) =>
    adaptiveCard(
      ctx,
      [
        cardTitle(deviceName(device.name)),
        textBlock(`Risk: ${escapeOr(device.riskScore, 'unknown', 20)}`, {
          color: riskColor(device.riskScore),
          weight: 'Bolder',
          spacing: 'None',
        }),
        factSet([
          fact('OS', os || 'unknown'),
          fact('Health', statusLabel(device.healthStatus || 'unknown')),
          ...(device.exposureLevel ? [fact('Exposure', escapeText(device.exposureLevel, 20))] : []),
          fact('Active alerts', device.activeAlertCount.toLocaleString('en-US')),
          fact('Isolated', device.isolated ? 'yes' : 'no'),
          ...(device.lastSeen ? [fact('Last seen', formatTimeAndAge(device.lastSeen, ctx))] : []),
          ...(device.lastIpAddress ? [fact('Last IP', escapeText(device.lastIpAddress, 45))] : []),
        ]),
        ...device.topAlertTitles.slice(0, 5).map((t) => subtleText(`• ${escapeText(t, 150)}`)),
        section('Actions', [
          subtleText(
            view.preferFullScan
              ? 'You asked for a full scan: click **Full scan** to start it. Nothing runs until someone clicks.'
              : 'Nothing runs until someone clicks; each click is checked and recorded.',
            { size: 'Default' },
          ),
          ...deviceCardActions(device, view.preferFullScan),
        ]),
        section(
          'Recent machine actions',
          listBody(view.recentActions, {
            maxRows: Math.min(maxRows, DEVICE_CARD_ACTIONS),
            renderRows: (shown) => [machineActionsTable(ctx, shown, false)],
            moreUrl: portalLink(ctx, { page: 'actionCenterHistory' }),
          }),
        ),
      ],
      [portalButton(ctx, { page: 'device', id: device.id })],
    ),
  );
}
