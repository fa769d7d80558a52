/**
 * `scan <device name> [full]`: the card of the device the name means, with its scan buttons. It never scans:
 * the scan starts only when someone clicks. Several matches → a card to choose from; none → say so.
 */
import { chooseDeviceCard, deviceCard, noDeviceMatchCard, noticeCard } from '../cards';
import { cardContext, type Services } from '../services';
import { findDevicesByName, loadDeviceDetail } from '../views/deviceDetail';
import { isolatedDeviceIds, toDeviceView } from '../views/devices';
import { readableError } from '../views/sections';
import type { Reply } from './types';

/** Finds the device and answers with its card, a chooser, or "no device matched". */
export async function scanCommand(services: Services, query: string, full: boolean): Promise<Reply> {
  const ctx = () => cardContext(services);
  try {
    const match = await findDevicesByName(services.defender, query);
    switch (match.kind) {
      case 'none':
        return { cards: [noDeviceMatchCard(ctx(), { query })] };
      case 'one':
        return { cards: [deviceCard(ctx(), await loadDeviceDetail(services.defender, match.device, full))] };
      case 'several': {
        const isolated = await isolatedDeviceIds(services.defender);
        const matches = match.devices.map((m) => toDeviceView(m, [], isolated.has(m.id)));
        return { cards: [chooseDeviceCard(ctx(), { query, matches })] };
      }
    }
  } catch (error) {
    services.log.warn({ err: error }, 'scan command: device lookup failed');
    return { cards: [noticeCard(ctx(), { tone: 'error', title: 'Device lookup failed', text: readableError(error) })] };
  }
}
