/**
 * `show devices`: devices with active alerts or a high risk score, riskiest first, each with its buttons.
 */
import { cardTitle, subtleText, type AdaptiveCard } from './elements';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { portalLink } from './links';
import { deviceRow } from './rows';
import { incompleteLine, listBody } from './sections';
import { compareText, riskRank } from './styles';
import type { CardContext, DeviceView, DevicesView } from './views';

/** Most device rows a card shows when it has room (each row carries buttons). */
export const DEVICE_ROWS = 15;

/** Riskiest first: risk score, then active alerts, then name. */
export function byThreat(a: DeviceView, b: DeviceView): number {
  return (
    riskRank(a.riskScore) - riskRank(b.riskScore) ||
    b.activeAlertCount - a.activeAlertCount ||
    compareText(a.name, b.name)
  );
}

/** The `show devices` card. */
export function devicesCard(ctx: CardContext, view: DevicesView): AdaptiveCard {
  const devices = [...view.devices].sort(byThreat);
  const total = view.total ?? devices.length;
  return fitCard((maxRows) =>
    adaptiveCard(ctx, [
      cardTitle(
        `Devices with active alerts or high risk (${total.toLocaleString('en-US')}${view.incomplete ? '+' : ''})`,
      ),
      ...(view.incomplete ? [incompleteLine(view.incomplete)] : []),
      subtleText('Buttons only request an action: each click is checked and recorded.', { size: 'Default' }),
      ...listBody(devices, {
        maxRows: Math.min(maxRows, DEVICE_ROWS),
        total,
        renderRows: (shown) => shown.map((d) => deviceRow(ctx, d)),
        moreUrl: portalLink(ctx, { page: 'devices' }),
        emptyText: view.incomplete ? 'None could be read.' : 'No device has active alerts or a high risk score.',
      }),
    ]),
  );
}
