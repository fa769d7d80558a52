/**
 * `show devices`: devices with active alerts or a high risk score, each with its buttons.
 */
import { devicesCard, isUnavailable, noticeCard } from '../cards';
import { DEVICE_ROWS } from '../cards/devices';
import { cardContext, type Services } from '../services';
import { threatenedDevices } from '../views/devices';
import { section } from '../views/sections';
import type { Reply } from './types';

const TITLE = 'Devices with active alerts or high risk';

/** Builds the devices card; when Defender cannot be read, a card that says so and why. */
export async function devices(services: Services): Promise<Reply> {
  const list = await section('threatenedDevices', threatenedDevices(services.defender, DEVICE_ROWS), services.log);
  const ctx = cardContext(services);
  if (isUnavailable(list)) {
    return {
      cards: [noticeCard(ctx, { tone: 'warning', title: TITLE, text: `Section unavailable: ${list.unavailable}` })],
    };
  }
  if (list.incomplete !== undefined) services.log.warn({ err: list.failure }, 'devices list incomplete');
  const { devices: rows, total, incomplete } = list;
  return { cards: [devicesCard(ctx, { devices: rows, total, ...(incomplete ? { incomplete } : {}) })] };
}
