/**
 * `show devices`: devices with active alerts or a high risk score, each with its buttons.
 */
import { devicesCard } from '../cards';
import { cardContext, type Services } from '../services';
import { threatenedDevices } from '../views/devices';
import type { Reply } from './types';

/** Builds the devices card. */
export async function devices(services: Services): Promise<Reply> {
  const list = await threatenedDevices(services.defender);
  return { cards: [devicesCard(cardContext(services), { devices: list, total: list.length })] };
}
