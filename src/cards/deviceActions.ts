/**
 * The buttons of a device: scans, investigation, isolation or release — with the titles the SPEC fixes.
 *
 * A button is only a request: every click goes through `parseCardAction`, authorization and the audit log.
 */
import { machineIdSchema } from '../defender/models';
import { actionSet, showCard, subtleText, type CardElement } from './elements';
import { OPEN_IN_DEFENDER, portalButton } from './sections';
import { executeAction, type ExecuteAction } from './verbs';
import type { CardContext, DeviceView } from './views';

/** Button titles that are part of the product contract (SPEC §3). */
export const BUTTON_TITLES = {
  quickScan: 'Run antivirus scan',
  fullScan: 'Full scan',
  investigate: 'Start investigation',
  isolate: 'Request isolation',
  selectiveIsolate: 'Selective isolation',
  release: 'Request release',
  approve: 'Approve',
  reject: 'Reject',
  showDevice: 'Show',
  openInDefender: OPEN_IN_DEFENDER,
} as const;

/** True when the id is a well-formed Defender device id, so its buttons would pass `parseCardAction`. */
export function isDeviceId(id: string): boolean {
  return machineIdSchema.safeParse(id).success;
}

/** `Run antivirus scan` and `Full scan`; with `preferFull` the Full scan comes first and highlighted. */
export function scanButtons(deviceId: string, preferFull = false): ExecuteAction[] {
  const quick = executeAction(
    BUTTON_TITLES.quickScan,
    { verb: 'scan', data: { deviceId, scanType: 'Quick' } },
    preferFull ? undefined : 'positive',
  );
  const full = executeAction(
    BUTTON_TITLES.fullScan,
    { verb: 'scan', data: { deviceId, scanType: 'Full' } },
    preferFull ? 'positive' : undefined,
  );
  return preferFull ? [full, quick] : [quick, full];
}

/**
 * `Start investigation`, then `Request isolation` (+ `Selective isolation` where Defender supports it), or
 * `Request release` when isolated.
 */
export function responseButtons(device: Pick<DeviceView, 'id' | 'isolated' | 'selectiveIsolation'>): ExecuteAction[] {
  const deviceId = device.id;
  const investigate = executeAction(BUTTON_TITLES.investigate, { verb: 'investigate', data: { deviceId } });
  if (device.isolated) {
    return [investigate, executeAction(BUTTON_TITLES.release, { verb: 'requestRelease', data: { deviceId } })];
  }
  const full = executeAction(BUTTON_TITLES.isolate, {
    verb: 'requestIsolation',
    data: { deviceId, isolationType: 'Full' },
  });
  if (!device.selectiveIsolation) return [investigate, full];
  const selective = executeAction(BUTTON_TITLES.selectiveIsolate, {
    verb: 'requestIsolation',
    data: { deviceId, isolationType: 'Selective' },
  });
  return [investigate, full, selective];
}

const NO_ACTIONS = 'No buttons: Defender gave this device an unexpected id.';

/** The compact buttons of a device row: both scans, and the rest folded under "More actions". */
export function deviceRowActions(ctx: CardContext, device: DeviceView): CardElement[] {
  if (!isDeviceId(device.id)) return [subtleText(NO_ACTIONS)];
  return [
    actionSet(
      [
        ...scanButtons(device.id),
        showCard('More actions', [...responseButtons(device), portalButton(ctx, { page: 'device', id: device.id })]),
      ],
      { spacing: 'Small' },
    ),
  ];
}

/** Every button of the device card, in two rows: scans and investigation, then isolation or release. */
export function deviceCardActions(device: DeviceView, preferFullScan: boolean): CardElement[] {
  if (!isDeviceId(device.id)) return [subtleText(NO_ACTIONS)];
  const [investigate, ...containment] = responseButtons(device);
  return [
    actionSet([...scanButtons(device.id, preferFullScan), investigate]),
    actionSet(containment, { spacing: 'Small' }),
  ];
}
