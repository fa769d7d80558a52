/**
 * When a device name matches several devices (a `Show` button each), or none.
 */
import { BUTTON_TITLES, isDeviceId } from './deviceActions';
import { cardTitle, subtleText, textBlock, type AdaptiveCard, type ColumnSet } from './elements';
import { formatAge } from './format';
import { adaptiveCard } from './frame';
import { fitCard } from './limits';
import { portalLink } from './links';
import { noticeCard } from './notice';
import { deviceName, deviceSummary } from './rows';
import { listBody, listRow } from './sections';
import { escapeOr, escapeText } from './text';
import { executeAction } from './verbs';
import type { CardContext, DeviceChoiceView, DeviceView, NoDeviceMatchView } from './views';

/** Most matches the chooser lists. */
export const CHOICE_ROWS = 20;

function choiceRow(ctx: CardContext, device: DeviceView): ColumnSet {
  const seen = device.lastSeen ? [`seen ${formatAge(device.lastSeen, ctx.now)}`] : [];
  return listRow(
    [
      textBlock(`**${deviceName(device.name)}** · risk ${escapeOr(device.riskScore, 'unknown', 20)}`),
      subtleText([deviceSummary(device), ...seen].join(' · ')),
    ],
    {
      buttons: isDeviceId(device.id)
        ? [executeAction(BUTTON_TITLES.showDevice, { verb: 'showDevice', data: { deviceId: device.id } })]
        : [],
    },
  );
}

/** Several devices matched: one row per device with a `Show` button (verb `showDevice`). */
export function chooseDeviceCard(ctx: CardContext, view: DeviceChoiceView): AdaptiveCard {
  return fitCard((maxRows) =>
    adaptiveCard(ctx, [
      cardTitle(`${view.matches.length.toLocaleString('en-US')} devices match “${escapeText(view.query, 80)}”`),
      subtleText('Pick one to see its card and buttons.', { size: 'Default' }),
      ...listBody(view.matches, {
        maxRows: Math.min(maxRows, CHOICE_ROWS),
        moreUrl: portalLink(ctx, { page: 'devices' }),
        renderRows: (shown) => shown.map((device) => choiceRow(ctx, device)),
      }),
    ]),
  );
}

/** No device matched the name. */
export function noDeviceMatchCard(ctx: CardContext, view: NoDeviceMatchView): AdaptiveCard {
  const suggestions = view.suggestions ?? [];
  return noticeCard(ctx, {
    tone: 'warning',
    title: 'No device matched',
    text:
      `No device in Defender is named like “${view.query}”. ` + 'Try part of its name, or the command “show devices”.',
    ...(suggestions.length > 0 ? { details: suggestions.slice(0, 5).map((s) => `Did you mean ${s}?`) } : {}),
  });
}
